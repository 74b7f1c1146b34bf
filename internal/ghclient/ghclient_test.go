package ghclient

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestLRUEvictsLeastRecentlyUsedWithinBudget(t *testing.T) {
	c := newLRU(10)
	c.Set("a", []byte("aaaa"))
	c.Set("b", []byte("bbbb"))
	c.Get("a")
	c.Set("c", []byte("cccc")) // 12 bytes > 10: b goes
	if _, ok := c.Get("b"); ok {
		t.Fatal("b should have been evicted")
	}
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a was used recently and must stay")
	}
	c.Set("huge", make([]byte, 11))
	if _, ok := c.Get("huge"); ok {
		t.Fatal("an entry larger than the budget must not be kept")
	}
	c.Delete("a")
	if _, ok := c.Get("a"); ok {
		t.Fatal("deleted entry still there")
	}
}

func TestRetryAtHonoursGitHubHeaders(t *testing.T) {
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	wait := 90 * time.Second
	reset := now.Add(10 * time.Minute)
	resp := func(code int, h map[string]string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}, Request: &http.Request{Method: "GET"}}
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	cases := []struct {
		name string
		err  error
		want time.Time
		ok   bool
	}{
		{"primary", &github.RateLimitError{Rate: github.Rate{Reset: github.Timestamp{Time: reset}}, Response: resp(403, nil)}, reset.Add(time.Second), true},
		{"secondary", &github.AbuseRateLimitError{RetryAfter: &wait, Response: resp(403, nil)}, now.Add(wait), true},
		{"secondary without retry-after", &github.AbuseRateLimitError{Response: resp(403, nil)}, now.Add(time.Minute), true},
		{"429 retry-after", &github.ErrorResponse{Response: resp(429, map[string]string{"Retry-After": "7"})}, now.Add(7 * time.Second), true},
		{"429 reset", &github.ErrorResponse{Response: resp(429, map[string]string{"X-RateLimit-Reset": fmt.Sprint(reset.Unix())})}, reset.Add(time.Second), true},
		{"plain 403", &github.ErrorResponse{Response: resp(403, nil)}, time.Time{}, false},
		{"500", &github.ErrorResponse{Response: resp(500, nil)}, time.Time{}, false},
		{"wrapped", fmt.Errorf("open PR: %w", &github.AbuseRateLimitError{RetryAfter: &wait, Response: resp(403, nil)}), now.Add(wait), true},
	}
	for _, tc := range cases {
		got, ok := RetryAt(tc.err, now)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: RetryAt = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
