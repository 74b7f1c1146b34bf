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

	"github.com/google/go-github/v60/github"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
	"github.com/postmortem-bot/postmortem-bot/internal/webhook"
)

// acknowledger is a feature made for these tests: for every labelled issue
// it posts one comment naming the delivery, checking first (by a hidden
// marker) whether an earlier attempt already posted it. It exercises the
// whole path — intake, durable job, installation client, GitHub — with a
// side effect the fake GitHub can count.
type acknowledger struct{ env *feature.Env }

func (acknowledger) Name() string     { return "acknowledger" }
func (acknowledger) Events() []string { return []string{"issues"} }
func (acknowledger) Wants(d *event.Delivery) bool {
	return d.Action == "labeled"
}

func (a acknowledger) Work(ctx context.Context, d *event.Delivery) error {
	var ev github.IssuesEvent
	if err := d.Decode(&ev); err != nil {
		return err
	}
	client, err := a.env.GitHub.NewInstallationClient(d.InstallationID)
	if err != nil {
		return err
	}
	marker := fmt.Sprintf("<!-- ack %s -->", d.ID)
	comments, _, err := client.Issues.ListComments(ctx, d.Owner, d.Repo, ev.GetIssue().GetNumber(), &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return fmt.Errorf("list comments: %w", err)
	}
	for _, c := range comments {
		if strings.Contains(c.GetBody(), marker) {
			return nil
		}
	}
	_, _, err = client.Issues.CreateComment(ctx, d.Owner, d.Repo, ev.GetIssue().GetNumber(), &github.IssueComment{Body: github.String("Label seen. " + marker)})
	if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	return nil
}

func withAcknowledger(env *feature.Env) ([]feature.Feature, error) {
	return []feature.Feature{acknowledger{env: env}}, nil
}

const owner, repo = "acme", "payments"

// seed makes an installed repository with one labelled issue and returns
// the issue number and an issues.labeled payload for it.
func seed(t *testing.T, gh *fakegithub.Server) (int, []byte) {
	t.Helper()
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim"})
	gh.AddLabelToIssue(owner, repo, n, "incident", "kim")
	return n, gh.IssueWebhook("labeled", owner, repo, n, "kim", map[string]any{"label": map[string]any{"name": "incident"}})
}

func botComments(gh *fakegithub.Server, n int) []fakegithub.Comment {
	var out []fakegithub.Comment
	for _, c := range gh.Comments(owner, repo, n) {
		if strings.Contains(c.Body, "Label seen.") {
			out = append(out, c)
		}
	}
	return out
}

func unfinished(t *testing.T, h *servertest.Harness) int {
	t.Helper()
	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

func TestBadSignatureIsRejectedAndNothingIsStored(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, body := seed(t, h.GitHub)
	before := len(h.GitHub.Requests())

	cases := map[string]string{
		"missing":      "",
		"wrong secret": servertest.Sign("not-the-secret", body),
		"garbage":      "sha256=zz",
		"sha1 only":    "sha1=0123456789abcdef0123456789abcdef01234567",
	}
	for name, sig := range cases {
		resp := h.Post("issues", servertest.NewDeliveryID(), body, sig)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signature: status %d, want 401", name, resp.StatusCode)
		}
	}
	// A valid signature over a different body is still a forgery.
	tampered := []byte(strings.Replace(string(body), "Checkout", "Checkin", 1))
	if resp := h.Post("issues", servertest.NewDeliveryID(), tampered, servertest.Sign(servertest.Secret, body)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered body: status %d, want 401", resp.StatusCode)
	}
	h.WaitIdle()
	if got := unfinished(t, h); got != 0 {
		t.Errorf("%d jobs stored for rejected deliveries", got)
	}
	if after := len(h.GitHub.Requests()); after != before {
		t.Errorf("rejected deliveries made %d GitHub requests", after-before)
	}
	if c := botComments(h.GitHub, n); len(c) != 0 {
		t.Errorf("rejected deliveries caused %d comments", len(c))
	}
	if m := h.Metric(`postmortem_bot_webhook_deliveries_total{event="issues",outcome="rejected"}`); len(m) != 1 || !strings.HasSuffix(m[0], " 5") {
		t.Errorf("rejected deliveries not counted: %v", m)
	}
}

