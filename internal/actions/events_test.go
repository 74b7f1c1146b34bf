package actions_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnlabeledAndDeletedItemsLeaveTheTrackingList(t *testing.T) {
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	alert := w.issueTitled(t, "Alert on checkout errors")

	w.GitHub.RemoveLabelFromIssue(owner, repo, retry.Number, label, "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("unlabeled", owner, repo, retry.Number, "alice", nil))
	w.WaitIdle()
	body := w.tracking(t)
	if strings.Contains(body, fmt.Sprintf("#%d ", retry.Number)) || !strings.Contains(body, "0 of 1 closed.") {
		t.Errorf("after removing the action label, tracking comment:\n%s", body)
	}

	w.Deliver("issues", w.GitHub.IssueWebhook("deleted", owner, repo, alert.Number, "alice", nil))
	w.WaitIdle()
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 0") {
		t.Errorf("after deleting the other item, status issue:\n%s", st.Body)
	}
	if body := w.tracking(t); !strings.Contains(body, "None is tracked any more") {
		t.Errorf("with no item left, tracking comment:\n%s", body)
	}
	// Labelled again: tracked again.
	w.GitHub.AddLabelToIssue(owner, repo, retry.Number, label, "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("labeled", owner, repo, retry.Number, "alice", nil))
	w.WaitIdle()
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("- [ ] #%d Add a retry budget", retry.Number)) {
		t.Errorf("after labelling again, tracking comment:\n%s", body)
	}
}
