// Package ghclient builds the GitHub clients jobs use: installation clients
// from go-githubapp's client creator, with a bounded HTTP cache so repeated
// reads become conditional requests, and request metrics.
package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/gregjones/httpcache"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
)

// UserAgent identifies the app to GitHub.
const UserAgent = "postmortem-bot"

// cacheBytes bounds the HTTP cache shared by all installation clients.
const cacheBytes = 32 << 20

// NewCreator returns a client creator for the app described by cfg.
func NewCreator(cfg githubapp.Config, m *metrics.Metrics) (githubapp.ClientCreator, error) {
	cache := newLRU(cacheBytes)
	return githubapp.NewDefaultCachingClientCreator(cfg,
		githubapp.WithClientUserAgent(UserAgent),
		githubapp.WithClientTimeout(30*time.Second),
		githubapp.WithClientCaching(true, func() httpcache.Cache { return cache }),
		githubapp.WithClientMiddleware(countRequests(m)),
	)
}

func countRequests(m *metrics.Metrics) githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			status := "error"
			if resp != nil {
				status = strconv.Itoa(resp.StatusCode)
			}
			if m != nil {
				m.GitHubRequests.WithLabelValues(r.Method, status).Inc()
			}
			return resp, err
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// RetryAt reports whether err is a GitHub rate-limit answer and, if so, the
// earliest time the request may be tried again (from Retry-After or
// X-RateLimit-Reset, at least a minute ahead for a secondary limit
// without a Retry-After, as GitHub advises).
func RetryAt(err error, now time.Time) (time.Time, bool) {
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		if reset := rl.Rate.Reset.Time; reset.After(now) {
			return reset.Add(time.Second), true
		}
		return now.Add(time.Minute), true
	}
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &abuse) {
		if abuse.RetryAfter != nil {
			return now.Add(*abuse.RetryAfter), true
		}
		return now.Add(time.Minute), true
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == http.StatusTooManyRequests ||
		(er.Response.StatusCode == http.StatusForbidden && er.Response.Header.Get("Retry-After") != "")) {
		if s, perr := strconv.Atoi(er.Response.Header.Get("Retry-After")); perr == nil && s >= 0 {
			return now.Add(time.Duration(s) * time.Second), true
		}
		if s, perr := strconv.ParseInt(er.Response.Header.Get("X-RateLimit-Reset"), 10, 64); perr == nil {
			if reset := time.Unix(s, 0); reset.After(now) {
				return reset.Add(time.Second), true
			}
		}
		return now.Add(time.Minute), true
	}
	return time.Time{}, false
}

// IsNotFound reports whether err is GitHub's 404.
func IsNotFound(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}

// IsStatus reports whether err is a GitHub error response with the code.
func IsStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}

// AppSlug asks GitHub for the app's slug (its bot user is "<slug>[bot]").
func AppSlug(ctx context.Context, cc githubapp.ClientCreator) (string, error) {
	client, err := cc.NewAppClient()
	if err != nil {
		return "", fmt.Errorf("app client: %w", err)
	}
	app, _, err := client.Apps.Get(ctx, "")
	if err != nil {
		return "", fmt.Errorf("GET /app: %w", err)
	}
	return app.GetSlug(), nil
}
