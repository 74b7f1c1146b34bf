package fakegithub

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const docsURL = "https://docs.github.com/rest"

// apiError is an error answer in GitHub's shape.
type apiError struct {
	status  int
	message string
	errors  []map[string]any
	header  http.Header
	docURL  string // documentation_url; docsURL when empty
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

func notFound() *apiError { return &apiError{status: http.StatusNotFound, message: "Not Found"} }

// unprocessable is GitHub's 422 "Validation Failed" with one error entry.
func unprocessable(resource, field, code, message string) *apiError {
	entry := map[string]any{"resource": resource, "field": field, "code": code}
	if message != "" {
		entry["message"] = message
	}
	return &apiError{status: http.StatusUnprocessableEntity, message: "Validation Failed", errors: []map[string]any{entry}}
}

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// reply is a successful answer; body is JSON-encoded unless nil.
type reply struct {
	status int
	body   any
	// raw, when set, is sent as is (a raw media type) instead of body.
	raw []byte
}

func ok(body any) reply      { return reply{status: http.StatusOK, body: body} }
func created(body any) reply { return reply{status: http.StatusCreated, body: body} }
func noContent() reply       { return reply{status: http.StatusNoContent} }

// call is one request being answered.
type call struct {
	s      *Server
	r      *http.Request
	op     *operation
	body   []byte
	header http.Header // extra response headers (Link)
	actor  string      // login the request acts as
	token  *installToken
}

func (c *call) param(name string) string { return c.op.pathParams[name] }

func (c *call) intParam(name string) (int64, error) {
	n, err := strconv.ParseInt(c.param(name), 10, 64)
	if err != nil {
		return 0, notFound()
	}
	return n, nil
}

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// decode reads the JSON body; the spec check has already run, so a failure
// here is a body the description allows but the fake cannot represent.
func (c *call) decode(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf(http.StatusBadRequest, "Problems parsing JSON")
	}
	return nil
}

// has reports whether the JSON body sets the top-level field (even to null).
func (c *call) has(field string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(c.body, &m) != nil {
		return false
	}
	_, ok := m[field]
	return ok
}

type handlerFunc func(c *call) (reply, error)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	raw, _ := io.ReadAll(r.Body)
	body := normalizeBody(raw)

	s.mu.Lock()
	index := len(s.requests)
	s.requests = append(s.requests, Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		Query:       r.URL.RawQuery,
		Body:        string(raw),
		Conditional: r.Header.Get("If-None-Match") != "",
		Accept:      r.Header.Get("Accept"),
		At:          s.now(),
	})
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.requests[index].Status = rec.status
		s.mu.Unlock()
	}()

	op, err := s.spec.match(r.Method, r.URL.EscapedPath())
	if err != nil {
		s.t.Errorf("fakegithub: %s %s: %v", r.Method, r.URL.RequestURI(), err)
		s.writeError(rec, notFound())
		return
	}
	s.mu.Lock()
	s.requests[index].Operation = op.id
	injected := s.takeFault(r.Method, r.URL.Path)
	s.mu.Unlock()
	if injected != nil {
		s.writeError(rec, injected)
		return
	}
	s.waitIfDelayed(r)

	if len(body) > 0 && !json.Valid(body) {
		s.t.Errorf("fakegithub: %s %s: body is not JSON: %q", r.Method, r.URL.RequestURI(), truncate(string(raw), 200))
		s.writeError(rec, errorf(http.StatusBadRequest, "Problems parsing JSON"))
		return
	}
	if err := s.spec.validate(r.Context(), r, op, body); err != nil {
		s.t.Errorf("fakegithub: request GitHub would reject: %v", err)
		s.writeError(rec, &apiError{status: http.StatusUnprocessableEntity, message: "Invalid request.\n\n" + err.Error()})
		return
	}

	c := &call{s: s, r: r, op: op, body: body, header: http.Header{}}
	s.mu.Lock()
	res, err := s.dispatch(c)
	s.mu.Unlock()
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		s.writeError(rec, apiErr)
		return
	}
	if err != nil {
		s.t.Errorf("fakegithub: %s %s: internal error: %v", r.Method, r.URL.RequestURI(), err)
		s.writeError(rec, errorf(http.StatusInternalServerError, "fake GitHub failed: %v", err))
		return
	}
	if lost := s.lostResponse(r); lost != nil {
		s.writeError(rec, lost)
		return
	}
	if exerciseHook != nil {
		exerciseHook(op.id)
	}
	s.writeReply(rec, r, c, res)
}

// exerciseHook lets the package's own tests see which operations succeeded.
var exerciseHook func(operationID string)

func (s *Server) dispatch(c *call) (reply, error) {
	h, ok := handlers[c.op.id]
	if !ok {
		s.t.Errorf("fakegithub: %s %s is in GitHub's description but the fake does not implement %s", c.op.method, c.r.URL.Path, c.op.id)
		return reply{}, notFound()
	}
	if err := s.authenticate(c); err != nil {
		return reply{}, err
	}
	if err := checkBodyLength(c); err != nil {
		return reply{}, err
	}
	if err := s.checkContentCreation(c.op.id); err != nil {
		return reply{}, err
	}
	return h(c)
}

func (s *Server) writeReply(w *recorder, r *http.Request, c *call, res reply) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	s.rateHeaders(w.Header())
	if res.raw != nil {
		w.Header().Set("Content-Type", "application/vnd.github.raw; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(res.raw)))
		w.WriteHeader(res.status)
		_, _ = w.Write(res.raw)
		return
	}
	if res.body == nil {
		w.WriteHeader(res.status)
		return
	}
	payload, err := json.Marshal(res.body)
	if err != nil {
		s.t.Errorf("fakegithub: encode response: %v", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodGet && res.status == http.StatusOK {
		sum := sha256.Sum256(payload)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", etag)
		// GitHub's caching headers: clients that cache must revalidate after 60s.
		w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
		w.Header().Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		if matchesETag(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(res.status)
	_, _ = w.Write(payload)
	if s.checkResponses {
		s.checkResponse(r, c.op, res.status, w.Header(), payload)
	}
}

func matchesETag(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

func (s *Server) writeError(w *recorder, e *apiError) {
	for k, v := range e.header {
		w.Header()[k] = v
	}
	if w.Header().Get("X-RateLimit-Limit") == "" {
		s.rateHeaders(w.Header())
	}
	doc := e.docURL
	if doc == "" {
		doc = docsURL
	}
	out := map[string]any{"message": e.message, "documentation_url": doc}
	if e.errors != nil {
		out["errors"] = e.errors
	}
	payload, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	_, _ = w.Write(payload)
}

func (s *Server) rateHeaders(h http.Header) {
	s.mu.Lock()
	s.rateUsed++
	used := s.rateUsed
	reset := s.now().Add(rateWindow).Unix()
	s.mu.Unlock()
	remaining := rateLimit - used%rateLimit
	h.Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(rateLimit-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	h.Set("X-RateLimit-Resource", "core")
}

// recorder remembers the status written, for Requests().
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
