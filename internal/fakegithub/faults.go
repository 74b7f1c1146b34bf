package fakegithub

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	rateLimit  = 5000
	rateWindow = time.Hour

	primaryRateLimitDocs   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	secondaryRateLimitDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	secondaryRateLimitMsg  = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID."
)

// Request is one request the fake received.
type Request struct {
	Method      string
	Path        string // unescaped URL path
	Query       string // raw query string
	Body        string
	Operation   string // GitHub operation id, e.g. "issues/create"; empty if unknown
	Status      int
	Conditional bool   // carried If-None-Match
	Accept      string // the Accept header (raw media types, say)
	At          time.Time
}

// NotModified reports whether the request was answered 304 from its ETag.
func (r Request) NotModified() bool { return r.Status == http.StatusNotModified }

// Requests returns every request received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// CountRequests counts requests with the method ("" for any) whose path
// starts with pathPrefix.
func (s *Server) CountRequests(method, pathPrefix string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || strings.EqualFold(method, r.Method)) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// RateLimitKind selects which of GitHub's rate-limit answers to inject.
type RateLimitKind int

const (
	// PrimaryRateLimit is 403 with X-RateLimit-Remaining: 0 and the reset time.
	PrimaryRateLimit RateLimitKind = iota + 1
	// SecondaryRateLimit is 403 with Retry-After and the secondary-limit message.
	SecondaryRateLimit
	// TooManyRequests is 429 with Retry-After, as GitHub sends for some secondary limits.
	TooManyRequests
)

// fault is an injected answer for the next matching requests.
type fault struct {
	remaining int
	match     func(method, path string) bool
	answer    func(s *Server) *apiError
}

// FailNext answers the next n requests that match with status. A nil match
// matches every request, the token exchange at /app/... included.
func (s *Server) FailNext(n int, status int, match func(method, path string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{remaining: n, match: match, answer: func(*Server) *apiError {
		return &apiError{status: status, message: http.StatusText(status)}
	}})
}

// RateLimitNext answers the next matching request (nil matches all) with a
// rate-limit error. wait is how long until the limit resets (primary) or the
// Retry-After (secondary, 429), measured on the fake's clock.
func (s *Server) RateLimitNext(kind RateLimitKind, wait time.Duration, match func(method, path string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{remaining: 1, match: match, answer: func(s *Server) *apiError {
		return rateLimitError(kind, s.now(), wait)
	}})
}

func rateLimitError(kind RateLimitKind, now time.Time, wait time.Duration) *apiError {
	retryAfter := strconv.Itoa(int(math.Ceil(wait.Seconds())))
	h := http.Header{}
	switch kind {
	case PrimaryRateLimit:
		h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", strconv.Itoa(rateLimit))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(wait).Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		return &apiError{status: http.StatusForbidden, header: h, docURL: primaryRateLimitDocs,
			message: "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID."}
	case TooManyRequests:
		h.Set("Retry-After", retryAfter)
		return &apiError{status: http.StatusTooManyRequests, header: h, docURL: secondaryRateLimitDocs, message: secondaryRateLimitMsg}
	default:
		h.Set("Retry-After", retryAfter)
		return &apiError{status: http.StatusForbidden, header: h, docURL: secondaryRateLimitDocs, message: secondaryRateLimitMsg}
	}
}

// takeFault pops the first injected fault matching the request. Caller holds s.mu.
func (s *Server) takeFault(method, path string) *apiError {
	for i, f := range s.faults {
		if f.match != nil && !f.match(method, path) {
			continue
		}
		f.remaining--
		if f.remaining <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f.answer(s)
	}
	return nil
}

// contentCreating lists operations GitHub counts toward its content-creation
// secondary limit.
var contentCreating = map[string]bool{
	"issues/create":         true,
	"issues/create-comment": true,
	"pulls/create":          true,
}

type contentLimit struct {
	max    int
	window time.Duration
	recent []time.Time
}

// LimitContentCreation makes the fake answer GitHub's secondary-rate-limit
// 403 with Retry-After once more than max issues, comments or pull requests
// are created within window (on the fake's clock).
func (s *Server) LimitContentCreation(max int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contentLimit = &contentLimit{max: max, window: window}
}

// checkContentCreation is called with s.mu held.
func (s *Server) checkContentCreation(opID string) error {
	l := s.contentLimit
	if l == nil || !contentCreating[opID] {
		return nil
	}
	now := s.now()
	kept := l.recent[:0]
	for _, at := range l.recent {
		if now.Sub(at) < l.window {
			kept = append(kept, at)
		}
	}
	l.recent = kept
	if len(l.recent) >= l.max {
		wait := l.recent[0].Add(l.window).Sub(now)
		if wait < time.Second {
			wait = time.Second
		}
		return rateLimitError(SecondaryRateLimit, now, wait)
	}
	l.recent = append(l.recent, now)
	return nil
}
