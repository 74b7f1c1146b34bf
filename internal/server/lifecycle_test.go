package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// The postmortem the responders write on the draft's branch, first with a
// sentence that blames a person, then rewritten.
const writtenPostmortem = `# Postmortem: Checkout returns 502

## Summary

Checkout returned 502 errors for 42 minutes after the payments service was deployed with a connection pool limit of 5.

## Impact

About 18% of checkout requests failed between 09:05 and 09:47 UTC; roughly 1,900 orders were retried by customers.

## Timeline

| Time (UTC) | What |
|---|---|
| 2026-03-04 09:05 | Payments deploy finished; error rate alert fired two minutes later. |
| 2026-03-04 09:31 | The on-call engineer rolled the deploy back. |
| 2026-03-04 09:47 | Error rate back to baseline. |

## Root Cause

ROOT_CAUSE

## Resolution

Rolling back the deploy restored the previous pool size; the setting now has a floor enforced at startup.

## Action Items

- [ ] Enforce a minimum connection pool size at startup (owner: @kim, due: 2026-03-20, priority: P1, type: prevent)
- [ ] Alert on pool saturation before errors rise (owner: @acme/sre, due: 2026-03-27, priority: P2, type: detect)

## Lessons Learned

The canary stage caught the error rate but did not block the rollout, because its threshold was set above the observed rate.
`

const blamefulCause = "Kim's careless change set the pool limit to 5 and nobody reviewed it."
const blamelessCause = "The pool limit came from a shared default that changed in the config library; the review showed only the library version bump, so the new limit was not visible."

