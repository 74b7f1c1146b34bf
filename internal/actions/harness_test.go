package actions_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

const (
	owner = "acme"
	repo  = "shop"
	label = "corrective-action"
)

// world is a running server with the action-items feature (no pacing) and
// a repository with an incident issue.
type world struct {
	*servertest.Harness
	incident int
}

func start(t *testing.T, policyYAML string) *world {
	t.Helper()
	return startWith(t, policyYAML, servertest.Options{})
}

// startWith is start with server options (MaxAttempts, say).
func startWith(t *testing.T, policyYAML string, o servertest.Options) *world {
	t.Helper()
	if o.Features == nil {
		o.Features = func(env *feature.Env) ([]feature.Feature, error) {
			return []feature.Feature{actions.NewWithOptions(env, actions.Options{})}, nil
		}
	}
	h := servertest.Start(t, o)
	h.GitHub.SetClock(h.Clock.Now)
	h.GitHub.AddInstallation(1, owner)
	h.GitHub.AddRepo(owner, repo)
	for _, u := range []string{"alice", "bob", "carol"} {
		h.GitHub.SetPermission(owner, repo, u, "write")
	}
	if policyYAML != "" {
		h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte(policyYAML), "policy")
	}
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout outage", Labels: []string{"incident"}, Author: "alice"})
	return &world{Harness: h, incident: n}
}

// postmortem is a postmortem whose Action Items section holds items.
func postmortem(items string) []byte {
	return []byte(`# Postmortem: checkout outage

## Summary

Checkout failed for 40 minutes after a configuration change.

## Action Items

` + items + `

## Lessons Learned

Retries need budgets.
`)
}

// merge commits the postmortem on a branch, opens and merges its pull
// request ("Refs #incident"), and returns the pull request number and the
// merged webhook payload (not yet delivered).
func (w *world) merge(t *testing.T, path string, doc []byte) (int, []byte) {
	t.Helper()
	return w.mergeFrom(t, "postmortem/"+strings.TrimSuffix(strings.TrimPrefix(path, "postmortems/"), ".md"), path, doc)
}

// mergeFrom is merge from a branch of the caller's choosing.
func (w *world) mergeFrom(t *testing.T, branch, path string, doc []byte) (int, []byte) {
	t.Helper()
	w.GitHub.CommitFile(owner, repo, branch, path, doc, "Add postmortem")
	pr := w.GitHub.OpenPullWithBody(owner, repo, branch, "main", "Postmortem: checkout outage",
		fmt.Sprintf("Postmortem for the incident.\n\nRefs #%d", w.incident), "alice")
	w.GitHub.MergePull(owner, repo, pr, "bob")
	return pr, w.GitHub.PullRequestWebhook("closed", owner, repo, pr, "bob")
}

func (w *world) deliverMerge(t *testing.T, path string, doc []byte) int {
	t.Helper()
	pr, payload := w.merge(t, path, doc)
	if resp := w.Deliver("pull_request", payload); resp.StatusCode >= 300 {
		t.Fatalf("deliver merge: %d", resp.StatusCode)
	}
	w.WaitIdle()
	return pr
}

// actionIssues are the issues carrying the action label, by number.
func (w *world) actionIssues() []fakegithub.Issue {
	var out []fakegithub.Issue
	for _, i := range w.GitHub.Issues(owner, repo) {
		for _, l := range i.Labels {
			if l == label {
				out = append(out, i)
			}
		}
	}
	return out
}

func (w *world) issueTitled(t *testing.T, title string) fakegithub.Issue {
	t.Helper()
	for _, i := range w.GitHub.Issues(owner, repo) {
		if i.Title == title {
			return i
		}
	}
	t.Fatalf("no issue titled %q", title)
	return fakegithub.Issue{}
}

// trackingComments are the incident's comments holding the task list.
func (w *world) trackingComments() []fakegithub.Comment {
	return w.commentsWith(w.incident, "### Corrective actions")
}

func (w *world) commentsWith(number int, text string) []fakegithub.Comment {
	var out []fakegithub.Comment
	for _, c := range w.GitHub.Comments(owner, repo, number) {
		if strings.Contains(c.Body, text) {
			out = append(out, c)
		}
	}
	return out
}

func (w *world) tracking(t *testing.T) string {
	t.Helper()
	cs := w.trackingComments()
	if len(cs) != 1 {
		t.Fatalf("incident has %d tracking comments, want exactly 1", len(cs))
	}
	return cs[0].Body
}

// statusIssues are the status issues, open or closed.
func (w *world) statusIssues() []fakegithub.Issue {
	var out []fakegithub.Issue
	for _, i := range w.GitHub.Issues(owner, repo) {
		if i.Title == "Postmortem action items: status" {
			out = append(out, i)
		}
	}
	return out
}

func (w *world) openStatus(t *testing.T) fakegithub.Issue {
	t.Helper()
	var open []fakegithub.Issue
	for _, i := range w.statusIssues() {
		if i.State == "open" {
			open = append(open, i)
		}
	}
	if len(open) != 1 {
		t.Fatalf("%d open status issues, want exactly 1", len(open))
	}
	return open[0]
}

// closeItem closes an issue as a person would and delivers the webhook.
func (w *world) closeItem(number int) {
	w.GitHub.CloseIssue(owner, repo, number, "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, number, "alice", nil))
	w.WaitIdle()
}

func (w *world) reopenItem(number int) {
	w.GitHub.ReopenIssue(owner, repo, number, "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("reopened", owner, repo, number, "alice", nil))
	w.WaitIdle()
}

func (w *world) run(t *testing.T, args river.JobArgs) {
	t.Helper()
	if _, err := w.Server.Jobs().Insert(context.Background(), args, nil); err != nil {
		t.Fatalf("insert %s: %v", args.Kind(), err)
	}
	w.WaitIdle()
}

func (w *world) countPOSTIssues() int {
	return w.GitHub.CountRequests("POST", "/repos/acme/shop/issues") -
		w.GitHub.CountRequests("POST", "/repos/acme/shop/issues/")
}

// servertestOptions runs the action-items feature with o and every job
// with the given timeout.
func servertestOptions(jobTimeout time.Duration, o actions.Options) servertest.Options {
	return servertest.Options{JobTimeout: jobTimeout, Features: func(env *feature.Env) ([]feature.Feature, error) {
		return []feature.Feature{actions.NewWithOptions(env, o)}, nil
	}}
}
