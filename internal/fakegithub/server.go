package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is a stateful, in-memory GitHub REST API for one test.
type Server struct {
	t    testing.TB
	spec *apiSpec
	http *httptest.Server

	mu     sync.Mutex
	clock  func() time.Time
	nextID int64

	appID   int64
	appSlug string
	appKey  *rsa.PrivateKey

	installations map[int64]*installation
	tokens        map[string]*installToken
	repos         map[string]*repo // by lower-case "owner/name"
	users         map[string]*account
	teams         map[string]map[string]bool // org -> team slug

	requests     []Request
	faults       []*fault
	holds        []*hold // delay.go
	contentLimit *contentLimit
	rateUsed     int

	checkResponses bool
	manifests      manifestState // manifests.go
}

// Option configures a Server in New.
type Option func(*Server)

// WithAppID sets the GitHub App id (default 4242).
func WithAppID(id int64) Option { return func(s *Server) { s.appID = id } }

// WithAppSlug sets the App slug (default "postmortem-bot"); the bot user is "<slug>[bot]".
func WithAppSlug(slug string) Option { return func(s *Server) { s.appSlug = slug } }

// WithClock sets the clock used for every timestamp the fake writes.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// New starts a fake GitHub that is closed when the test ends. Every request
// is checked against GitHub's OpenAPI description; a request GitHub would
// reject fails t.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	spec, err := githubSpec()
	if err != nil {
		t.Fatalf("fakegithub: %v", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("fakegithub: generate app key: %v", err)
	}
	s := &Server{
		t:             t,
		spec:          spec,
		clock:         func() time.Time { return time.Now().UTC().Truncate(time.Second) },
		nextID:        1000,
		appID:         4242,
		appSlug:       "postmortem-bot",
		appKey:        key,
		installations: map[int64]*installation{},
		tokens:        map[string]*installToken{},
		repos:         map[string]*repo{},
		users:         map[string]*account{},
		teams:         map[string]map[string]bool{},
	}
	for _, opt := range opts {
		opt(s)
	}
	// Assign before serving: handlers read s.http (URL) from their goroutines.
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.http.Start()
	t.Cleanup(s.http.Close)
	return s
}

// URL is the API root, like https://api.github.com (no trailing slash).
// Point go-github's BaseURL at URL()+"/".
func (s *Server) URL() string { return s.http.URL }

// Client returns an HTTP client for the fake's listener.
func (s *Server) Client() *http.Client { return s.http.Client() }

// AppID is the id of the GitHub App the fake knows.
func (s *Server) AppID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appID
}

// AppSlug is the App's slug; the App acts on GitHub as "<slug>[bot]".
func (s *Server) AppSlug() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appSlug
}

// BotLogin is the login the App's installation tokens act as.
func (s *Server) BotLogin() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botLoginLocked()
}

// The App can change (manifests.go), so its identity is read under s.mu.
func (s *Server) botLoginLocked() string { return s.appSlug + "[bot]" }

// PrivateKeyPEM is the App's private key in PKCS#1 PEM, as GitHub hands it out.
func (s *Server) PrivateKeyPEM() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.PrivateKeyPEMLocked()
}

// PrivateKeyPEMLocked is PrivateKeyPEM for callers holding the fake's lock.
func (s *Server) PrivateKeyPEMLocked() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(s.appKey)})
}

// SetClock replaces the clock used for every timestamp the fake writes.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

func (s *Server) now() time.Time { return s.clock().UTC() }

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}
