// Package servertest runs the real postmortem-bot server over HTTP against a
// fake GitHub, for integration tests: deliver signed webhooks, wait for the
// jobs they cause, then assert on what the fake GitHub holds.
package servertest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/clock"
	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/server"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

// Secret is the webhook secret every harness uses.
const Secret = "servertest-webhook-secret"

// Options shape one harness. The zero value runs every product feature on a
// fresh database against a fresh fake GitHub.
type Options struct {
	// GitHub reuses a fake GitHub (to restart a server against the same one).
	GitHub *fakegithub.Server
	// DatabaseURL reuses a database (to restart a server on it).
	DatabaseURL string
	// Clock drives the app's notion of now; nil makes a fake clock at
	// 2026-03-04 12:00 UTC.
	Clock    *clock.Fake
	Features func(env *feature.Env) ([]feature.Feature, error)
	NoJobs   bool
	// MaxAttempts overrides how often a failing job runs (default 12).
	MaxAttempts int
	// JobTimeout shortens how long a job may run (default queue.JobTimeout).
	JobTimeout time.Duration
	// Edit changes the server's config before it starts.
	Edit func(c *config.Config)
}

// Harness is a running server wired to a fake GitHub.
type Harness struct {
	T      testing.TB
	GitHub *fakegithub.Server
	Server *server.Server
	URL    string
	// AdminURL is the admin listener (metrics, readiness detail).
	AdminURL    string
	DatabaseURL string
	Clock       *clock.Fake

	cancel  context.CancelFunc
	done    chan error
	stopped atomic.Bool
	opts    Options
}

// Start runs a server and stops it when the test ends.
func Start(t testing.TB, o Options) *Harness {
	t.Helper()
	if o.GitHub == nil {
		o.GitHub = fakegithub.New(t)
	}
	if o.DatabaseURL == "" {
		o.DatabaseURL = storetest.URL(t)
	}
	if o.Clock == nil {
		o.Clock = clock.NewFake(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	}
	cfg := config.Config{
		ListenAddr:      "127.0.0.1:0",
		AdminListenAddr: "127.0.0.1:0",
		DatabaseURL:     o.DatabaseURL,
		LogFormat:       "json",
		LogLevel:        "debug",
		Workers:         4,
		ShutdownTimeout: 10 * time.Second,
	}
	cfg.GitHub.WebURL = "https://github.com"
	cfg.GitHub.V3APIURL = o.GitHub.URL() + "/"
	cfg.GitHub.V4APIURL = o.GitHub.URL() + "/graphql"
	cfg.GitHub.App.IntegrationID = o.GitHub.AppID()
	cfg.GitHub.App.WebhookSecret = Secret
	cfg.GitHub.App.PrivateKey = string(o.GitHub.PrivateKeyPEM())
	if o.Edit != nil {
		o.Edit(&cfg)
	}
	var logOut io.Writer = io.Discard
	if os.Getenv("SERVERTEST_LOG") != "" {
		logOut = zerolog.ConsoleWriter{Out: os.Stderr}
	}
	logger := zerolog.New(logOut).With().Timestamp().Str("test", t.Name()).Logger()

	ctx := context.Background()
	srv, err := server.New(ctx, server.Options{
		Config: cfg, Logger: logger, Clock: o.Clock, Features: o.Features, NoJobs: o.NoJobs,
		RetryBase: 50 * time.Millisecond, MaxAttempts: o.MaxAttempts, PollInterval: 100 * time.Millisecond,
		JobTimeout: o.JobTimeout,
	})
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	h := &Harness{
		T: t, GitHub: o.GitHub, Server: srv, URL: "http://" + ln.Addr().String(),
		DatabaseURL: o.DatabaseURL, Clock: o.Clock, cancel: cancel, done: make(chan error, 1), opts: o,
	}
	go func() { h.done <- srv.Serve(runCtx, ln) }()
	t.Cleanup(h.Stop)
	// The server asks GitHub for the app's slug as it starts; wait for that
	// so tests that count GitHub requests see only their own.
	deadline := time.Now().Add(10 * time.Second)
	for (srv.BotLogin() == "" || (cfg.AdminListenAddr != "" && srv.AdminAddr() == "")) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if a := srv.AdminAddr(); a != "" {
		h.AdminURL = "http://" + a
	}
	return h
}

// Stop shuts the server down gracefully (idempotent).
func (h *Harness) Stop() {
	if h.stopped.Swap(true) {
		return
	}
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.T.Errorf("server stopped with error: %v", err)
		}
	case <-time.After(30 * time.Second):
		h.T.Errorf("server did not stop within 30s")
	}
}

