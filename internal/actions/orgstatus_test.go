package actions_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// TestOrgStatusIssueAggregatesTwoRepositories: with the organisation status
// issue enabled in the owner's .github repository, one issue there lists
// both repositories' open, overdue and declined items, the owners, and the
// completion over 90 days; a second update edits it in place.
func TestOrgStatusIssueAggregatesTwoRepositories(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	const web, dotgithub = "web", ".github"
	for _, name := range []string{web, dotgithub} {
		w.GitHub.AddRepo(owner, name)
		for _, u := range []string{"alice", "bob", "carol"} {
			w.GitHub.SetPermission(owner, name, u, "write")
		}
	}
	w.GitHub.CommitFile(owner, dotgithub, "main", ".github/postmortem.yml", []byte("action_items:\n  org_status_issue:\n    enabled: true\n"), "Organisation status")
	// The app works in .github once it hears from it.
	note := w.GitHub.CreateIssue(owner, dotgithub, fakegithub.IssueSeed{Title: "Process notes", Author: "alice"})
	w.GitHub.CloseIssue(owner, dotgithub, note, "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, dotgithub, note, "alice", nil))
	w.WaitIdle()

	w.deliverMerge(t, path, postmortem(twoItems))
	w.GitHub.CloseIssueAs(owner, repo, w.issueTitled(t, "Alert on checkout errors").Number, "carol", "not_planned")

	incident := w.GitHub.CreateIssue(owner, web, fakegithub.IssueSeed{Title: "Web down", Labels: []string{"incident"}, Author: "alice"})
	w.GitHub.CommitFile(owner, web, "pm", "postmortems/web.md", postmortem("- [ ] Cache the landing page (owner: @carol, due: 2026-03-01, priority: P2)"), "Postmortem")
	pr := w.GitHub.OpenPullWithBody(owner, web, "pm", "main", "Postmortem: web down", fmt.Sprintf("Refs #%d", incident), "alice")
	w.GitHub.MergePull(owner, web, pr, "bob")
	w.Deliver("pull_request", w.GitHub.PullRequestWebhook("closed", owner, web, pr, "bob"))
	w.WaitIdle()

	w.run(t, actions.ReconcileArgs{})
	var org []fakegithub.Issue
	for _, i := range w.GitHub.Issues(owner, dotgithub) {
		if i.Title == "Postmortem action items: organisation status" {
			org = append(org, i)
		}
	}
	if len(org) != 1 {
		t.Fatalf("%d organisation status issues in %s/%s, want exactly 1", len(org), owner, dotgithub)
	}
	for _, want := range []string{
		"| acme/shop | 1 | 0 | 1 | 0 |",
		"| acme/web | 1 | 1 | 0 | 0 |",
		"| @alice | 1 | 0 |",
		"| @carol | 1 | 1 |",
		"1 of 3 corrective actions tracked in the last 90 days are closed (33%).",
	} {
		if !strings.Contains(org[0].Body, want) {
			t.Errorf("organisation status issue lacks %q:\n%s", want, org[0].Body)
		}
	}
	w.run(t, actions.ReconcileArgs{})
	if n := len(w.GitHub.Issues(owner, dotgithub)); n != 2 {
		t.Errorf("%s/%s holds %d issues after a second update, want the note and one status issue", owner, dotgithub, n)
	}
}
