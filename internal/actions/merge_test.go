package actions_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

const path = "postmortems/2026-03-01-checkout-outage.md"

const threeItems = `- [ ] Add a retry budget to the payment client (owner: @alice, due: 2026-04-01, priority: P1, type: prevent)
- [ ] Alert on the checkout error rate (owner: @acme/sre, priority: P2, type: detect)
- [x] Roll back the bad configuration (owner: @bob)

| Action | Owner | Due | Priority | Type |
|---|---|---|---|---|
| Load test checkout before launches | @carol | 2026-05-01 | P3 | process |`

func TestMergedPostmortemOpensOneIssuePerActionItem(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	pr := w.deliverMerge(t, path, postmortem(threeItems))
	mergeSHA, _ := w.GitHub.Pull(owner, repo, pr)

	issues := w.actionIssues()
	if len(issues) != 3 {
		t.Fatalf("%d action-item issues, want 3 (the done item needs none): %+v", len(issues), issues)
	}
	retry := w.issueTitled(t, "Add a retry budget to the payment client")
	if !slices.Equal(retry.Labels, []string{label, "P1"}) || !slices.Equal(retry.Assignees, []string{"alice"}) {
		t.Errorf("retry item: labels %v assignees %v, want [corrective-action P1] and [alice]", retry.Labels, retry.Assignees)
	}
	for _, want := range []string{
		"<!-- postmortem-bot:action-item " + path + "#add-a-retry-budget-to-the-payment-client -->",
		"incident #" + fmt.Sprint(w.incident),
		"https://github.com/acme/shop/blob/" + mergeSHA.MergeSHA + "/" + path + "#L",
		"**Due:** 2026-04-01", "**Priority:** P1", "**Type:** prevent", "@alice",
	} {
		if !strings.Contains(retry.Body, want) {
			t.Errorf("retry item body lacks %q:\n%s", want, retry.Body)
		}
	}
	alert := w.issueTitled(t, "Alert on the checkout error rate")
	if len(alert.Assignees) != 0 {
		t.Errorf("a team owner cannot be assigned, got %v", alert.Assignees)
	}
	// No due date: merge day + the policy's 30 days for P2.
	if !strings.Contains(alert.Body, "**Due:** 2026-04-03") || !strings.Contains(alert.Body, "@acme/sre") {
		t.Errorf("alert item body:\n%s", alert.Body)
	}
	table := w.issueTitled(t, "Load test checkout before launches")
	if !slices.Equal(table.Assignees, []string{"carol"}) || !slices.Contains(table.Labels, "P3") {
		t.Errorf("table item: labels %v assignees %v", table.Labels, table.Assignees)
	}

	body := w.tracking(t)
	want := fmt.Sprintf("- [ ] #%d Add a retry budget to the payment client — @alice, due 2026-04-01", retry.Number)
	if !strings.Contains(body, want) || !strings.Contains(body, "0 of 3 closed.") {
		t.Errorf("tracking comment lacks %q:\n%s", want, body)
	}
	ops := map[string]int{}
	for _, r := range w.GitHub.Requests() {
		ops[r.Operation]++
	}
	t.Logf("GitHub requests for a 3-item merge: %v", ops)
	status := w.openStatus(t)
	if !strings.Contains(status.Body, "**Open:** 3") || !strings.Contains(status.Body, fmt.Sprintf("| #%d Checkout outage | 3 | 0 |", w.incident)) {
		t.Errorf("status issue:\n%s", status.Body)
	}
}

func TestActionItemWithIssueReferenceIsAdopted(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	existing := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Failover runbook", Author: "carol"})
	w.deliverMerge(t, path, postmortem(fmt.Sprintf(
		"- [ ] Write the failover runbook (owner: @carol, issue: #%d)\n- [ ] Add a retry budget (owner: @alice)", existing)))

	issues := w.actionIssues()
	if len(issues) != 2 {
		t.Fatalf("%d action-item issues, want the adopted one and one new", len(issues))
	}
	adopted, _ := w.GitHub.Issue(owner, repo, existing)
	if !slices.Contains(adopted.Labels, label) || adopted.Title != "Failover runbook" {
		t.Errorf("adopted issue: %+v", adopted)
	}
	if !strings.Contains(w.tracking(t), fmt.Sprintf("#%d Write the failover runbook", existing)) {
		t.Errorf("tracking comment does not list the adopted issue:\n%s", w.tracking(t))
	}
}

