package actions_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// A repository whose policy file is broken is skipped by the daily run; it
// must not cancel the run for the others, whose failures are still retried.
func TestOneRepositorysBrokenPolicyLeavesTheDailyRunForOthersIntact(t *testing.T) {
	t.Parallel()
	const policyYAML = "action_items:\n  reminder_interval_days: 7\n"
	w := start(t, policyYAML)
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget") // due 2026-03-10

	// "broken" sorts before "shop": the daily run visits it first.
	const other = "broken"
	w.GitHub.AddRepo(owner, other)
	w.GitHub.CommitFile(owner, other, "main", ".github/postmortem.yml", []byte(policyYAML), "policy")
	incident := w.GitHub.CreateIssue(owner, other, fakegithub.IssueSeed{Title: "Outage", Labels: []string{"incident"}, Author: "alice"})
	w.GitHub.CommitFile(owner, other, "postmortem/outage", path, postmortem(twoItems), "Add postmortem")
	pr := w.GitHub.OpenPullWithBody(owner, other, "postmortem/outage", "main", "Postmortem", fmt.Sprintf("Refs #%d", incident), "alice")
	w.GitHub.MergePull(owner, other, pr, "bob")
	w.Deliver("pull_request", w.GitHub.PullRequestWebhook("closed", owner, other, pr, "bob"))
	w.WaitIdle()
	items := 0
	for _, i := range w.GitHub.Issues(owner, other) {
		if strings.Contains(i.Body, "postmortem-bot:action-item ") {
			items++
		}
	}
	if items != 2 {
		t.Fatalf("%s/%s has %d action-item issues after its merge, want 2", owner, other, items)
	}
	w.GitHub.CommitFile(owner, other, "main", ".github/postmortem.yml", []byte("action_items: [\n"), "break the policy")

	w.Clock.Advance(7 * 24 * time.Hour) // one day overdue in both repositories
	w.GitHub.SetClock(w.Clock.Now)
	// The first reminder in the healthy repository fails once.
	w.GitHub.FailNext(1, 502, func(method, p string) bool {
		return method == "POST" && p == fmt.Sprintf("/repos/%s/%s/issues/%d/comments", owner, repo, retry.Number)
	})
	w.run(t, actions.RemindersArgs{})

	if n := len(w.commentsWith(retry.Number, "postmortem-bot:reminder")); n != 1 {
		t.Fatalf("%d reminders in %s/%s after its failure was retried, want 1 (the broken policy of %s/%s must not cancel the run)", n, owner, repo, owner, other)
	}
	for _, i := range w.GitHub.Issues(owner, other) {
		for _, c := range w.GitHub.Comments(owner, other, i.Number) {
			if strings.Contains(c.Body, "postmortem-bot:reminder") {
				t.Errorf("reminded in %s/%s although its policy is broken", owner, other)
			}
		}
	}
}

// A payload the feature cannot decode is cancelled at once, not retried
// for hours.
func TestUndecodablePayloadIsCancelledNotRetried(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	pr, payload := w.merge(t, path, postmortem(twoItems))
	var p map[string]any
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatal(err)
	}
	p["pull_request"].(map[string]any)["number"] = "not a number" // go-github cannot read it
	body, _ := json.Marshal(p)
	w.Deliver("pull_request", body)
	w.WaitIdle()

	var attempts []string
	for _, line := range w.Metric("postmortem_bot_jobs_total{") {
		if strings.Contains(line, `handler="action-items"`) {
			attempts = append(attempts, line)
		}
	}
	if len(attempts) != 1 || !strings.Contains(attempts[0], `outcome="discarded"`) || !strings.HasSuffix(attempts[0], " 1") {
		t.Errorf("job attempts %q, want exactly one, discarded", attempts)
	}
	if n := len(w.actionIssues()); n != 0 {
		t.Errorf("%d issues opened from pull request #%d's unreadable payload", n, pr)
	}
}