// TestIncidentToClosureWithEveryFeature follows one incident through the
// shipped app: label → draft PR → check on the authors' pushes → merge →
// action-item issues → items closed → incident complete.
func TestIncidentToClosureWithEveryFeature(t *testing.T) {
	h := servertest.Start(t, servertest.Options{})
	gh := h.GitHub
	gh.SetClock(h.Clock.Now)
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	for _, u := range []string{"kim", "lead"} {
		gh.SetPermission(owner, repo, u, "write")
	}
	incident := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim", Labels: []string{"sev2"}, Assignees: []string{"kim"}})
	gh.Comment(owner, repo, incident, "kim", "Rolling back payments now.")
	gh.AddLabelToIssue(owner, repo, incident, "incident", "kim")

	deliver := func(event string, body []byte) {
		t.Helper()
		if resp := h.Deliver(event, body); resp.StatusCode/100 != 2 {
			t.Fatalf("%s delivery: status %d", event, resp.StatusCode)
		}
		h.WaitIdle()
	}

	// 1. The incident label opens one draft PR and says so on the incident.
	deliver("issues", gh.IssueWebhook("labeled", owner, repo, incident, "kim", map[string]any{"label": map[string]any{"name": "incident"}}))
	pulls := gh.Pulls(owner, repo)
	if len(pulls) != 1 {
		t.Fatalf("%d pull requests after the incident label, want 1", len(pulls))
	}
	pr := pulls[0]
	if pr.Title != "Postmortem: Checkout returns 502" || pr.Head != fmt.Sprintf("postmortem/incident-%d", incident) {
		t.Fatalf("draft PR %q from %q", pr.Title, pr.Head)
	}
	path := ""
	for _, p := range []string{"postmortems/2026-03-04-1-checkout-returns-502.md"} {
		if _, ok := gh.FileAt(owner, repo, pr.Head, p); ok {
			path = p
		}
	}
	if path == "" {
		t.Fatal("the draft file is not on the branch at postmortems/2026-03-04-1-checkout-returns-502.md")
	}
	if !anyComment(gh, incident, fmt.Sprintf("#%d", pr.Number)) {
		t.Fatal("the incident has no comment linking the draft PR")
	}

	// The app opened the draft itself; GitHub's "opened" event comes from the
	// app's bot, and the check still reviews the draft: unfilled sections.
	deliver("pull_request", gh.PullRequestWebhook("opened", owner, repo, pr.Number, gh.BotLogin()))
	if run := onlyRun(t, gh, pr.HeadSHA); run.Conclusion != "failure" || !strings.Contains(run.Summary, "Summary") {
		t.Fatalf("check on the untouched draft concluded %q:\n%s", run.Conclusion, run.Summary)
	}

	// 2. The authors push a version with a blameful sentence: the check fails
	// on that line.
	sha := gh.CommitFile(owner, repo, pr.Head, path, []byte(written(blamefulCause)), "Write the postmortem")
	deliver("pull_request", gh.PullRequestWebhook("synchronize", owner, repo, pr.Number, "kim"))
	run := onlyRun(t, gh, sha)
	if run.Conclusion != "failure" {
		t.Fatalf("check on a blameful postmortem concluded %q", run.Conclusion)
	}
	causeLine := lineOf(written(blamefulCause), blamefulCause)
	if !annotated(run, path, causeLine) {
		t.Fatalf("no annotation on line %d: %+v", causeLine, run.Annotations)
	}

	// 3. They rewrite it blamelessly: the check passes on the new head.
	sha = gh.CommitFile(owner, repo, pr.Head, path, []byte(written(blamelessCause)), "Describe the system, not the person")
	deliver("pull_request", gh.PullRequestWebhook("synchronize", owner, repo, pr.Number, "kim"))
	if run := onlyRun(t, gh, sha); run.Conclusion != "success" {
		t.Fatalf("check on the rewritten postmortem concluded %q: %s", run.Conclusion, run.Summary)
	}

	// 4. Merged: each action item becomes one issue, and the incident gets a
	// tracking comment.
	gh.MergePull(owner, repo, pr.Number, "lead")
	merged := gh.PullRequestWebhook("closed", owner, repo, pr.Number, "lead")
	deliver("pull_request", merged)
	deliver("pull_request", merged) // a redelivery changes nothing
	items := issuesLabelled(gh, "corrective-action")
	if len(items) != 2 {
		t.Fatalf("%d corrective-action issues, want 2", len(items))
	}
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	slices.Sort(titles)
	if want := []string{"Alert on pool saturation before errors rise", "Enforce a minimum connection pool size at startup"}; !slices.Equal(titles, want) {
		t.Fatalf("corrective-action issues titled %q, want %q", titles, want)
	}
	for _, it := range items {
		if strings.HasPrefix(it.Title, "Enforce") && !slices.Equal(it.Assignees, []string{"kim"}) {
			t.Errorf("item owned by @kim is assigned to %v", it.Assignees)
		}
	}

	// 5. Both items close: the incident is complete.
	for _, it := range items {
		gh.CloseIssue(owner, repo, it.Number, "kim")
		deliver("issues", gh.IssueWebhook("closed", owner, repo, it.Number, "kim", nil))
	}
	for _, it := range items {
		if got, _ := gh.Issue(owner, repo, it.Number); got.State != "closed" {
			t.Fatalf("item #%d is %s after being closed", it.Number, got.State)
		}
	}
	inc, _ := gh.Issue(owner, repo, incident)
	if !contains(inc.Labels, "postmortem-complete") {
		t.Fatalf("incident labels %v lack postmortem-complete", inc.Labels)
	}

	// Nothing along the way was discarded, and no comment was posted twice.
	if m := h.Metric(`postmortem_bot_jobs_total`); strings.Contains(strings.Join(m, "\n"), `outcome="discarded"`) {
		t.Fatalf("a job was discarded:\n%s", strings.Join(m, "\n"))
	}
	seen := map[string]bool{}
	for _, c := range gh.Comments(owner, repo, incident) {
		if c.Author == gh.BotLogin() {
			if seen[c.Body] {
				t.Fatalf("the bot posted the same comment twice:\n%s", c.Body)
			}
			seen[c.Body] = true
		}
	}
	if code, _ := h.Get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz %d at the end", code)
	}
}

func written(cause string) string { return strings.Replace(writtenPostmortem, "ROOT_CAUSE", cause, 1) }

func anyComment(gh *fakegithub.Server, n int, substr string) bool {
	for _, c := range gh.Comments(owner, repo, n) {
		if strings.Contains(c.Body, substr) {
			return true
		}
	}
	return false
}

func onlyRun(t *testing.T, gh *fakegithub.Server, sha string) fakegithub.CheckRun {
	t.Helper()
	runs := gh.CheckRuns(owner, repo, sha)
	if len(runs) != 1 || runs[0].Name != "postmortem" {
		t.Fatalf("check runs on %s: %+v, want one named postmortem", sha, runs)
	}
	return runs[0]
}

func lineOf(doc, substr string) int {
	for i, line := range strings.Split(doc, "\n") {
		if strings.Contains(line, substr) {
			return i + 1
		}
	}
	return -1
}

func annotated(run fakegithub.CheckRun, path string, line int) bool {
	for _, a := range run.Annotations {
		if a.Path == path && a.StartLine == line {
			return true
		}
	}
	return false
}

func issuesLabelled(gh *fakegithub.Server, label string) []fakegithub.Issue {
	var out []fakegithub.Issue
	for _, is := range gh.Issues(owner, repo) {
		if !is.IsPull && contains(is.Labels, label) {
			out = append(out, is)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