func TestMalformedAndOversizedPayloads(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	bad := []byte(`{"action": "labeled", "issue": `)
	if resp := h.Deliver("issues", bad); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed JSON: status %d, want 400", resp.StatusCode)
	}
	big := make([]byte, webhook.MaxBody+1)
	for i := range big {
		big[i] = ' '
	}
	if resp := h.Deliver("issues", big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized payload: status %d, want 413", resp.StatusCode)
	}
	if resp := h.DeliverAs("", servertest.NewDeliveryID(), []byte(`{}`)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("missing event header: status %d, want 400", resp.StatusCode)
	}
	if got := unfinished(t, h); got != 0 {
		t.Errorf("%d jobs stored for bad payloads", got)
	}
}

func TestIrrelevantEventsAreAcknowledgedWithoutWork(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, _ := seed(t, h.GitHub)
	before := len(h.GitHub.Requests())
	// An event type no feature reads, and a handled type with an action no
	// feature wants.
	star := h.GitHub.Webhook("ping", "", nil)
	if resp := h.Deliver("star", star); resp.StatusCode/100 != 2 {
		t.Errorf("unhandled event: status %d, want 2xx", resp.StatusCode)
	}
	opened := h.GitHub.IssueWebhook("opened", owner, repo, n, "kim", nil)
	if resp := h.Deliver("issues", opened); resp.StatusCode/100 != 2 {
		t.Errorf("unwanted action: status %d, want 2xx", resp.StatusCode)
	}
	if resp := h.Deliver("ping", h.GitHub.Webhook("ping", "", nil)); resp.StatusCode/100 != 2 {
		t.Errorf("ping: status %d, want 2xx", resp.StatusCode)
	}
	if got := unfinished(t, h); got != 0 {
		t.Errorf("%d jobs stored for irrelevant events", got)
	}
	if after := len(h.GitHub.Requests()); after != before {
		t.Errorf("irrelevant events made %d GitHub requests", after-before)
	}
	if m := h.Metric(`postmortem_bot_webhook_deliveries_total{event="issues",outcome="ignored"}`); len(m) != 1 || !strings.HasSuffix(m[0], " 1") {
		t.Errorf("ignored delivery not counted: %v", m)
	}
	if m := h.Metric(`postmortem_bot_webhook_deliveries_total{event="other",outcome="ignored"}`); len(m) != 1 {
		t.Errorf("unhandled event type not counted: %v", m)
	}
}

func TestHandledEventDoesItsWorkOnceAcrossRedelivery(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, body := seed(t, h.GitHub)
	id := servertest.NewDeliveryID()
	for i := 0; i < 3; i++ {
		if resp := h.DeliverAs("issues", id, body); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("delivery %d: status %d, want 202", i+1, resp.StatusCode)
		}
		h.WaitIdle()
	}
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("redelivered 3 times: %d comments, want 1", len(c))
	}
	// A genuinely new delivery is new work.
	h.Deliver("issues", body)
	h.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 2 {
		t.Fatalf("second distinct delivery: %d comments, want 2", len(c))
	}
}

func TestConcurrentDuplicateDeliveriesDoTheWorkOnce(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, body := seed(t, h.GitHub)
	id := servertest.NewDeliveryID()
	var wg sync.WaitGroup
	statuses := make([]int, 12)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = h.DeliverAs("issues", id, body).StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusAccepted {
			t.Errorf("concurrent delivery %d: status %d, want 202", i, s)
		}
	}
	h.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("12 concurrent copies of one delivery: %d comments, want 1", len(c))
	}
}

