package actions_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// failCreation fails the nth issue creation from now on with 502.
func failCreation(w *world, nth int) {
	seen := 0
	w.GitHub.FailNext(1, http.StatusBadGateway, func(method, p string) bool {
		if method == http.MethodPost && p == "/repos/acme/shop/issues" {
			seen++
			return seen == nth
		}
		return false
	})
}

func TestReconciliationOpensTheIssuesOfAMergeJobThatFailedForGood(t *testing.T) {
	t.Parallel()
	w := startWith(t, "", servertest.Options{MaxAttempts: 1})
	failCreation(w, 2)
	w.deliverMerge(t, path, postmortem(threeItems))
	if n := len(w.actionIssues()); n != 1 {
		t.Fatalf("%d action-item issues after the merge job failed for good at the second, want 1", n)
	}
	// The failed run's second creation did reach GitHub: the response was
	// lost. Reconciliation must find it by its marker, not open another.
	lost := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title:  "Alert on the checkout error rate",
		Body:   "<!-- postmortem-bot:action-item " + path + "#alert-on-the-checkout-error-rate -->\nopened by the failed run",
		Labels: []string{label}, Author: "postmortem-bot[bot]",
	})
	posts := w.countPOSTIssues()

	w.run(t, actions.ReconcileArgs{})
	issues := w.actionIssues()
	titles := map[string]int{}
	for _, i := range issues {
		titles[i.Title]++
	}
	if len(issues) != 3 || len(titles) != 3 {
		t.Fatalf("after reconciliation: %d action-item issues with titles %v, want 3 distinct", len(issues), titles)
	}
	if n := w.countPOSTIssues() - posts; n != 2 { // the third item and the status issue
		t.Errorf("reconciliation opened %d issues, want 2 (the third item, the status issue)", n)
	}
	body := w.tracking(t)
	if !strings.Contains(body, fmt.Sprintf("#%d Alert on the checkout error rate", lost)) || !strings.Contains(body, "0 of 3 closed.") {
		t.Errorf("tracking comment after reconciliation:\n%s", body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 3") {
		t.Errorf("status issue after reconciliation:\n%s", st.Body)
	}

	posts = w.countPOSTIssues()
	w.run(t, actions.ReconcileArgs{})
	if n := w.countPOSTIssues() - posts; n != 0 {
		t.Errorf("a second reconciliation opened %d issues, want none", n)
	}
}

func TestReconciliationFollowsUpAPostmortemItsMergeJobNeverRead(t *testing.T) {
	t.Parallel()
	w := startWith(t, "", servertest.Options{MaxAttempts: 1})
	w.GitHub.FailNext(1, http.StatusInternalServerError, func(method, p string) bool {
		return method == http.MethodGet && p == "/repos/acme/shop/contents/"+path
	})
	w.deliverMerge(t, path, postmortem(twoItems))
	if n := len(w.actionIssues()); n != 0 {
		t.Fatalf("%d action-item issues although the postmortem could not be read", n)
	}

	w.run(t, actions.ReconcileArgs{})
	if n := len(w.actionIssues()); n != 2 {
		t.Fatalf("%d action-item issues after reconciliation, want 2", n)
	}
	if body := w.tracking(t); !strings.Contains(body, "0 of 2 closed.") {
		t.Errorf("tracking comment after reconciliation:\n%s", body)
	}
}

func TestReconciliationReplacesAStatusIssueClosedUnseen(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	first := w.openStatus(t)
	w.GitHub.CloseIssue(owner, repo, first.Number, "carol") // no webhook reaches the app

	w.run(t, actions.ReconcileArgs{})
	second := w.openStatus(t)
	if second.Number == first.Number || !strings.Contains(second.Body, "**Open:** 2") {
		t.Errorf("status issue after reconciliation: #%d (the closed one is #%d):\n%s", second.Number, first.Number, second.Body)
	}
	if old, _ := w.GitHub.Issue(owner, repo, first.Number); old.State != "closed" {
		t.Errorf("the closed status issue was reopened")
	}
	w.run(t, actions.ReconcileArgs{})
	if n := len(w.statusIssues()); n != 2 {
		t.Errorf("%d status issues after a second reconciliation, want 2 (the closed one, its replacement)", n)
	}
}

func TestReconciliationReplacesAStatusIssueDeletedUnseen(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	first := w.openStatus(t)
	// GitHub answers 410 Gone for a deleted issue; the fake cannot delete,
	// so the issue is closed to keep it out of the open listing too.
	w.GitHub.FailNext(1, http.StatusGone, func(method, p string) bool {
		return method == http.MethodGet && p == fmt.Sprintf("/repos/acme/shop/issues/%d", first.Number)
	})
	w.GitHub.CloseIssue(owner, repo, first.Number, "carol")

	w.run(t, actions.ReconcileArgs{})
	assertGone(t, w, first.Number)
	if second := w.openStatus(t); second.Number == first.Number || !strings.Contains(second.Body, "**Open:** 2") {
		t.Errorf("the deleted status issue #%d was not replaced: #%d\n%s", first.Number, second.Number, second.Body)
	}
}

func TestReconciliationHealsAMissedReopen(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	w.closeItem(retry.Number)
	w.GitHub.ReopenIssue(owner, repo, retry.Number, "alice") // the webhook never arrives

	w.run(t, actions.ReconcileArgs{})
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("- [ ] #%d Add a retry budget", retry.Number)) || !strings.Contains(body, "0 of 2 closed.") {
		t.Errorf("tracking comment after reconciliation:\n%s", body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 2") {
		t.Errorf("status issue after reconciliation:\n%s", st.Body)
	}
}

func TestReconciliationFollowsUpAMergeWhoseJobFailedBeforeRecordingIt(t *testing.T) {
	t.Parallel()
	w := startWith(t, "", servertest.Options{MaxAttempts: 2})
	listFiles := func(method, p string) bool {
		return method == http.MethodGet && strings.HasSuffix(p, "/files") && strings.HasPrefix(p, "/repos/acme/shop/pulls/")
	}
	w.GitHub.FailNext(2, http.StatusBadGateway, listFiles)
	w.deliverMerge(t, path, postmortem(twoItems))
	if n := w.GitHub.CountRequests(http.MethodGet, "/repos/acme/shop/pulls/"); n < 2 {
		t.Fatalf("the merge job listed the pull request's files %d times, want both attempts", n)
	}
	if n := len(w.actionIssues()); n != 0 {
		t.Fatalf("%d action-item issues although the pull request's files could not be listed", n)
	}

	w.run(t, actions.ReconcileArgs{})
	titles := map[string]int{}
	for _, i := range w.actionIssues() {
		titles[i.Title]++
	}
	if len(titles) != 2 || titles["Add a retry budget"] != 1 || titles["Alert on checkout errors"] != 1 {
		t.Fatalf("action-item issues after reconciliation: %v, want each of the two items once", titles)
	}
	if body := w.tracking(t); !strings.Contains(body, "0 of 2 closed.") {
		t.Errorf("tracking comment after reconciliation:\n%s", body)
	}
	posts := w.countPOSTIssues()
	w.run(t, actions.ReconcileArgs{})
	if n := w.countPOSTIssues() - posts; n != 0 {
		t.Errorf("a second reconciliation opened %d issues, want none", n)
	}
	if n := len(w.actionIssues()); n != 2 {
		t.Errorf("%d action-item issues after a second reconciliation, want 2", n)
	}
}
