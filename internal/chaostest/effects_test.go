package chaostest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// TestEffectsCountsDuplicatedAndMissing checks the chaos test's counter on
// a GitHub seeded by hand: exactly once passes, one too many or one too few
// of each effect is reported.
func TestEffectsCountsDuplicatedAndMissing(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		prs, links, tracking  int
		firstItem, secondItem int
		wantDup, wantMissing  []string
	}{
		{name: "exactly once", prs: 1, links: 1, tracking: 1, firstItem: 1, secondItem: 1},
		{name: "all twice", prs: 2, links: 2, tracking: 2, firstItem: 2, secondItem: 2,
			wantDup: []string{"pull requests", "comments linking its PR", "tracking comments", "#pin", "#alert"}},
		{name: "all missing", wantMissing: []string{"pull requests", "comments linking its PR", "tracking comments", "with an issue: 0, want 2"}},
		{name: "one item missing", prs: 1, links: 1, tracking: 1, firstItem: 1, wantMissing: []string{"with an issue: 1, want 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRun(t, plan{Seed: 1, Incidents: 1, Faults: time.Second}, "", false)
			inc := r.incidents[0]
			inc.labeled, inc.merged, inc.path = true, true, "postmortems/2026-03-04-checkout.md"
			gh, bot := r.gh, r.gh.BotLogin()
			branch := fmt.Sprintf("postmortem/incident-%d", inc.number)
			gh.CreateBranch(owner, repo, branch, "main")
			gh.CommitFile(owner, repo, branch, inc.path, []byte("# Draft\n"), "Draft")
			for i := range tc.prs {
				n := gh.OpenPull(owner, repo, branch, "main", "Postmortem", bot)
				if i < tc.prs-1 {
					gh.CloseIssue(owner, repo, n, bot) // GitHub allows one open PR per head
				}
			}
			for range tc.links {
				gh.Comment(owner, repo, inc.number, bot, linkMarker+"\nThe postmortem is drafted in #2.")
			}
			for range tc.tracking {
				gh.Comment(owner, repo, inc.number, bot, trackingMarker+"\nAction items: 0 of 2 done.")
			}
			// A person quoting a marker is not the app's effect.
			gh.Comment(owner, repo, inc.number, "kim", linkMarker)
			item := func(key string) {
				gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: key, Author: bot, Body: itemMarker + inc.path + "#" + key + " -->\nDo it."})
			}
			for range tc.firstItem {
				item("pin")
			}
			for range tc.secondItem {
				item("alert")
			}
			dup, missing := r.effects()
			assertReported(t, "duplicated", dup, tc.wantDup)
			assertReported(t, "missing", missing, tc.wantMissing)
		})
	}
}

func assertReported(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %q, want %d entries matching %q", what, got, len(want), want)
		return
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("%s = %q, want one mentioning %q", what, got, w)
		}
	}
}
