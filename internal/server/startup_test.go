package server_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/server"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

// serveWith runs the full server against apiURL with gh's credentials and
// returns its address and its logs.
func serveWith(t *testing.T, gh *fakegithub.Server, apiURL string) (string, *syncBuffer) {
	t.Helper()
	cfg := config.Config{ListenAddr: "127.0.0.1:0", DatabaseURL: storetest.URL(t), LogFormat: "json", LogLevel: "debug", Workers: 2, ShutdownTimeout: 10 * time.Second}
	cfg.GitHub.WebURL = "https://github.com"
	cfg.GitHub.V3APIURL = apiURL + "/"
	cfg.GitHub.V4APIURL = apiURL + "/graphql"
	cfg.GitHub.App.IntegrationID = gh.AppID()
	cfg.GitHub.App.PrivateKey = string(gh.PrivateKeyPEM())
	cfg.GitHub.App.WebhookSecret = servertest.Secret
	logs := &syncBuffer{}
	srv, err := server.New(context.Background(), server.Options{Config: cfg, Logger: zerolog.New(logs)})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), logs
}

// TestUnreachableGitHubKeepsTheServerUnreadyUntilItAnswers: a network
// outage at start does not crash-loop the deployment; readiness says why.
func TestUnreachableGitHubKeepsTheServerUnreadyUntilItAnswers(t *testing.T) {
	gh := fakegithub.New(t)
	target, _ := url.Parse(gh.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var down atomic.Bool
	down.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	addr, _ := serveWith(t, gh, front.URL)
	code, body := get(t, addr+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "GitHub not reachable") {
		t.Fatalf("readyz while GitHub is down = %d %s", code, body)
	}
	down.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if code, _ = get(t, addr+"/readyz"); code == http.StatusOK {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("readyz still %d after GitHub came back", code)
}

func TestPingIsLoggedAndWarnsAboutAnotherApp(t *testing.T) {
	gh := fakegithub.New(t)
	addr, logs := serveWith(t, gh, gh.URL())
	ping := func(appID int64) {
		body := gh.Webhook("ping", "", func(p map[string]any) {
			hook := p["hook"].(map[string]any)
			hook["type"], hook["app_id"] = "App", appID
			delete(p, "repository")
		})
		if resp := fakegithub.Deliver(t, addr+server.WebhookPath, servertest.Secret, "ping", servertest.NewDeliveryID(), body); resp.StatusCode != http.StatusOK {
			t.Fatalf("ping = %d", resp.StatusCode)
		}
	}
	ping(gh.AppID())
	ping(gh.AppID() + 1)
	var infos, warns int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var e struct {
			Level, Message string
			AppID          int64 `json:"app_id"`
			HookID         int64 `json:"hook_id"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || !strings.HasPrefix(e.Message, "ping:") {
			continue
		}
		if e.HookID == 0 {
			t.Errorf("ping line names no hook: %s", line)
		}
		switch {
		case e.Level == "info" && e.AppID == gh.AppID():
			infos++
		case e.Level == "warn" && e.AppID == gh.AppID()+1:
			warns++
		}
	}
	if infos != 1 || warns != 1 {
		t.Fatalf("want one confirmation and one warning, got %d and %d:\n%s", infos, warns, logs.String())
	}
	if strings.Contains(logs.String(), "Received webhook event") {
		t.Error("go-githubapp's per-delivery line (github_* fields) is still logged")
	}
}
