package actions_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A later pull request edits the merged postmortem: one item stays (same
// title, so the same key; new owner and due date), one is dropped, one is
// added.
const revisedItems = `- [ ] Add a retry budget (owner: @carol, due: 2026-03-20, priority: P1)
- [ ] Page the on-call on checkout errors (owner: @bob, due: 2026-04-25, priority: P2)`

func TestLaterMergeOfThePostmortemReusesIssuesByKey(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	_, firstMerge := w.merge(t, path, postmortem(twoItems))
	w.Deliver("pull_request", firstMerge)
	w.WaitIdle()
	retry := w.issueTitled(t, "Add a retry budget")
	alert := w.issueTitled(t, "Alert on checkout errors")
	posts := w.countPOSTIssues()

	w.Clock.Advance(2 * 24 * time.Hour)
	_, second := w.mergeFrom(t, "postmortem/revise-actions", path, postmortem(revisedItems))
	w.Deliver("pull_request", second)
	w.WaitIdle()

	if n := w.countPOSTIssues() - posts; n != 1 {
		t.Errorf("the revised postmortem opened %d issues, want 1 (the new item)", n)
	}
	page := w.issueTitled(t, "Page the on-call on checkout errors")
	if len(w.actionIssues()) != 3 {
		t.Errorf("%d action-item issues, want 3", len(w.actionIssues()))
	}
	if a, _ := w.GitHub.Issue(owner, repo, alert.Number); a.State != "open" || len(w.GitHub.Comments(owner, repo, alert.Number)) != 0 {
		t.Errorf("the dropped item's issue was touched: state %s, %d comments", a.State, len(w.GitHub.Comments(owner, repo, alert.Number)))
	}
	body := w.tracking(t)
	for _, want := range []string{
		fmt.Sprintf("- [ ] #%d Add a retry budget — @carol, due 2026-03-20", retry.Number),
		fmt.Sprintf("- [ ] #%d Page the on-call on checkout errors — @bob, due 2026-04-25", page.Number),
		"0 of 2 closed.",
		fmt.Sprintf("No longer in the postmortem, so no longer followed (their issues are left as they are):\n\n- #%d Alert on checkout errors", alert.Number),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("tracking comment lacks %q:\n%s", want, body)
		}
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 2") {
		t.Errorf("status issue counts the dropped item:\n%s", st.Body)
	}

	// The first merge redelivered late does not bring the old version back.
	w.Deliver("pull_request", firstMerge)
	w.WaitIdle()
	if after := w.tracking(t); after != body {
		t.Errorf("a late redelivery of the first merge changed the tracking comment:\n%s", after)
	}
	// Closing every followed item completes the incident; the dropped one
	// does not hold it back.
	w.closeItem(retry.Number)
	w.closeItem(page.Number)
	if body := w.tracking(t); !strings.Contains(body, "2 of 2 closed: 0 fixed, 0 declined, 2 closed without a merged fix. All corrective actions are done.") {
		t.Errorf("tracking comment after closing the followed items:\n%s", body)
	}
}
