package actions_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
)

// declare opens an issue with labels and text, then labels it an incident
// and delivers that.
func (w *world) declare(t *testing.T, title, body string, labels ...string) int {
	t.Helper()
	n := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: title, Body: body, Labels: labels, Author: "pagerbot"})
	w.Clock.Advance(time.Minute)
	w.GitHub.AddLabelToIssue(owner, repo, n, "incident", "alice")
	w.Deliver("issues", w.GitHub.IssueWebhook("labeled", owner, repo, n, "alice", nil))
	w.WaitIdle()
	return n
}

// draftOf is the postmortem draft the app proposed for an incident.
func (w *world) draftOf(t *testing.T, incident int) string {
	t.Helper()
	var found []string
	for _, p := range w.GitHub.Pulls(owner, repo) {
		if p.Head == fmt.Sprintf("postmortem/incident-%d", incident) {
			for _, f := range w.GitHub.FilesAt(owner, repo, p.Head, "postmortems") {
				if _, onMain := w.GitHub.FileAt(owner, repo, "main", f); onMain {
					continue
				}
				if content, ok := w.GitHub.FileAt(owner, repo, p.Head, f); ok {
					found = append(found, string(content))
				}
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("incident #%d has %d drafted files, want exactly 1", incident, len(found))
	}
	return found[0]
}

// TestRepeatIncidentIsNamedOnceWhileTheEarlierFixIsOpen: an incident
// whose earlier twin still has open corrective actions gets one comment
// naming the twin and those issues, and its draft a "Related Incidents"
// section, also when the label is delivered again; an unrelated incident
// gets neither; the status issue and /metrics count the repeat.
func TestRepeatIncidentIsNamedOnceWhileTheEarlierFixIsOpen(t *testing.T) {
	t.Parallel()
	w := startBoth(t)
	// The earlier incident: a retry storm, a code fix linked to it, its
	// postmortem merged with two corrective actions still open.
	w.incident = w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout 502s: retry storm exhausted the payments pool",
		Body:   "Clients retried payment calls without a budget; the retry storm exhausted the payments connection pool.",
		Labels: []string{"incident", "checkout"}, Author: "pagerbot"})
	w.GitHub.CommitFile(owner, repo, "limit-retries", "services/checkout/retry.go", []byte("package checkout\n"), "Limit retries")
	fix := w.GitHub.OpenPullWithBody(owner, repo, "limit-retries", "main", "Limit checkout retries", fmt.Sprintf("Refs #%d", w.incident), "bob")
	w.GitHub.MergePull(owner, repo, fix, "bob")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry, alert := w.issueTitled(t, "Add a retry budget"), w.issueTitled(t, "Alert on checkout errors")
	w.Clock.Advance(30 * 24 * time.Hour)

	// The twin: a change to the same file was reverted while it lasted.
	twin := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout 502s again: retry storm",
		Body:   "Payment calls slowed; clients retried without a budget and exhausted the payments connection pool.",
		Labels: []string{"checkout"}, Author: "pagerbot"})
	w.GitHub.CommitFile(owner, repo, "revert-retries", "services/checkout/retry.go", []byte("package checkout // reverted\n"), "Revert")
	revert := w.GitHub.OpenPullWithBody(owner, repo, "revert-retries", "main", `Revert "Raise checkout retries"`, fmt.Sprintf("Mitigates #%d", twin), "carol")
	w.GitHub.MergePull(owner, repo, revert, "carol")
	w.GitHub.AddLabelToIssue(owner, repo, twin, "incident", "alice")
	labelled := w.GitHub.IssueWebhook("labeled", owner, repo, twin, "alice", nil)
	for range 2 { // delivered twice
		w.Deliver("issues", labelled)
		w.WaitIdle()
	}

	repeats := w.commentsWith(twin, marker.Repeat)
	if len(repeats) != 1 {
		t.Fatalf("twin #%d has %d repeat comments, want exactly 1", twin, len(repeats))
	}
	for _, want := range []string{fmt.Sprintf("repeat of #%d", w.incident), fmt.Sprintf("- #%d Add a retry budget", retry.Number), fmt.Sprintf("- #%d Alert on checkout errors", alert.Number)} {
		if !strings.Contains(repeats[0].Body, want) {
			t.Errorf("repeat comment lacks %q:\n%s", want, repeats[0].Body)
		}
	}
	doc := w.draftOf(t, twin)
	t.Logf("twin #%d's draft:\n%s", twin, doc)
	for _, want := range []string{"## Related Incidents",
		fmt.Sprintf("- [#%d](", w.incident), "postmortem: [" + path + "]",
		"shared labels: checkout", "similar words", "same files changed, reverted: services/checkout/retry.go",
		fmt.Sprintf("#%d Add a retry budget (**open**)", retry.Number)} {
		if !strings.Contains(doc, want) {
			t.Errorf("twin's draft lacks %q:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, "## Related Incidents"); n != 1 {
		t.Errorf("twin's draft has %d Related Incidents sections", n)
	}

	other := w.declare(t, "Search results empty after reindex", "The nightly reindex swapped the alias to an index with no documents.", "search")
	if got := w.commentsWith(other, marker.Repeat); len(got) != 0 {
		t.Errorf("unrelated incident #%d got %d repeat comments", other, len(got))
	}
	if doc := w.draftOf(t, other); strings.Contains(doc, "## Related Incidents") {
		t.Errorf("unrelated incident's draft lists related incidents:\n%s", doc)
	}

	w.run(t, actions.ReconcileArgs{}) // rewrites the status issue
	if st := w.openStatus(t); !strings.Contains(st.Body, "### Repeat incidents") ||
		!strings.Contains(st.Body, fmt.Sprintf("| #%d Checkout 502s again: retry storm | #%d | #%d #%d |", twin, w.incident, retry.Number, alert.Number)) {
		t.Errorf("status issue lacks the repeat:\n%s", st.Body)
	}
	if got := w.Metric("postmortem_bot_repeat_incidents "); len(got) != 1 || got[0] != "postmortem_bot_repeat_incidents 1" {
		t.Errorf("/metrics: %q, want postmortem_bot_repeat_incidents 1", got)
	}
}
