package policy

import (
	"testing"
	"time"
)

func mustParse(t *testing.T, yaml string) *Policy {
	t.Helper()
	p, err := Parse(file, []byte(yaml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestIsIncidentMatchesAnyIncidentLabelIgnoringCase(t *testing.T) {
	p := mustParse(t, "incident:\n  labels: [incident, outage]\n")
	cases := []struct {
		labels []string
		want   bool
	}{
		{[]string{"bug", "Incident"}, true},
		{[]string{"OUTAGE"}, true},
		{[]string{"incidents"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := p.IsIncident(c.labels); got != c.want {
			t.Errorf("IsIncident(%q) = %v, want %v", c.labels, got, c.want)
		}
	}
}

func TestSeverityOfPicksTheMostSevereLabel(t *testing.T) {
	p := mustParse(t, "")
	cases := []struct {
		labels []string
		want   string
	}{
		{[]string{"incident", "sev3", "SEV2"}, "sev2"},
		{[]string{"sev4"}, "sev4"},
		{[]string{"incident"}, ""},
	}
	for _, c := range cases {
		if got := p.SeverityOf(c.labels); got != c.want {
			t.Errorf("SeverityOf(%q) = %q, want %q", c.labels, got, c.want)
		}
	}
	withDefault := mustParse(t, "severity:\n  default: sev3\n")
	if got := withDefault.SeverityOf([]string{"incident"}); got != "sev3" {
		t.Errorf("unlabelled incident got %q, want the default sev3", got)
	}
}

func TestRequiresPostmortem(t *testing.T) {
	p := mustParse(t, "")
	for sev, want := range map[string]bool{"sev1": true, "SEV2": true, "sev3": false, "sev4": false, "": true, "sev9": true} {
		if got := p.RequiresPostmortem(sev); got != want {
			t.Errorf("RequiresPostmortem(%q) = %v, want %v", sev, got, want)
		}
	}
	lenient := mustParse(t, "severity:\n  default: sev4\n")
	if lenient.RequiresPostmortem("") {
		t.Error("an unlabelled incident with default sev4 should not require a postmortem")
	}
}

func TestDueDateByPriority(t *testing.T) {
	p := mustParse(t, "")
	from := time.Date(2024, 2, 20, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		priority string
		want     time.Time
	}{
		{"P0", time.Date(2024, 2, 27, 15, 0, 0, 0, time.UTC)},
		{"p1", time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC)},
		{" P3 ", time.Date(2024, 4, 20, 15, 0, 0, 0, time.UTC)},
		{"", time.Date(2024, 3, 21, 15, 0, 0, 0, time.UTC)},
		{"urgent", time.Date(2024, 3, 21, 15, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := p.DueDate(c.priority, from); !got.Equal(c.want) {
			t.Errorf("DueDate(%q) = %v, want %v", c.priority, got, c.want)
		}
	}
	if got := p.PostmortemDueDate(from); !got.Equal(from.AddDate(0, 0, 5)) {
		t.Errorf("PostmortemDueDate = %v", got)
	}
}
