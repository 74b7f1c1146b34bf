package fakegithub_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func onIssues(method, path string) bool { return strings.Contains(path, "/issues") }

func onRepos(method, path string) bool { return strings.HasPrefix(path, "/repos/") }

func TestPrimaryRateLimitGivesRateLimitErrorWithReset(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	gh := seeded(t, fakegithub.WithClock(func() time.Time { return now }))
	gh.RateLimitNext(fakegithub.PrimaryRateLimit, 15*time.Minute, onIssues)
	c := installationClient(t, gh, installationID)

	_, _, err := c.Issues.ListByRepo(ctx(t), owner, repoName, nil)
	var rl *github.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("error = %v (%T), want *github.RateLimitError", err, err)
	}
	if !rl.Rate.Reset.Time.Equal(now.Add(15*time.Minute)) || rl.Rate.Remaining != 0 {
		t.Errorf("rate = %+v, want remaining 0 and reset at %v", rl.Rate, now.Add(15*time.Minute))
	}
	if !strings.Contains(rl.Message, "API rate limit exceeded") {
		t.Errorf("message = %q", rl.Message)
	}
}

func TestSecondaryRateLimitGivesAbuseErrorWithRetryAfter(t *testing.T) {
	gh := seeded(t)
	gh.RateLimitNext(fakegithub.SecondaryRateLimit, 90*time.Second, onRepos)
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	_, _, err := c.Repositories.Get(cx, owner, repoName)
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) {
		t.Fatalf("error = %v (%T), want *github.AbuseRateLimitError", err, err)
	}
	if abuse.RetryAfter == nil || *abuse.RetryAfter != 90*time.Second {
		t.Errorf("RetryAfter = %v, want 90s", abuse.RetryAfter)
	}
	// go-github now refuses locally until Retry-After passes; a fresh client
	// shows the fake itself answers again.
	fresh := installationClient(t, gh, installationID)
	if _, _, err := fresh.Repositories.Get(cx, owner, repoName); err != nil {
		t.Errorf("the injected limit outlived one request: %v", err)
	}
}

func TestTooManyRequestsAnswers429WithRetryAfter(t *testing.T) {
	gh := seeded(t)
	gh.RateLimitNext(fakegithub.TooManyRequests, 5*time.Second, onRepos)
	c := installationClient(t, gh, installationID)

	_, resp, err := c.Repositories.Get(ctx(t), owner, repoName)
	mustStatus(t, err, http.StatusTooManyRequests)
	if resp.Header.Get("Retry-After") != "5" {
		t.Errorf("Retry-After = %q, want 5", resp.Header.Get("Retry-After"))
	}
}

func TestFailNextAnswersABurstThenRecovers(t *testing.T) {
	gh := seeded(t)
	gh.FailNext(2, http.StatusBadGateway, func(method, path string) bool { return method == "GET" })
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	for k := 0; k < 2; k++ {
		_, _, err := c.Repositories.Get(cx, owner, repoName)
		mustStatus(t, err, http.StatusBadGateway)
	}
	if _, _, err := c.Repositories.Get(cx, owner, repoName); err != nil {
		t.Errorf("third request: %v", err)
	}
	if n := gh.CountRequests("GET", "/repos/acme/payments"); n != 3 {
		t.Errorf("CountRequests = %d, want 3", n)
	}
}

func TestContentCreationLimitAnswersSecondaryLimitUntilTheWindowPasses(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	gh := seeded(t)
	gh.SetClock(func() time.Time { return now })
	gh.LimitContentCreation(2, time.Minute)
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "incident"})
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	comment := &github.IssueComment{Body: github.String("reminder")}
	for k := 0; k < 2; k++ {
		if _, _, err := c.Issues.CreateComment(cx, owner, repoName, n, comment); err != nil {
			t.Fatalf("comment %d: %v", k, err)
		}
		now = now.Add(10 * time.Second)
	}
	_, _, err := c.Issues.CreateComment(cx, owner, repoName, n, comment)
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.RetryAfter == nil || *abuse.RetryAfter != 40*time.Second {
		t.Fatalf("third comment: %v, want AbuseRateLimitError retrying after 40s", err)
	}
	// go-github now waits locally; a fresh client talks to the fake directly.
	c = installationClient(t, gh, installationID)
	// Reads are not content creation.
	if _, _, err := c.Issues.Get(cx, owner, repoName, n); err != nil {
		t.Errorf("read during the limit: %v", err)
	}
	_, _, err = c.Issues.CreateComment(cx, owner, repoName, n, comment)
	if !errors.As(err, &abuse) {
		t.Errorf("fourth comment inside the window: %v, want AbuseRateLimitError", err)
	}
	c = installationClient(t, gh, installationID)
	now = now.Add(41 * time.Second)
	if _, _, err := c.Issues.CreateComment(cx, owner, repoName, n, comment); err != nil {
		t.Errorf("after the window: %v", err)
	}
	if got := len(gh.Comments(owner, repoName, n)); got != 3 {
		t.Errorf("comments held = %d, want 3", got)
	}
}

func TestETagAnswers304AndIsRecorded(t *testing.T) {
	gh := seeded(t)
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	_, resp, err := c.Repositories.Get(cx, owner, repoName)
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("X-RateLimit-Limit") != "5000" || resp.Header.Get("X-RateLimit-Remaining") == "" {
		t.Fatalf("headers = %v", resp.Header)
	}
	req, _ := c.NewRequest("GET", "repos/acme/payments", nil)
	req.Header.Set("If-None-Match", etag)
	_, err = c.Do(cx, req, nil)
	mustStatus(t, err, http.StatusNotModified)

	gh.CommitFile(owner, repoName, "main", "x", []byte("x"), "x")
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "a"})
	_, resp, err = c.Issues.Get(cx, owner, repoName, n)
	if err != nil {
		t.Fatal(err)
	}
	gh.Comment(owner, repoName, n, "bob", "changed")
	req, _ = c.NewRequest("GET", "repos/acme/payments/issues/1", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if _, err := c.Do(cx, req, nil); err != nil {
		t.Errorf("a changed issue answered %v, want 200", err)
	}

	var conditional, notModified int
	for _, r := range gh.Requests() {
		if r.Conditional {
			conditional++
		}
		if r.NotModified() {
			notModified++
		}
	}
	if conditional != 2 || notModified != 1 {
		t.Errorf("recorded %d conditional and %d not-modified requests, want 2 and 1", conditional, notModified)
	}
}
