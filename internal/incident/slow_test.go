package incident_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

func isPullCreation(method, path string) bool {
	return method == http.MethodPost && path == "/repos/acme/shop/pulls"
}

// waitForRequest waits until the fake has received a request matching
// match and returns it, as it stands (Status 0 while it is unanswered).
func waitForRequest(t *testing.T, gh *fakegithub.Server, match func(method, path string) bool) fakegithub.Request {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range gh.Requests() {
			if match(r.Method, r.Path) {
				return r
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the request never arrived")
	return fakegithub.Request{}
}

// assertJobsSucceeded checks no job was discarded or cancelled and every
// completed job finished without a recorded error.
func assertJobsSucceeded(t *testing.T, h *servertest.Harness, wantCompleted int) {
	t.Helper()
	ctx := context.Background()
	failed, err := h.Server.JobsIn(ctx, rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range failed {
		t.Errorf("job %s#%d ended %s: %v", j.Kind, j.ID, j.State, j.Errors)
	}
	done, err := h.Server.JobsIn(ctx, rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != wantCompleted {
		t.Errorf("completed jobs = %d, want %d", len(done), wantCompleted)
	}
	for _, j := range done {
		if len(j.Errors) != 0 {
			t.Errorf("job %s#%d failed before it completed: %v", j.Kind, j.ID, j.Errors)
		}
	}
}

func TestLabelDuringSlowFirstJobOpensOnePR(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	h.GitHub.DelayNext(1, 1500*time.Millisecond, isPullCreation)

	deliver(t, h, "issues", h.GitHub.IssueWebhook("labeled", owner, repo, n, "mkaur", nil))
	waitForRequest(t, h.GitHub, isPullCreation)
	// While GitHub holds the first job's PR creation: a second, distinct
	// label delivery and a /postmortem command.
	deliver(t, h, "issues", h.GitHub.IssueWebhook("labeled", owner, repo, n, "mkaur", nil))
	cmd := h.GitHub.Comment(owner, repo, n, "jdoe", "/postmortem")
	deliver(t, h, "issue_comment", h.GitHub.IssueCommentWebhook(owner, repo, n, cmd))
	if held := waitForRequest(t, h.GitHub, isPullCreation); held.Status != 0 {
		t.Fatalf("the first job's PR creation was answered (%d) before the other deliveries arrived; the test proves nothing", held.Status)
	}
	h.WaitIdle()

	assertOneProposal(t, h, n)
	if body := onlyReply(t, h, n, cmd); !strings.Contains(body, "is in #2") {
		t.Errorf("reply to the command = %q, want it to point at #2", body)
	}
	if got := h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/pulls"); got != 1 {
		t.Errorf("PR creation attempts = %d, want 1", got)
	}
	assertJobsSucceeded(t, h, 3)
	snoozed := false
	for _, line := range h.Metric("postmortem_bot_jobs_total") {
		snoozed = snoozed || strings.Contains(line, `outcome="snoozed"`)
	}
	if !snoozed {
		t.Errorf("no job waited for the slow one: %v", h.Metric("postmortem_bot_jobs_total"))
	}
}