func TestAcknowledgedDeliverySurvivesRestart(t *testing.T) {
	// The first server acknowledges but never runs jobs, like a process
	// killed right after answering GitHub.
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger, NoJobs: true})
	n, body := seed(t, h.GitHub)
	if resp := h.Deliver("issues", body); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d, want 202", resp.StatusCode)
	}
	if c := botComments(h.GitHub, n); len(c) != 0 {
		t.Fatalf("work done before restart: %d comments", len(c))
	}
	h2 := h.Restart(nil)
	h2.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("after restart: %d comments, want 1", len(c))
	}
	// And a third start does not repeat it.
	h3 := h2.Restart(nil)
	h3.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("after second restart: %d comments, want 1", len(c))
	}
}

func TestServerErrorBurstIsRetriedToOneResult(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, body := seed(t, h.GitHub)
	h.GitHub.FailNext(3, http.StatusBadGateway, func(method, path string) bool {
		return method == http.MethodPost && strings.HasSuffix(path, "/comments")
	})
	h.Deliver("issues", body)
	h.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("after a 502 burst: %d comments, want 1", len(c))
	}
	if m := h.Metric(`postmortem_bot_jobs_total{handler="acknowledger",kind="github_event",outcome="retried"}`); len(m) != 1 || !strings.HasSuffix(m[0], " 3") {
		t.Errorf("retries not counted as 3: %v", m)
	}
}

func TestRateLimitedJobWaitsForGitHub(t *testing.T) {
	for _, kind := range []fakegithub.RateLimitKind{fakegithub.SecondaryRateLimit, fakegithub.PrimaryRateLimit, fakegithub.TooManyRequests} {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
			n, body := seed(t, h.GitHub)
			wait := 2 * time.Second
			h.GitHub.RateLimitNext(kind, wait, func(method, path string) bool {
				return method == http.MethodPost && strings.HasSuffix(path, "/comments")
			})
			h.Deliver("issues", body)
			var limitedAt time.Time
			deadline := time.Now().Add(20 * time.Second)
			for len(botComments(h.GitHub, n)) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			for _, r := range h.GitHub.Requests() {
				if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/comments") {
					if r.Status == http.StatusForbidden || r.Status == http.StatusTooManyRequests {
						limitedAt = r.At
					} else if !limitedAt.IsZero() && r.At.Sub(limitedAt) < wait-time.Second {
						t.Errorf("retried %v after the rate limit; GitHub asked for %v", r.At.Sub(limitedAt), wait)
					}
				}
			}
			if limitedAt.IsZero() {
				t.Fatal("the rate limit was never hit")
			}
			h.WaitIdle()
			if c := botComments(h.GitHub, n); len(c) != 1 {
				t.Fatalf("after a rate limit: %d comments, want 1", len(c))
			}
			if m := h.Metric(`postmortem_bot_jobs_total{handler="acknowledger",kind="github_event",outcome="snoozed"}`); len(m) != 1 {
				t.Errorf("rate-limit wait not counted: %v", m)
			}
		})
	}
}

