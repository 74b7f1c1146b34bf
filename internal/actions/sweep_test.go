package actions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
)

// mergeIn merges a postmortem with twoItems in another repository of the
// owner and delivers the merge.
func (w *world) mergeIn(t *testing.T, name, policyYAML string) {
	t.Helper()
	w.GitHub.AddRepo(owner, name)
	w.GitHub.CommitFile(owner, name, "main", ".github/postmortem.yml", []byte(policyYAML), "policy")
	w.GitHub.CommitFile(owner, name, "postmortem/outage", path, postmortem(twoItems), "Add postmortem")
	pr := w.GitHub.OpenPullWithBody(owner, name, "postmortem/outage", "main", "Postmortem", "The postmortem.", "alice")
	w.GitHub.MergePull(owner, name, pr, "bob")
	w.Deliver("pull_request", w.GitHub.PullRequestWebhook("closed", owner, name, pr, "bob"))
	w.WaitIdle()
}

// issueIn is the issue of repository name with the title.
func (w *world) issueIn(t *testing.T, name, title string) int {
	t.Helper()
	for _, i := range w.GitHub.Issues(owner, name) {
		if i.Title == title {
			return i.Number
		}
	}
	t.Fatalf("%s/%s has no issue titled %q", owner, name, title)
	return 0
}

func (w *world) remindersIn(name string) int {
	n := 0
	for _, i := range w.GitHub.Issues(owner, name) {
		for _, c := range w.GitHub.Comments(owner, name, i.Number) {
			if strings.Contains(c.Body, "postmortem-bot:reminder") {
				n++
			}
		}
	}
	return n
}

// repoJobs are the jobs of kind that name a repository, by repository name.
func (w *world) repoJobs(t *testing.T, kind string) map[string][]*rivertype.JobRow {
	t.Helper()
	jobs, err := w.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*rivertype.JobRow{}
	for _, j := range jobs {
		if j.Kind != kind {
			continue
		}
		var args struct {
			Repo *struct {
				Name string `json:"repo"`
			} `json:"repo"`
		}
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatalf("job %d args %s: %v", j.ID, j.EncodedArgs, err)
		}
		if args.Repo != nil {
			out[args.Repo.Name] = append(out[args.Repo.Name], j)
		}
	}
	return out
}

// checkSweepJobs asserts one job per repository: completed for the healthy
// ones, cancelled for the broken one, all at background priority.
func checkSweepJobs(t *testing.T, w *world, kind string, healthy []string, broken string) {
	t.Helper()
	jobs := w.repoJobs(t, kind)
	if len(jobs) != len(healthy)+1 {
		t.Errorf("%s: jobs for %d repositories, want %d: %v", kind, len(jobs), len(healthy)+1, jobs)
	}
	want := map[string]rivertype.JobState{broken: rivertype.JobStateCancelled}
	for _, name := range healthy {
		want[name] = rivertype.JobStateCompleted
	}
	for name, state := range want {
		js := jobs[name]
		if len(js) != 1 {
			t.Errorf("%s: %d jobs for %s, want exactly 1", kind, len(js), name)
			continue
		}
		if js[0].State != state || js[0].Priority != queue.PriorityBackground {
			t.Errorf("%s job for %s: state %s priority %d, want %s at priority %d", kind, name, js[0].State, js[0].Priority, state, queue.PriorityBackground)
		}
	}
}

