package chaostest

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
)

// githubGate stands between one server's life and the fake GitHub, so that
// a crash can cut the server off at once: once dead, it forwards nothing,
// and an answer that comes back after the crash is lost (GitHub applied the
// request; the dead process never learns it).
type githubGate struct {
	srv   *httptest.Server
	proxy *httputil.ReverseProxy
	dead  atomic.Bool

	mu sync.Mutex
	// crashOn, when set, crashes the server while the countdown-th request
	// it matches is in flight: after GitHub applied it, before the answer.
	crashOn   func(method, path string) bool
	countdown int
	crash     func()
}

func newGitHubGate(upstream string, transport http.RoundTripper) (*githubGate, error) {
	u, err := url.Parse(upstream)
	if err != nil {
		return nil, err
	}
	g := &githubGate{proxy: httputil.NewSingleHostReverseProxy(u)}
	g.proxy.Transport = transport
	g.proxy.ErrorLog = log.New(io.Discard, "", 0)
	g.srv = httptest.NewServer(g)
	return g, nil
}

// URL is the API root the server is configured with.
func (g *githubGate) URL() string { return g.srv.URL }

// crashDuring arms a crash on the n-th request matching match.
func (g *githubGate) crashDuring(n int, match func(method, path string) bool, crash func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.crashOn, g.countdown, g.crash = match, n, crash
}

// die cuts the server off GitHub.
func (g *githubGate) die() { g.dead.Store(true) }

func (g *githubGate) close() {
	g.die()
	g.srv.CloseClientConnections()
	g.srv.Close()
}

func (g *githubGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.dead.Load() {
		panic(http.ErrAbortHandler) // a dead process sends nothing
	}
	var crash func()
	g.mu.Lock()
	if g.crashOn != nil && g.crashOn(r.Method, r.URL.Path) {
		if g.countdown--; g.countdown <= 0 {
			crash, g.crashOn = g.crash, nil
		}
	}
	g.mu.Unlock()
	rec := httptest.NewRecorder()
	g.proxy.ServeHTTP(rec, r)
	if crash != nil {
		crash()
	}
	if g.dead.Load() {
		panic(http.ErrAbortHandler) // the answer is lost with the process
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = io.Copy(w, bytes.NewReader(rec.Body.Bytes()))
}

// databaseGate is a TCP proxy to PostgreSQL for one server's life: killing
// it drops every connection at once, as the database sees a dead process.
type databaseGate struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	conns  map[net.Conn]bool
	killed bool
}

func newDatabaseGate(target string) (*databaseGate, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &databaseGate{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go d.serve()
	return d, nil
}

func (d *databaseGate) addr() string { return d.ln.Addr().String() }

func (d *databaseGate) serve() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", d.target)
		if err != nil {
			c.Close()
			continue
		}
		if !d.track(c, up) {
			continue
		}
		go d.pipe(c, up)
		go d.pipe(up, c)
	}
}

func (d *databaseGate) track(conns ...net.Conn) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.killed {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		d.conns[c] = true
	}
	return true
}

func (d *databaseGate) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

func (d *databaseGate) kill() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.killed = true
	d.ln.Close()
	for c := range d.conns {
		c.Close()
	}
}