func TestJobThatKeepsFailingIsDiscardedAndCounted(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger, MaxAttempts: 3})
	_, body := seed(t, h.GitHub)
	h.GitHub.FailNext(1000, http.StatusInternalServerError, func(method, path string) bool {
		return method == http.MethodGet && strings.HasSuffix(path, "/comments")
	})
	h.Deliver("issues", body)
	deadline := time.Now().Add(90 * time.Second)
	for {
		jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateDiscarded)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 {
			if len(jobs[0].Errors) != jobs[0].MaxAttempts {
				t.Errorf("discarded after %d errors, want %d", len(jobs[0].Errors), jobs[0].MaxAttempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job was not discarded")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := h.Metric(`postmortem_bot_jobs_total{handler="acknowledger",kind="github_event",outcome="discarded"}`); len(m) != 1 || !strings.HasSuffix(m[0], " 1") {
		t.Errorf("discard not counted: %v", m)
	}
}

func TestEventsFromTheAppItselfAreIgnored(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	n, _ := seed(t, h.GitHub)
	deadline := time.Now().Add(10 * time.Second)
	for h.Server.BotLogin() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got, want := h.Server.BotLogin(), h.GitHub.BotLogin(); got != want {
		t.Fatalf("bot login learned from GET /app = %q, want %q", got, want)
	}
	own := h.GitHub.IssueWebhook("labeled", owner, repo, n, h.GitHub.BotLogin(), map[string]any{"label": map[string]any{"name": "incident"}})
	if resp := h.Deliver("issues", own); resp.StatusCode != http.StatusOK {
		t.Fatalf("own event: status %d, want 200", resp.StatusCode)
	}
	h.WaitIdle()
	if c := botComments(h.GitHub, n); len(c) != 0 {
		t.Fatalf("the app reacted to its own event: %d comments", len(c))
	}
}

func TestHealthReadinessAndMetricsEndpoints(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	h.Deliver("ping", h.GitHub.Webhook("ping", "", nil))
	if code, _ := h.Get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := h.Get("/readyz"); code != http.StatusOK || !strings.Contains(body, "ready") {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if code, body := h.GetAdmin("/metrics"); code != http.StatusOK || !strings.Contains(body, "postmortem_bot_webhook_ack_seconds") {
		t.Errorf("admin /metrics: %d, missing ack histogram", code)
	}
}

// selfReader is acknowledger, but it also asks for the app's own deliveries.
type selfReader struct{ acknowledger }

func (selfReader) Name() string                    { return "self-reader" }
func (selfReader) WantsOwn(d *event.Delivery) bool { return d.Action == "labeled" }

func TestOwnEventsGoOnlyToFeaturesThatAskForThem(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: func(env *feature.Env) ([]feature.Feature, error) {
		return []feature.Feature{acknowledger{env: env}, selfReader{acknowledger{env: env}}}, nil
	}})
	n, _ := seed(t, h.GitHub)
	own := h.GitHub.IssueWebhook("labeled", owner, repo, n, h.GitHub.BotLogin(), map[string]any{"label": map[string]any{"name": "incident"}})
	if resp := h.Deliver("issues", own); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("own event for an opted-in feature: status %d, want 202", resp.StatusCode)
	}
	h.WaitIdle()
	// acknowledger and selfReader post the same comment; only selfReader ran.
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("%d comments, want 1 (from the feature that reads its own events)", len(c))
	}
	// Both features post the same marked comment, so the comment count
	// cannot tell which ran: the stored jobs can. Exactly one job, whatever
	// its state, and it is the opted-in feature's.
	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	var handlers []string
	for _, j := range jobs {
		var args struct {
			Handler string `json:"handler"`
		}
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatalf("job %d args: %v", j.ID, err)
		}
		handlers = append(handlers, args.Handler)
	}
	if len(handlers) != 1 || handlers[0] != "self-reader" {
		t.Fatalf("jobs stored for the app's own event were for %v, want only [self-reader]", handlers)
	}
}

// slowAcknowledger takes a while before it comments, like a job in the
// middle of its GitHub calls when the server is asked to stop.
type slowAcknowledger struct {
	acknowledger
	started chan struct{}
}

func (s slowAcknowledger) Work(ctx context.Context, d *event.Delivery) error {
	close(s.started)
	time.Sleep(1500 * time.Millisecond)
	return s.acknowledger.Work(ctx, d)
}

func TestShutdownLetsRunningJobsFinish(t *testing.T) {
	started := make(chan struct{})
	h := servertest.Start(t, servertest.Options{Features: func(env *feature.Env) ([]feature.Feature, error) {
		return []feature.Feature{slowAcknowledger{acknowledger{env: env}, started}}, nil
	}})
	n, body := seed(t, h.GitHub)
	h.Deliver("issues", body)
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("job never started")
	}
	h.Stop() // returns once the server has shut down; fails the test on error
	if c := botComments(h.GitHub, n); len(c) != 1 {
		t.Fatalf("the running job did not finish during shutdown: %d comments", len(c))
	}
	// New requests are refused once the server has stopped.
	if _, err := http.Get(h.URL + "/healthz"); err == nil {
		t.Fatal("the server still answers after shutdown")
	}
}