func TestRedeliveredMergeOpensNoDuplicates(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	_, payload := w.merge(t, path, postmortem(threeItems))
	id := servertest.NewDeliveryID()
	w.DeliverAs("pull_request", id, payload)
	w.WaitIdle()
	w.DeliverAs("pull_request", id, payload) // GitHub's redelivery
	w.Deliver("pull_request", payload)       // a second, distinct delivery
	var wg sync.WaitGroup
	for range 2 { // two at once
		wg.Add(1)
		go func() { defer wg.Done(); w.Deliver("pull_request", payload) }()
	}
	wg.Wait()
	w.WaitIdle()

	if n := len(w.actionIssues()); n != 3 {
		t.Errorf("%d action-item issues after redeliveries, want 3", n)
	}
	if n := w.countPOSTIssues(); n != 4 { // 3 items + the status issue
		t.Errorf("%d issue creations, want 4", n)
	}
	w.tracking(t)
	if n := len(w.statusIssues()); n != 1 {
		t.Errorf("%d status issues, want 1", n)
	}
}

func TestCrashBetweenIssueCreationsResumesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	creations := 0
	w.GitHub.FailNext(1, http.StatusBadGateway, func(method, p string) bool {
		if method == http.MethodPost && p == "/repos/acme/shop/issues" {
			creations++
			return creations == 3
		}
		return false
	})
	w.deliverMerge(t, path, postmortem(threeItems))

	issues := w.actionIssues()
	if len(issues) != 3 {
		t.Fatalf("%d action-item issues after a failed third creation and a retry, want 3", len(issues))
	}
	seen := map[string]bool{}
	for _, i := range issues {
		if seen[i.Title] {
			t.Errorf("duplicate issue %q", i.Title)
		}
		seen[i.Title] = true
	}
	if creations < 3 || w.countPOSTIssues() != 5 { // 3 items, the failed attempt, the status issue
		t.Errorf("the third creation was not failed and retried: %d creations seen, %d POSTs", creations, w.countPOSTIssues())
	}
	w.tracking(t)
}

func TestIssueOpenedByACrashedRunIsFoundByItsMarker(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	// An earlier run opened this issue, then crashed before recording it.
	earlier := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title:  "Add a retry budget to the payment client",
		Body:   "<!-- postmortem-bot:action-item " + path + "#add-a-retry-budget-to-the-payment-client -->\nfrom before the crash",
		Labels: []string{label}, Author: "postmortem-bot[bot]",
	})
	w.deliverMerge(t, path, postmortem(threeItems))
	if n := len(w.actionIssues()); n != 3 {
		t.Fatalf("%d action-item issues, want 3 (one found by its marker)", n)
	}
	if !strings.Contains(w.tracking(t), fmt.Sprintf("#%d Add a retry budget", earlier)) {
		t.Errorf("tracking comment does not use the issue found by marker #%d:\n%s", earlier, w.tracking(t))
	}
}

func TestMergeWithoutPostmortemDoesNothing(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	// Everything but the postmortem: it refers to the incident and touches
	// the postmortems directory, with a file that is not a postmortem.
	w.GitHub.CommitFiles(owner, repo, "feature", map[string][]byte{
		"src/main.go":           []byte("package main\n"),
		"postmortems/README.md": []byte("# Postmortems\n\n## Action Items\n\n- [ ] Not an item (owner: @alice)\n"),
	}, "code")
	pr := w.GitHub.OpenPullWithBody(owner, repo, "feature", "main", "Fix checkout", fmt.Sprintf("Refs #%d", w.incident), "alice")
	w.GitHub.MergePull(owner, repo, pr, "bob")
	if resp := w.Deliver("pull_request", w.GitHub.PullRequestWebhook("closed", owner, repo, pr, "bob")); resp.StatusCode >= 300 {
		t.Fatalf("deliver merge: %d", resp.StatusCode)
	}
	w.WaitIdle()
	if n := w.countPOSTIssues(); n != 0 {
		t.Errorf("%d issues opened for a merge without a postmortem", n)
	}
	if c := w.GitHub.Comments(owner, repo, w.incident); len(c) != 0 {
		t.Errorf("the incident got %d comments for a merge without a postmortem: %+v", len(c), c)
	}
	if inc, _ := w.GitHub.Issue(owner, repo, w.incident); inc.State != "open" || !slices.Equal(inc.Labels, []string{"incident"}) {
		t.Errorf("the incident changed: state %s labels %v", inc.State, inc.Labels)
	}
}

func TestMergeDeliveredThreeTimesAtOnceOpensEachIssueOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	_, payload := w.merge(t, path, postmortem(threeItems))
	var wg sync.WaitGroup
	for range 3 { // distinct deliveries, nothing done yet
		wg.Add(1)
		go func() { defer wg.Done(); w.Deliver("pull_request", payload) }()
	}
	wg.Wait()
	w.WaitIdle()

	if n := len(w.actionIssues()); n != 3 {
		t.Errorf("%d action-item issues after three concurrent deliveries, want 3", n)
	}
	if n := w.countPOSTIssues(); n != 4 { // 3 items + the status issue
		t.Errorf("%d issue creations, want 4", n)
	}
	w.tracking(t)
}
