package actions_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestMergeOpensNoMoreIssuesThanThePolicyAllowsAndSaysSoOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  max_per_postmortem: 2\n")
	var items strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&items, "- [ ] Fix thing %d (owner: @alice, due: 2026-04-01, priority: P2)\n", i)
	}
	pr, payload := w.merge(t, path, postmortem(items.String()))
	w.Deliver("pull_request", payload)
	w.WaitIdle()
	w.Deliver("pull_request", payload) // a redelivery
	w.WaitIdle()

	if got := len(w.actionIssues()); got != 2 {
		t.Errorf("%d action-item issues, want the policy's 2", got)
	}
	said := w.commentsWith(pr, "lists 4 action items")
	if len(said) != 1 || !strings.Contains(said[0].Body, "the other 2 are not tracked") {
		t.Errorf("comments on the pull request about the limit: %+v, want exactly one", said)
	}
	if body := w.tracking(t); !strings.Contains(body, "0 of 2 closed.") {
		t.Errorf("tracking comment:\n%s", body)
	}
}

func TestBodiesTheAppWritesStayUnderGitHubsLimit(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	var items strings.Builder
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&items, "- [ ] Fix thing %d: %s (owner: @alice, due: 2026-03-05, priority: P2)\n", i, strings.Repeat("retry budgets everywhere ", 60))
	}
	w.deliverMerge(t, path, postmortem(items.String()))

	if got := len(w.actionIssues()); got != 50 {
		t.Fatalf("%d action-item issues, want 50", got)
	}
	body := w.tracking(t)
	if len([]rune(body)) > 65536 || !strings.Contains(body, "cut short") || !strings.Contains(body, "/blob/HEAD/"+path) {
		t.Errorf("tracking comment of %d characters, want at most 65536 ending with a link to the postmortem:\n…%s", len([]rune(body)), body[max(0, len(body)-400):])
	}
}