// Restart stops this server and starts another on the same database and
// fake GitHub; edit may change its options (nil keeps them).
func (h *Harness) Restart(edit func(o *Options)) *Harness {
	h.Stop()
	o := h.opts
	o.GitHub, o.DatabaseURL, o.Clock = h.GitHub, h.DatabaseURL, h.Clock
	o.NoJobs = false
	if edit != nil {
		edit(&o)
	}
	return Start(h.T, o)
}

// NewDeliveryID returns a random GitHub-style delivery id.
func NewDeliveryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

// Sign returns the X-Hub-Signature-256 value for body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliver sends a signed webhook with a new delivery id.
func (h *Harness) Deliver(eventType string, body []byte) *http.Response {
	return h.DeliverAs(eventType, NewDeliveryID(), body)
}

// DeliverAs sends a signed webhook with the given delivery id and returns
// the response with its body read into memory.
func (h *Harness) DeliverAs(eventType, deliveryID string, body []byte) *http.Response {
	h.T.Helper()
	return h.Post(eventType, deliveryID, body, Sign(Secret, body))
}

// Post sends a webhook with an explicit signature header ("" for none).
func (h *Harness) Post(eventType, deliveryID string, body []byte, signature string) *http.Response {
	h.T.Helper()
	req, err := http.NewRequest(http.MethodPost, h.URL+server.WebhookPath, bytes.NewReader(body))
	if err != nil {
		h.T.Fatalf("build webhook request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", eventType)
	req.Header.Set("X-GitHub-Delivery", deliveryID)
	req.Header.Set("User-Agent", "GitHub-Hookshot/servertest")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatalf("deliver %s: %v", eventType, err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp
}

// Get fetches a path on the server.
func (h *Harness) Get(path string) (int, string) {
	h.T.Helper()
	resp, err := http.Get(h.URL + path)
	if err != nil {
		h.T.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// WaitIdle waits until no job is queued, running or due to retry soon.
func (h *Harness) WaitIdle() {
	h.T.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		jobs, err := h.Server.UnfinishedJobs(context.Background())
		if err != nil {
			h.T.Fatalf("list jobs: %v", err)
		}
		if len(jobs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			var kinds []string
			for _, j := range jobs {
				kinds = append(kinds, fmt.Sprintf("%s#%d(%s, attempt %d, errors %d)", j.Kind, j.ID, j.State, j.Attempt, len(j.Errors)))
			}
			h.T.Fatalf("jobs still unfinished after 60s: %s", strings.Join(kinds, ", "))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// GetAdmin fetches a path on the server's admin listener.
func (h *Harness) GetAdmin(path string) (int, string) {
	h.T.Helper()
	if h.AdminURL == "" {
		h.T.Fatalf("GET %s: the server has no admin listener", path)
	}
	resp, err := http.Get(h.AdminURL + path)
	if err != nil {
		h.T.Fatalf("GET admin %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// Metric returns the text of /metrics lines (from the admin listener)
// starting with name.
func (h *Harness) Metric(name string) []string {
	_, body := h.GetAdmin("/metrics")
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, name) {
			out = append(out, line)
		}
	}
	return out
}
