package actions_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// The same two items as twoItems; the retry budget passes from @alice to
// @carol, the alert from @bob to a team.
const reassignedItems = `- [ ] Add a retry budget (owner: @carol, due: 2026-03-10, priority: P1)
- [ ] Alert on checkout errors (owner: @acme/sre, due: 2026-04-20, priority: P2)`

// apiClient talks to the fake as the app's installation, for changes a
// person would make in GitHub's interface.
func (w *world) apiClient(t *testing.T) *github.Client {
	t.Helper()
	gh := github.NewClient(w.GitHub.Client()).WithAuthToken(w.GitHub.InstallationToken(1))
	base, err := url.Parse(w.GitHub.URL() + "/")
	if err != nil {
		t.Fatalf("fake's URL: %v", err)
	}
	gh.BaseURL = base
	return gh
}

// issueEdits counts the PATCH requests GitHub received for one issue.
func (w *world) issueEdits(number int) int {
	n := 0
	for _, r := range w.GitHub.Requests() {
		if r.Method == http.MethodPatch && r.Path == fmt.Sprintf("/repos/%s/%s/issues/%d", owner, repo, number) {
			n++
		}
	}
	return n
}

func assigneeEvents(w *world, number int, kind, login string) int {
	i, _ := w.GitHub.Issue(owner, repo, number)
	n := 0
	for _, e := range i.Events {
		if e.Event == kind && strings.EqualFold(e.Assignee, login) {
			n++
		}
	}
	return n
}

func TestLaterMergeChangingAnItemsOwnerReassignsItsIssueOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	alert := w.issueTitled(t, "Alert on checkout errors")
	if !slices.Equal(retry.Assignees, []string{"alice"}) || !slices.Equal(alert.Assignees, []string{"bob"}) {
		t.Fatalf("assignees after the first merge: %v and %v", retry.Assignees, alert.Assignees)
	}
	// People add to the issue: a note below the app's text, and bob as a
	// second assignee. Both must survive the reassignment.
	gh := w.apiClient(t)
	note := retry.Body + "\n\nTeam note: see the payments runbook.\n"
	if _, _, err := gh.Issues.Edit(context.Background(), owner, repo, retry.Number, &github.IssueRequest{Body: &note}); err != nil {
		t.Fatalf("add a note: %v", err)
	}
	if _, _, err := gh.Issues.AddAssignees(context.Background(), owner, repo, retry.Number, []string{"bob"}); err != nil {
		t.Fatalf("assign bob: %v", err)
	}
	retryEdits, alertEdits := w.issueEdits(retry.Number), w.issueEdits(alert.Number)

	_, second := w.mergeFrom(t, "postmortem/new-owners", path, postmortem(reassignedItems))
	w.DeliverAs("pull_request", "merge-new-owners", second)
	w.WaitIdle()
	w.DeliverAs("pull_request", "merge-new-owners", second) // redelivery of the same id
	w.Deliver("pull_request", second)                       // a second delivery of the same merge
	w.WaitIdle()

	got, _ := w.GitHub.Issue(owner, repo, retry.Number)
	if want := []string{"bob", "carol"}; !slices.Equal(sorted(got.Assignees), want) {
		t.Errorf("retry-budget issue assignees %v, want %v (alice removed, bob kept, carol added)", got.Assignees, want)
	}
	if !strings.Contains(got.Body, "- **Owner:** @carol\n") || strings.Contains(got.Body, "@alice") {
		t.Errorf("retry-budget issue body does not name the new owner:\n%s", got.Body)
	}
	if !strings.Contains(got.Body, "Team note: see the payments runbook.") || !strings.Contains(got.Body, "- **Due:** 2026-03-10") {
		t.Errorf("the reassignment lost other parts of the body:\n%s", got.Body)
	}
	if n := assigneeEvents(w, retry.Number, "assigned", "carol"); n != 1 {
		t.Errorf("carol was assigned %d times, want 1", n)
	}
	if n := assigneeEvents(w, retry.Number, "unassigned", "alice"); n != 1 {
		t.Errorf("alice was unassigned %d times, want 1", n)
	}
	if n := w.issueEdits(retry.Number) - retryEdits; n != 1 {
		t.Errorf("the retry-budget issue was edited %d times across three deliveries, want 1", n)
	}

	got, _ = w.GitHub.Issue(owner, repo, alert.Number)
	if !slices.Equal(got.Assignees, []string{"bob"}) {
		t.Errorf("alert issue assignees %v: a team owner leaves them alone", got.Assignees)
	}
	if !strings.Contains(got.Body, "- **Owner:** @acme/sre\n") || strings.Contains(got.Body, "- **Owner:** @bob") {
		t.Errorf("alert issue body does not name the team:\n%s", got.Body)
	}
	if n := w.issueEdits(alert.Number) - alertEdits; n != 1 {
		t.Errorf("the alert issue was edited %d times, want 1", n)
	}
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("#%d Add a retry budget — @carol", retry.Number)) {
		t.Errorf("tracking comment:\n%s", body)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestReassignmentWhoseResponseWasLostIsNotMadeTwice(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	edits := w.issueEdits(retry.Number)
	// GitHub applies the first edit but the answer never arrives; the job
	// retries and must find nothing left to change.
	issuePath := fmt.Sprintf("/repos/%s/%s/issues/%d", owner, repo, retry.Number)
	w.GitHub.LoseNextResponse(1, http.StatusBadGateway, func(method, p string) bool {
		return method == http.MethodPatch && p == issuePath
	})
	w.deliverMerge(t, path, postmortem(reassignedItems))

	got, _ := w.GitHub.Issue(owner, repo, retry.Number)
	if !slices.Equal(got.Assignees, []string{"carol"}) || !strings.Contains(got.Body, "- **Owner:** @carol\n") {
		t.Errorf("after a lost response: assignees %v, body:\n%s", got.Assignees, got.Body)
	}
	lost := 0
	for _, r := range w.GitHub.Requests() {
		if r.Method == http.MethodPatch && r.Path == issuePath && r.Status == http.StatusBadGateway {
			lost++
		}
	}
	if lost != 1 {
		t.Fatalf("%d edits answered 502, want the one whose response was lost", lost)
	}
	if n := w.issueEdits(retry.Number) - edits; n != 1 {
		t.Errorf("the issue was edited %d times, want 1 (the retry saw the edit had landed)", n)
	}
	if n := assigneeEvents(w, retry.Number, "assigned", "carol"); n != 1 {
		t.Errorf("carol was assigned %d times, want 1", n)
	}
}
