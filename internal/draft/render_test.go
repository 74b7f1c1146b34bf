package draft

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.md from the current output")

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(t time.Time) *time.Time { return &t }

// checkoutOutage is a realistic incident: a bad deploy, a rollback, a pipe in a comment.
func checkoutOutage() Incident {
	return Incident{
		Number:     482,
		Title:      "Checkout 502s after payments-gateway deploy",
		URL:        "https://github.com/acme/shop/issues/482",
		Repository: "acme/shop",
		Severity:   "sev1",
		Labels:     []string{"incident", "sev1", "area/payments"},
		Responders: []string{"mkaur", "jdoe"},
		OpenedAt:   at("2024-05-14T09:12:40Z"),
		LabeledAt:  ptr(at("2024-05-14T09:13:05Z")),
		ClosedAt:   ptr(at("2024-05-14T11:47:10Z")),
		Timeline: []TimelineEntry{
			{At: at("2024-05-14T09:12:40Z"), Actor: "pagerbot", Kind: "opened"},
			{At: at("2024-05-14T09:13:05Z"), Actor: "mkaur", Kind: "labeled", Text: "incident"},
			{At: at("2024-05-14T09:13:05Z"), Actor: "mkaur", Kind: "labeled", Text: "sev1"},
			{At: at("2024-05-14T09:15:00Z"), Actor: "mkaur", Kind: "assigned", Text: "jdoe"},
			{At: at("2024-05-14T09:21:33Z"), Actor: "jdoe", Kind: "commented", Text: "Error rate | p99 both spiking since 09:05, correlates with deploy <v2.31.0> of payments-gateway.\n\nGraphs: https://grafana.example/d/abc"},
			{At: at("2024-05-14T09:40:12Z"), Actor: "jdoe", Kind: "cross-referenced", Text: "acme/payments-gateway#1290"},
			{At: at("2024-05-14T09:58:47Z"), Actor: "mkaur", Kind: "commented", Text: "Rollback to v2.30.4 complete; 5xx back to baseline. Keeping the incident open while we watch the queue of retried orders drain, which should take roughly an hour at the current rate."},
			{At: at("2024-05-14T10:02:00Z"), Actor: "mkaur", Kind: "renamed", Text: "Checkout 502s after payments-gateway deploy"},
			{At: at("2024-05-14T11:47:10Z"), Actor: "mkaur", Kind: "closed"},
		},
		TimelineTruncated: 3,
	}
}

func renderDefault(t *testing.T, inc Incident) string {
	t.Helper()
	tmpl, err := DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Render(tmpl, inc)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return string(out)
}

func TestDefaultTemplateMatchesGoldenDraft(t *testing.T) {
	got := renderDefault(t, checkoutOutage())
	golden := filepath.Join("testdata", "checkout-outage.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("draft differs from %s (run go test ./internal/draft -update to accept):\n%s", golden, got)
	}
}

func TestDraftHeaderShowsIncidentRecord(t *testing.T) {
	got := renderDefault(t, checkoutOutage())
	for _, want := range []string{
		"# Postmortem: Checkout 502s after payments-gateway deploy\n",
		"| Incident | [#482](https://github.com/acme/shop/issues/482) in acme/shop |",
		"| Severity | sev1 |",
		"| Labels | `incident`, `sev1`, `area/payments` |",
		"| Responders | @mkaur, @jdoe |",
		"| Opened | 2024-05-14 09:12 UTC |",
		"| Declared an incident | 2024-05-14 09:13 UTC |",
		"| Closed | 2024-05-14 11:47 UTC |",
		"| Duration | 2h 34m |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
}

func TestDraftOfOpenIncidentSaysWhatIsUnknown(t *testing.T) {
	inc := Incident{Number: 7, Title: "DNS flapping", URL: "https://github.com/acme/net/issues/7"}
	got := renderDefault(t, inc)
	for _, want := range []string{
		"| Severity | not set |",
		"| Labels | none |",
		"| Responders | none yet |",
		"| Opened | unknown |",
		"| Declared an incident | unknown |",
		"| Closed | still open |",
		"| Duration | unknown |",
		"| Time (UTC) | Who | What |\n|---|---|---|\n\n## Contributing Factors",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("draft lacks %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "left out of this draft") {
		t.Error("draft mentions left-out events although none were left out")
	}
}

func TestDraftSaysHowManyTimelineEventsWereLeftOut(t *testing.T) {
	inc := checkoutOutage()
	inc.TimelineTruncated = 1
	if got := renderDefault(t, inc); !strings.Contains(got, "_1 later event was left out of this draft; see the incident issue for the full record._") {
		t.Errorf("no singular truncation notice in:\n%s", got)
	}
	inc.TimelineTruncated = 12
	if got := renderDefault(t, inc); !strings.Contains(got, "_12 later events were left out of this draft") {
		t.Errorf("no plural truncation notice in:\n%s", got)
	}
}

func TestDraftTitleCannotInjectMarkdown(t *testing.T) {
	inc := checkoutOutage()
	inc.Title = "Outage <!-- hide --> in *all* regions"
	got := renderDefault(t, inc)
	if !strings.Contains(got, `# Postmortem: Outage \<!-- hide --\> in \*all\* regions`) {
		t.Errorf("title not escaped:\n%s", strings.SplitN(got, "\n", 2)[0])
	}
}

func TestRenderReportsTemplateMistakes(t *testing.T) {
	for name, tmpl := range map[string]string{
		"syntax":        "# {{.Title",
		"unknown field": "# {{.Titel}}",
		"unknown func":  "# {{shout .Title}}",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Render(tmpl, checkoutOutage())
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), "postmortem") {
				t.Errorf("error lacks context: %v", err)
			}
		})
	}
}

func TestTemplateFunctions(t *testing.T) {
	tmpl := `{{utc .OpenedAt}}|{{date .ClosedAt}}|{{join .Labels "+"}}|{{.Severity | default "?"}}|{{mention "@x"}}|{{code "a|b"}}|{{md "a_b"}}`
	got, err := Render(tmpl, Incident{
		OpenedAt: at("2024-01-02T03:04:05+02:00"),
		ClosedAt: ptr(at("2024-01-03T00:30:00Z")),
		Labels:   []string{"a", "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "2024-01-02 01:04 UTC|2024-01-03|a+b|?|@x|`a\\|b`|a\\_b"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDurationFormatting(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                            "",
		30 * time.Second:             "under 1m",
		45 * time.Minute:             "45m",
		2*time.Hour + 34*time.Minute: "2h 34m",
		26*time.Hour + 5*time.Minute: "1d 2h 5m",
		48 * time.Hour:               "2d 0h 0m",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDurationNeedsBothTimes(t *testing.T) {
	open := at("2024-05-14T09:00:00Z")
	closed := at("2024-05-14T10:30:00Z")
	cases := []struct {
		name string
		inc  Incident
		want time.Duration
	}{
		{"closed", Incident{OpenedAt: open, ClosedAt: &closed}, 90 * time.Minute},
		{"still open", Incident{OpenedAt: open}, 0},
		{"opening unknown", Incident{ClosedAt: &closed}, 0},
		{"closed before opened", Incident{OpenedAt: closed, ClosedAt: &open}, 0},
	}
	for _, c := range cases {
		if got := c.inc.Duration(); got != c.want {
			t.Errorf("%s: Duration() = %v, want %v", c.name, got, c.want)
		}
	}
}
