package actions

import (
	"slices"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
)

func TestIncidentIsReadFromPullBodyOrFrontMatter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, doc string
		want            int
	}{
		{"refs line", "Postmortem for the incident.\n\nRefs #12", "", 12},
		{"refs with colon", "Ref: #7", "", 7},
		{"no reference", "Fixes the outage", "", 0},
		{"front matter number", "", "---\nincident: 42\n---\n# Postmortem\n", 42},
		{"front matter hash", "", "---\ntitle: x\nincident: \"#5\"\n---\n", 5},
		{"front matter URL of this repo", "", "---\nincident: https://github.com/acme/shop/issues/9\n---\n", 9},
		{"front matter URL of another repo", "", "---\nincident: https://github.com/acme/other/issues/9\n---\n", 0},
		{"unclosed front matter", "", "---\nincident: 3\n# Postmortem\n", 0},
		{"garbage", "Refs #abc", "---\nincident: soon\n---\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := incidentFromFrontMatter([]byte(tc.doc), "acme", "shop")
			if got == 0 {
				got = marker.IncidentOf(tc.body)
			}
			if got != tc.want {
				t.Errorf("incident = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestItemKeysAreTitleSlugsNumberedWhenRepeated(t *testing.T) {
	t.Parallel()
	got := itemKeys([]analysis.ActionItem{{Title: "Add a retry budget"}, {Title: "Add a Retry Budget!"}, {Title: "Alert on errors"}})
	want := []string{"add-a-retry-budget", "add-a-retry-budget-2", "alert-on-errors"}
	if !slices.Equal(got, want) {
		t.Fatalf("keys = %q, want %q", got, want)
	}
	if m := marker.ActionItemOf("text\n" + marker.ActionItem("postmortems/a.md", got[1]) + "\nmore"); m != "postmortems/a.md#add-a-retry-budget-2" {
		t.Errorf("marker round trip gave %q", m)
	}
}

func TestIssueReferencesOfOtherRepositoriesAreNotAdopted(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]int{
		"#12": 12, "12": 12, "https://github.com/acme/shop/issues/12": 12, "https://github.com/ACME/Shop/issues/3#issuecomment-1": 3,
		"https://github.com/acme/other/issues/12": 0, "#0": 0, "soon": 0,
	} {
		if got, _ := issueNumber(ref, "acme", "shop"); got != want {
			t.Errorf("issueNumber(%q) = %d, want %d", ref, got, want)
		}
	}
}

func TestReminderKeyChangesOncePerInterval(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	it := actionItem{Due: due}
	day := 24 * time.Hour
	k1 := reminderKey(it, 7, due.Add(day))
	if k := reminderKey(it, 7, due.Add(6*day+23*time.Hour)); k != k1 {
		t.Errorf("key changed within the interval: %s then %s", k1, k)
	}
	if k := reminderKey(it, 7, due.Add(7*day)); k == k1 {
		t.Errorf("key did not change after the interval: %s", k)
	}
}
