package fakegithub_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

const (
	owner          = "acme"
	repoName       = "payments"
	installationID = int64(77)
)

// recordingTB captures Errorf calls so tests can assert the fake reported a
// bad request, without failing the surrounding test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recordingTB) reported() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// seeded starts a fake with the App installed on acme and acme/payments.
func seeded(t testing.TB, opts ...fakegithub.Option) *fakegithub.Server {
	gh := fakegithub.New(t, append([]fakegithub.Option{fakegithub.WithResponseCheck()}, opts...)...)
	gh.AddInstallation(installationID, owner)
	gh.AddRepo(owner, repoName)
	return gh
}

// installationClient is a go-github client authenticated the way the bot
// is: ghinstallation exchanges a JWT for an installation token.
func installationClient(t testing.TB, gh *fakegithub.Server, id int64) *github.Client {
	t.Helper()
	tr, err := ghinstallation.New(http.DefaultTransport, gh.AppID(), id, gh.PrivateKeyPEM())
	if err != nil {
		t.Fatalf("ghinstallation: %v", err)
	}
	tr.BaseURL = gh.URL()
	return clientFor(t, gh, &http.Client{Transport: tr})
}

func clientFor(t testing.TB, gh *fakegithub.Server, hc *http.Client) *github.Client {
	t.Helper()
	c := github.NewClient(hc)
	base, err := url.Parse(gh.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = base
	return c
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustStatus(t testing.TB, err error, want int) *github.ErrorResponse {
	t.Helper()
	er, ok := err.(*github.ErrorResponse)
	if !ok {
		t.Fatalf("error = %v (%T), want *github.ErrorResponse with status %d", err, err, want)
	}
	if er.Response.StatusCode != want {
		t.Fatalf("status = %d (%s), want %d", er.Response.StatusCode, er.Message, want)
	}
	return er
}

func errorMentions(er *github.ErrorResponse, text string) bool {
	if strings.Contains(er.Message, text) {
		return true
	}
	for _, e := range er.Errors {
		if strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}

// impostorClient signs its JWT with key, which need not be the App's.
func impostorClient(t testing.TB, gh *fakegithub.Server, key []byte) *github.Client {
	t.Helper()
	tr, err := ghinstallation.New(http.DefaultTransport, gh.AppID(), 1, key)
	if err != nil {
		t.Fatalf("ghinstallation: %v", err)
	}
	tr.BaseURL = gh.URL()
	return clientFor(t, gh, &http.Client{Transport: tr})
}

// appClient authenticates as the App itself, with a JWT.
func appClient(t testing.TB, gh *fakegithub.Server, key []byte) *github.Client {
	t.Helper()
	tr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, gh.AppID(), key)
	if err != nil {
		t.Fatalf("ghinstallation: %v", err)
	}
	tr.BaseURL = gh.URL()
	return clientFor(t, gh, &http.Client{Transport: tr})
}
