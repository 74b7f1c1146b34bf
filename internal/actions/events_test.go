package actions_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestUnlabeledAndDeletedItemsLeaveTheTrackingList(t *testing.T) {
	t.Parallel()
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

// renameIssue changes an issue's title through GitHub's API, as a person
// editing it would, and delivers the issues.edited webhook.
func (w *world) renameIssue(t *testing.T, number int, title string) {
	t.Helper()
	before, _ := w.GitHub.Issue(owner, repo, number)
	gh := github.NewClient(w.GitHub.Client()).WithAuthToken(w.GitHub.InstallationToken(1))
	base, err := url.Parse(w.GitHub.URL() + "/")
	if err != nil {
		t.Fatalf("fake's URL: %v", err)
	}
	gh.BaseURL = base
	if _, _, err := gh.Issues.Edit(context.Background(), owner, repo, number, &github.IssueRequest{Title: &title}); err != nil {
		t.Fatalf("rename #%d: %v", number, err)
	}
	w.Deliver("issues", w.GitHub.IssueWebhook("edited", owner, repo, number, "alice",
		map[string]any{"changes": map[string]any{"title": map[string]any{"from": before.Title}}}))
	w.WaitIdle()
}

func TestRenamedItemShowsItsNewTitleInTrackingAndStatus(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget") // due 2026-03-10
	w.Clock.Advance(10 * 24 * time.Hour)            // overdue: the status issue lists it by title

	w.renameIssue(t, retry.Number, "Add a retry budget to every payment client")
	want := fmt.Sprintf("#%d Add a retry budget to every payment client", retry.Number)
	if body := w.tracking(t); !strings.Contains(body, "- [ ] "+want) {
		t.Errorf("tracking comment after the rename lacks %q:\n%s", want, body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "| "+want+" |") {
		t.Errorf("status issue after the rename lacks %q:\n%s", want, st.Body)
	}
}