// The daily sweeps queue one job per repository: a broken policy cancels
// that repository's job only, and a second sweep the same day queues nothing.
func TestDailySweepsRunOneJobPerRepositoryAndCancelOnlyTheBrokenOne(t *testing.T) {
	t.Parallel()
	const policyYAML = "action_items:\n  reminder_interval_days: 7\n"
	w := start(t, policyYAML)
	w.deliverMerge(t, path, postmortem(twoItems))
	const api, broken = "api", "broken"
	w.mergeIn(t, api, policyYAML)
	w.mergeIn(t, broken, policyYAML)
	w.GitHub.CommitFile(owner, broken, "main", ".github/postmortem.yml", []byte("action_items: [\n"), "break the policy")
	apiAlert := w.issueIn(t, api, "Alert on checkout errors")

	w.Clock.Advance(7 * 24 * time.Hour) // "Add a retry budget" is one day overdue everywhere
	w.GitHub.SetClock(w.Clock.Now)
	w.run(t, actions.RemindersArgs{})
	for name, want := range map[string]int{repo: 1, api: 1, broken: 0} {
		if got := w.remindersIn(name); got != want {
			t.Errorf("%d reminders in %s/%s, want %d", got, owner, name, want)
		}
	}
	checkSweepJobs(t, w, "action_items_reminders", []string{repo, api}, broken)

	// Closed while no webhook reached the app: reconciliation finds it.
	w.GitHub.CloseIssue(owner, api, apiAlert, "carol")
	w.run(t, actions.ReconcileArgs{})
	checkSweepJobs(t, w, "action_items_reconcile", []string{repo, api}, broken)
	var status string
	for _, i := range w.GitHub.Issues(owner, api) {
		if i.Title == "Postmortem action items: status" && i.State == "open" {
			status = i.Body
		}
	}
	if !strings.Contains(status, "**Open:** 1") {
		t.Errorf("%s/%s status issue after reconciliation does not count the item closed unseen:\n%s", owner, api, status)
	}

	// The same day again: nothing is queued or posted twice.
	issues := len(w.GitHub.Issues(owner, repo)) + len(w.GitHub.Issues(owner, api)) + len(w.GitHub.Issues(owner, broken))
	w.run(t, actions.RemindersArgs{})
	w.run(t, actions.ReconcileArgs{})
	checkSweepJobs(t, w, "action_items_reminders", []string{repo, api}, broken)
	checkSweepJobs(t, w, "action_items_reconcile", []string{repo, api}, broken)
	for name, want := range map[string]int{repo: 1, api: 1, broken: 0} {
		if got := w.remindersIn(name); got != want {
			t.Errorf("after a second sweep: %d reminders in %s/%s, want %d", got, owner, name, want)
		}
	}
	if n := len(w.GitHub.Issues(owner, repo)) + len(w.GitHub.Issues(owner, api)) + len(w.GitHub.Issues(owner, broken)); n != issues {
		t.Errorf("a second sweep the same day made %d issues", n-issues)
	}
}

// A merge with more action items than one job's time allows opens them
// across runs: the job stops before its deadline and is snoozed, never
// failed, and every item gets exactly one issue.
func TestMergeWithMoreItemsThanOneJobsTimeIsSnoozedNotFailed(t *testing.T) {
	t.Parallel()
	const n = 20
	var items []string
	for i := 1; i <= n; i++ {
		items = append(items, fmt.Sprintf("- [ ] Fix the cause number %d (owner: @alice, due: 2026-04-%02d, priority: P2)", i, i))
	}
	w := startWith(t, "", servertestOptions(3*time.Second, actions.Options{Pace: 200 * time.Millisecond, DeadlineMargin: time.Second}))
	w.deliverMerge(t, path, postmortem(strings.Join(items, "\n")))

	titles := map[string]int{}
	for _, i := range w.actionIssues() {
		titles[i.Title]++
	}
	for i := 1; i <= n; i++ {
		if got := titles[fmt.Sprintf("Fix the cause number %d", i)]; got != 1 {
			t.Errorf("item %d has %d issues, want exactly 1", i, got)
		}
	}
	if posts := w.countPOSTIssues(); posts != n+1 { // the items and the status issue
		t.Errorf("%d issues opened, want %d", posts, n+1)
	}
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("0 of %d closed.", n)) {
		t.Errorf("tracking comment:\n%s", body)
	}

	jobs, err := w.Server.JobsIn(context.Background(), rivertype.JobStateCompleted, rivertype.JobStateRetryable,
		rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	merges := 0
	for _, j := range jobs {
		if j.Kind != (queue.EventArgs{}).Kind() {
			continue
		}
		var args queue.EventArgs
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil || args.Delivery.Event != "pull_request" {
			continue
		}
		merges++
		var meta struct {
			Snoozes int `json:"snoozes"`
		}
		_ = json.Unmarshal(j.Metadata, &meta)
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || len(j.Errors) != 0 || meta.Snoozes < 1 {
			t.Errorf("merge job: state %s, attempt %d, errors %v, snoozes %d; want completed on its first attempt, no error, snoozed at least once",
				j.State, j.Attempt, j.Errors, meta.Snoozes)
		}
	}
	if merges != 1 {
		t.Errorf("%d merge jobs, want 1", merges)
	}
}
