package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/incident"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// startProduct runs every shipped feature against acme/payments.
func startProduct(t *testing.T) *servertest.Harness {
	t.Helper()
	h := servertest.Start(t, servertest.Options{})
	gh := h.GitHub
	gh.SetClock(h.Clock.Now)
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	for _, u := range []string{"kim", "mkaur"} {
		gh.SetPermission(owner, repo, u, "write")
	}
	return h
}

func allJobs(t *testing.T, h *servertest.Harness) []*rivertype.JobRow {
	t.Helper()
	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func labelWebhook(gh *fakegithub.Server, n int, label string) []byte {
	gh.AddLabelToIssue(owner, repo, n, label, "kim")
	return gh.IssueWebhook("labeled", owner, repo, n, "kim", map[string]any{"label": map[string]any{"name": label}})
}

// pushWebhook is a push to the default branch changing paths, built on the
// repository, installation and sender of a webhook the fake made.
func pushWebhook(t *testing.T, gh *fakegithub.Server, paths ...string) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(gh.IssueWebhook("opened", owner, repo, 1, "kim", nil), &p); err != nil {
		t.Fatal(err)
	}
	commit := map[string]any{"id": strings.Repeat("a", 40), "message": "Change the policy", "added": []string{}, "removed": []string{}, "modified": paths}
	push := map[string]any{
		"ref": "refs/heads/main", "before": strings.Repeat("0", 40), "after": strings.Repeat("a", 40),
		"commits": []any{commit}, "head_commit": commit, "size": 1,
		"repository": p["repository"], "installation": p["installation"], "sender": p["sender"],
	}
	body, err := json.Marshal(push)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestUnrelatedLabelsCostNothingOnceThePolicyIsKnown(t *testing.T) {
	h := startProduct(t)
	gh := h.GitHub
	n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim"})

	// Cold: nothing is known of the policy yet, so the first label is
	// queued as before, and the job's own policy read teaches the intake.
	if resp := h.Deliver("issues", labelWebhook(gh, n, "bug")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("first label on a cold cache: status %d, want 202 (queued as without a cache)", resp.StatusCode)
	}
	h.WaitIdle()
	jobsBefore, requestsBefore := len(allJobs(t, h)), len(gh.Requests())

	// A burst of labels that are neither incident nor action-item labels.
	labels := []string{"needs-triage", "good first issue", "question", "duplicate", "enhancement"}
	var wg sync.WaitGroup
	outcomes := make([]string, 200)
	bodies := make([][]byte, len(outcomes))
	for i := range bodies {
		bodies[i] = labelWebhook(gh, n, labels[i%len(labels)])
	}
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := h.Deliver("issues", bodies[i])
			var out struct{ Outcome string }
			_ = json.NewDecoder(resp.Body).Decode(&out)
			outcomes[i] = resp.Status + " " + out.Outcome
		}()
	}
	wg.Wait()
	for i, o := range outcomes {
		if o != "200 OK ignored" {
			t.Fatalf("unrelated label %d: %q, want 200 ignored", i, o)
		}
	}
	h.WaitIdle()
	if got := len(allJobs(t, h)) - jobsBefore; got != 0 {
		t.Errorf("200 unrelated labels queued %d jobs, want 0", got)
	}
	if got := len(gh.Requests()) - requestsBefore; got > 5 {
		t.Errorf("200 unrelated labels cost %d GitHub requests, want at most 5", got)
	}

	// An incident label right after is work, first in line.
	if resp := h.Deliver("issues", labelWebhook(gh, n, "incident")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("incident label: status %d, want 202", resp.StatusCode)
	}
	h.WaitIdle()
	if pulls := gh.Pulls(owner, repo); len(pulls) != 1 {
		t.Fatalf("incident label after the burst: %d pull requests, want 1", len(pulls))
	}
	for _, j := range allJobs(t, h)[jobsBefore:] {
		if j.Kind == (queue.EventArgs{}).Kind() && j.Priority != queue.PriorityUrgent {
			t.Errorf("incident label job %d has priority %d, want %d (urgent)", j.ID, j.Priority, queue.PriorityUrgent)
		}
	}
}

