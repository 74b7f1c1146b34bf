package fakegithub_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestDelayedRequestWaitsWhileOthersAreAnswered(t *testing.T) {
	gh := seeded(t)
	c := installationClient(t, gh, installationID)
	cx := ctx(t)
	// Exchange the token first so the delayed request is the issue creation alone.
	if _, _, err := c.Repositories.Get(cx, owner, repoName); err != nil {
		t.Fatal(err)
	}
	const delay = time.Second
	gh.DelayNext(1, delay, func(method, path string) bool {
		return method == http.MethodPost && strings.HasSuffix(path, "/issues")
	})

	start := time.Now()
	done := make(chan time.Duration, 1)
	go func() {
		_, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("slow")})
		if err != nil {
			t.Errorf("delayed create: %v", err)
		}
		done <- time.Since(start)
	}()
	time.Sleep(100 * time.Millisecond)
	if _, _, err := c.Repositories.Get(cx, owner, repoName); err != nil {
		t.Fatalf("a request during the delay: %v", err)
	}
	if other := time.Since(start); other >= delay {
		t.Errorf("a request during the delay was answered after %v: the fake held its lock while waiting", other)
	}
	if n := len(gh.Issues(owner, repoName)); n != 0 {
		t.Errorf("the held request took effect before its delay passed: %d issues", n)
	}
	if took := <-done; took < delay {
		t.Errorf("the delayed request was answered after %v, want at least %v", took, delay)
	}
	if n := len(gh.Issues(owner, repoName)); n != 1 {
		t.Errorf("issues after the delay = %d, want 1", n)
	}

	// Only n requests are held.
	again := time.Now()
	if _, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("fast")}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(again); took >= delay {
		t.Errorf("the request after the delayed one took %v", took)
	}
}

func TestLostResponseTakesEffectButAnswersTheError(t *testing.T) {
	gh := seeded(t)
	c := installationClient(t, gh, installationID)
	cx := ctx(t)
	gh.LoseNextResponse(1, http.StatusBadGateway, func(method, path string) bool {
		return method == http.MethodPost && strings.HasSuffix(path, "/issues")
	})
	_, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("created anyway")})
	mustStatus(t, err, http.StatusBadGateway)
	issues := gh.Issues(owner, repoName)
	if len(issues) != 1 || issues[0].Title != "created anyway" {
		t.Fatalf("issues = %+v, want the one whose answer was lost", issues)
	}
	if _, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("second")}); err != nil {
		t.Errorf("the loss outlived one request: %v", err)
	}
}
