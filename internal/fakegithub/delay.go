package fakegithub

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// hold is an injected slowness or loss for the next matching requests.
type hold struct {
	remaining int
	match     func(method, path string) bool
	delay     time.Duration // wait this long before answering
	lose      int           // apply the request, then answer this status instead
}

// DelayNext holds the next n requests that match (nil matches all) for d
// before the fake looks at them, as a slow GitHub would. Other requests are
// answered meanwhile: the fake's lock is not held while a request waits.
func (s *Server) DelayNext(n int, d time.Duration, match func(method, path string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, &hold{remaining: n, match: match, delay: d})
}

// LoseNextResponse lets the next n matching requests (nil matches all) take
// effect and then answers them with status, as when GitHub completes a
// request but the client sees a gateway timeout: the caller cannot tell
// whether anything was created.
func (s *Server) LoseNextResponse(n int, status int, match func(method, path string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, &hold{remaining: n, match: match, lose: status})
}

// takeHold pops the first hold of the wanted kind matching the request.
// Caller holds s.mu.
func (s *Server) takeHold(method, path string, wanted func(h *hold) bool) *hold {
	for i, h := range s.holds {
		if !wanted(h) || (h.match != nil && !h.match(method, path)) {
			continue
		}
		h.remaining--
		if h.remaining <= 0 {
			s.holds = append(s.holds[:i], s.holds[i+1:]...)
		}
		return h
	}
	return nil
}

// waitIfDelayed sleeps for an injected delay, without the lock, until the
// delay passes or the client gives up.
func (s *Server) waitIfDelayed(r *http.Request) {
	s.mu.Lock()
	h := s.takeHold(r.Method, r.URL.Path, func(h *hold) bool { return h.delay > 0 })
	s.mu.Unlock()
	if h == nil {
		return
	}
	waitFor(r.Context(), h.delay)
}

func waitFor(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// lostResponse is the error to answer a request that already took effect,
// or nil to answer it normally.
func (s *Server) lostResponse(r *http.Request) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.takeHold(r.Method, r.URL.Path, func(h *hold) bool { return h.lose != 0 })
	if h == nil {
		return nil
	}
	return &apiError{status: h.lose, message: fmt.Sprintf("%s (the request was carried out)", http.StatusText(h.lose))}
}