func TestAPushChangingThePolicyIsHeededAtOnce(t *testing.T) {
	h := startProduct(t)
	gh := h.GitHub
	n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Search is down", Author: "kim"})
	h.Deliver("issues", labelWebhook(gh, n, "bug")) // teaches the default policy
	h.WaitIdle()
	if resp := h.Deliver("issues", labelWebhook(gh, n, "needs-triage")); resp.StatusCode != http.StatusOK {
		t.Fatalf("unrelated label once the policy is known: status %d, want 200", resp.StatusCode)
	}

	gh.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("incident:\n  labels: [incident, outage]\n"), "Outages are incidents too")
	// A push that does not touch the policy changes nothing...
	if resp := h.Deliver("push", pushWebhook(t, gh, "README.md")); resp.StatusCode != http.StatusOK {
		t.Fatalf("push: status %d", resp.StatusCode)
	}
	// ...the one that does makes the next label decided afresh.
	if resp := h.Deliver("push", pushWebhook(t, gh, ".github/postmortem.yml")); resp.StatusCode != http.StatusOK {
		t.Fatalf("push: status %d", resp.StatusCode)
	}
	if resp := h.Deliver("issues", labelWebhook(gh, n, "outage")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("label named by the new policy: status %d, want 202", resp.StatusCode)
	}
	h.WaitIdle()
	if pulls := gh.Pulls(owner, repo); len(pulls) != 1 {
		t.Fatalf("outage label under the new policy: %d pull requests, want 1", len(pulls))
	}
}

func TestPeriodicWorkOfEveryFeatureIsQueuedBehindDeliveries(t *testing.T) {
	h := servertest.Start(t, servertest.Options{NoJobs: true})
	ctx := context.Background()
	for _, args := range []river.JobArgs{actions.RemindersArgs{}, actions.ReconcileArgs{}, actions.StatusArgs{}, incident.ReminderArgs{}, queue.PruneArgs{}} {
		res, err := h.Server.Jobs().Insert(ctx, args, nil)
		if err != nil {
			t.Fatalf("insert %s: %v", args.Kind(), err)
		}
		if res.Job.Priority != queue.PriorityBackground {
			t.Errorf("periodic job %s queued at priority %d, want %d", args.Kind(), res.Job.Priority, queue.PriorityBackground)
		}
	}
}

func TestIncidentAfterABurstOnAColdCacheIsStillFirstInLine(t *testing.T) {
	// No workers: the jobs stay queued, so their ranks can be read.
	h := servertest.Start(t, servertest.Options{NoJobs: true})
	gh := h.GitHub
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	gh.SetPermission(owner, repo, "kim", "write")
	n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Flaky test", Author: "kim"})

	// A burst that goes on while the repository's policy is being learned:
	// until then every delivery is queued, as without a cache, and the
	// burst outruns the repository's budget (50 at once, 5 a second).
	queued := 0
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		resp := h.Deliver("issues", labelWebhook(gh, n, fmt.Sprintf("triage-%d", i%7)))
		if resp.StatusCode == http.StatusOK {
			break // intake now decides labels from the learned policy
		}
		queued++
		if time.Now().After(deadline) {
			t.Fatalf("the policy was not learned within 20 s (last status %d)", resp.StatusCode)
		}
	}
	if queued <= 60 {
		t.Fatalf("only %d deliveries queued before the policy was known; the burst must outrun the budget", queued)
	}
	jobsBefore := len(allJobs(t, h))
	for _, j := range allJobs(t, h) {
		if j.Priority == queue.PriorityUrgent {
			t.Errorf("job %d (%s) queued while the policy was unknown has priority urgent; want below confirmed work", j.ID, j.Kind)
		}
	}

	incident := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim"})
	if resp := h.Deliver("issues", labelWebhook(gh, incident, "incident")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("incident label: status %d, want 202", resp.StatusCode)
	}
	jobs := allJobs(t, h)[jobsBefore:]
	if len(jobs) == 0 {
		t.Fatal("the incident label queued no job")
	}
	for _, j := range jobs {
		if j.Priority != queue.PriorityUrgent {
			t.Errorf("incident label after a cold burst: job %d (%s) has priority %d, want %d (urgent, ahead of the %d queued by the burst)",
				j.ID, j.Kind, j.Priority, queue.PriorityUrgent, jobsBefore)
		}
	}
}
