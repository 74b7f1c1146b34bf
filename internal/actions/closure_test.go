package actions

import (
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

func TestClosureOf(t *testing.T) {
	closedAt := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	byApp := func(a string) bool { return a == "app[bot]" }
	closed := func(reason, by string) repo.Issue {
		return repo.Issue{Number: 9, State: "closed", StateReason: reason, ClosedBy: by, ClosedAt: closedAt}
	}
	merged := func(n int, at time.Duration) repo.PullRef {
		return repo.PullRef{Number: n, MergedAt: closedAt.Add(at)}
	}
	for _, tc := range []struct {
		name     string
		issue    repo.Issue
		pulls    []repo.PullRef
		comments []repo.Comment
		want     closure
	}{
		{"closed by hand, no pull request", closed("completed", "alice"), nil, nil,
			closure{As: closedOther, By: "alice"}},
		{"a referencing pull request still open", closed("completed", "alice"), []repo.PullRef{{Number: 5}}, nil,
			closure{As: closedOther, By: "alice"}},
		{"closing reference merged", closed("completed", "bob"), []repo.PullRef{merged(5, 0)}, nil,
			closure{As: closedFixed, By: "bob", Pull: 5}},
		{"the last merged before closing is shown", closed("completed", "bob"),
			[]repo.PullRef{merged(5, -48*time.Hour), merged(6, -time.Hour), merged(7, time.Hour), {Number: 8}}, nil,
			closure{As: closedFixed, By: "bob", Pull: 6}},
		{"merged only after it closed: the first merged", closed("completed", "bob"),
			[]repo.PullRef{merged(7, 2*time.Hour), merged(6, time.Hour)}, nil,
			closure{As: closedFixed, By: "bob", Pull: 6}},
		{"not planned wins over a merged pull request", closed("not_planned", "carol"), []repo.PullRef{merged(5, 0)}, nil,
			closure{As: closedDeclined, By: "carol"}},
		{"declined: the closer's latest comment is the reason", closed("not_planned", "carol"), nil,
			[]repo.Comment{{Author: "carol", Body: "first thought"}, {Author: "dave", Body: "why?"}, {Author: "carol", Body: "We retire\nthis service in June."}},
			closure{As: closedDeclined, By: "carol", Reason: "We retire this service in June."}},
		{"declined by command: the app's note names who and why", closed("not_planned", "app[bot]"), nil,
			[]repo.Comment{{Author: "app[bot]", Body: marker.DeclineNote(77, "erin", 3, "covered by the new runbook")}},
			closure{As: closedDeclined, By: "erin", Reason: "covered by the new runbook"}},
		{"a look-alike note by someone else is only a comment", closed("not_planned", "carol"), nil,
			[]repo.Comment{{Author: "mallory", Body: marker.DeclineNote(77, "erin", 3, "fake")}},
			closure{As: closedDeclined, By: "carol"}},
		{"a long reason is cut", closed("not_planned", "carol"), nil,
			[]repo.Comment{{Author: "carol", Body: strings.Repeat("x", 400)}},
			closure{As: closedDeclined, By: "carol", Reason: strings.Repeat("x", maxReason-1) + "…"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := closureOf(tc.issue, tc.pulls, tc.comments, byApp); got != tc.want {
				t.Errorf("closureOf = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestTrackingShowsFixedDeclinedAndClosedApart(t *testing.T) {
	due := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	items := []actionItem{
		{Issue: 4, Title: "Add a retry budget", State: stateClosed, Due: due, Closure: closure{As: closedFixed, Pull: 12}},
		{Issue: 5, Title: "Rewrite the cache", State: stateClosed, Due: due, Closure: closure{As: closedDeclined, By: "carol", Reason: "not worth it"}},
		{Issue: 6, Title: "Page on errors", State: stateClosed, Due: due, Closure: closure{As: closedOther, By: "bob"}},
	}
	for _, tc := range []struct {
		name         string
		declinedDone bool
		want         []string
		not          []string
	}{
		{"declined counts as done", true, []string{
			"- [x] #4 Add a retry budget — no owner, due 2026-05-01 — **fixed** by #12",
			"- [x] #5 Rewrite the cache — no owner, due 2026-05-01 — **declined** by carol: not worth it",
			"- [x] #6 Page on errors — no owner, due 2026-05-01 — **closed** without a merged fix",
			"3 of 3 closed: 1 fixed, 1 declined, 1 closed without a merged fix. All corrective actions are done.",
		}, nil},
		{"declined does not count", false, []string{
			"- [ ] #5 Rewrite the cache",
			"3 of 3 closed: 1 fixed, 1 declined, 1 closed without a merged fix. Declined items do not count as done",
		}, []string{"All corrective actions are done."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := trackingBody(items, nil, tc.declinedDone)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("missing %q in:\n%s", w, body)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(body, w) {
					t.Errorf("unexpected %q in:\n%s", w, body)
				}
			}
			if got := doneCount(items, tc.declinedDone); (got == 3) != tc.declinedDone {
				t.Errorf("doneCount = %d with declinedDone %v", got, tc.declinedDone)
			}
		})
	}
}
