package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/server"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
	"github.com/postmortem-bot/postmortem-bot/internal/setup"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

// syncBuffer is a log sink tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// setupServer runs `serve` with no credentials against gh.
type setupServer struct {
	url     string
	dataDir string
	logs    *syncBuffer
	done    chan error
}

func startSetupMode(t *testing.T, gh *fakegithub.Server) *setupServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &setupServer{url: "http://" + ln.Addr().String(), dataDir: filepath.Join(t.TempDir(), "data"), logs: &syncBuffer{}, done: make(chan error, 1)}
	cfg := config.Config{
		ListenAddr: ln.Addr().String(), DatabaseURL: storetest.URL(t), LogFormat: "json", LogLevel: "debug",
		Workers: 2, ShutdownTimeout: 10 * time.Second, PublicURL: s.url, DataDir: s.dataDir,
	}
	cfg.GitHub.WebURL = "https://github.com"
	cfg.GitHub.V3APIURL = gh.URL() + "/"
	cfg.GitHub.V4APIURL = gh.URL() + "/graphql"
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		s.done <- server.ServeSetup(ctx, server.Options{
			Config: cfg, Logger: zerolog.New(s.logs).With().Timestamp().Logger(),
			RetryBase: 50 * time.Millisecond, PollInterval: 100 * time.Millisecond,
		}, ln)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
	})
	return s
}

var setupURLInLog = regexp.MustCompile(`"setup_url":"([^"]+)"`)

func (s *setupServer) setupURL(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := setupURLInLog.FindStringSubmatch(s.logs.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no setup URL logged:\n%s", s.logs.String())
	return ""
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var (
	formAction    = regexp.MustCompile(`<form action="([^"]+)" method="post">`)
	manifestField = regexp.MustCompile(`<input type="hidden" name="manifest" value="([^"]+)">`)
)

// TestSetupModeRegistersTheAppAndServesWebhooksWithoutRestart plays the
// whole manifest flow: a server with no credentials shows its setup page,
// GitHub creates the app and redirects back, and the same process then takes
// signed deliveries as the new app and drafts a postmortem with it.
func TestSetupModeRegistersTheAppAndServesWebhooksWithoutRestart(t *testing.T) {
	gh := fakegithub.New(t)
	oldAppID := gh.AppID()
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	incident := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: "kim"})
	gh.AddLabelToIssue(owner, repo, incident, "incident", "kim")
	s := startSetupMode(t, gh)
	setupURL := s.setupURL(t)
	if !strings.HasPrefix(setupURL, s.url+"/setup?token=") || len(setupURL) < len(s.url+"/setup?token=")+32 {
		t.Fatalf("setup URL %q", setupURL)
	}

	// Unconfigured: no page without the token, no webhooks, not ready.
	for _, u := range []string{s.url + "/setup", s.url + "/setup?token=wrong"} {
		if code, _ := get(t, u); code != http.StatusForbidden {
			t.Errorf("GET %s = %d, want 403", u, code)
		}
	}
	body := gh.IssueWebhook("labeled", owner, repo, incident, "kim", map[string]any{"label": map[string]any{"name": "incident"}})
	if resp := fakegithub.Deliver(t, s.url+server.WebhookPath, "anything", "issues", servertest.NewDeliveryID(), body); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("webhook before setup = %d, want 503", resp.StatusCode)
	}
	if code, _ := get(t, s.url+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz in setup mode = %d, want 503", code)
	}

	// The page: a form that POSTs the manifest to GitHub with a state.
	code, page := get(t, setupURL)
	if code != http.StatusOK {
		t.Fatalf("setup page = %d", code)
	}
	action, manifestAttr := formAction.FindStringSubmatch(page), manifestField.FindStringSubmatch(page)
	if action == nil || manifestAttr == nil {
		t.Fatalf("no manifest form on the page:\n%s", page)
	}
	target, err := url.Parse(html.UnescapeString(action[1]))
	if err != nil || target.Scheme+"://"+target.Host+target.Path != "https://github.com/settings/apps/new" || target.Query().Get("state") == "" {
		t.Fatalf("form posts to %q", action[1])
	}
	manifest := html.UnescapeString(manifestAttr[1])
	var m struct {
		HookAttributes struct{ URL string } `json:"hook_attributes"`
		RedirectURL    string               `json:"redirect_url"`
		Permissions    map[string]string    `json:"default_permissions"`
	}
	if err := json.Unmarshal([]byte(manifest), &m); err != nil {
		t.Fatalf("manifest is not JSON: %v\n%s", err, manifest)
	}
	if m.HookAttributes.URL != s.url+server.WebhookPath || m.RedirectURL != s.url+setup.CallbackPath || m.Permissions["checks"] != "write" {
		t.Fatalf("manifest addresses or permissions wrong: %+v", m)
	}
	// An organisation moves the form's target.
	if _, orgPage := get(t, setupURL+"&org=acme"); !strings.Contains(orgPage, `action="https://github.com/organizations/acme/settings/apps/new?state=`) {
		t.Errorf("org form does not post to the organisation:\n%s", orgPage)
	}

	// GitHub redirects back; a state this server did not hand out is refused.
	ghCode, redirect, err := gh.CreateAppFromManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, fmt.Sprintf("%s?code=%s&state=forged", redirect, ghCode)); code != http.StatusBadRequest {
		t.Errorf("callback with a forged state = %d, want 400", code)
	}
	state := target.Query().Get("state")
	code, done := get(t, fmt.Sprintf("%s?code=%s&state=%s", redirect, ghCode, state))
	if code != http.StatusOK || !strings.Contains(done, "/installations/new") || !strings.Contains(done, fmt.Sprint(gh.AppID())) {
		t.Fatalf("callback = %d:\n%s", code, done)
	}
	if gh.AppID() == oldAppID {
		t.Fatal("the fake did not create a new app")
	}

	// Stored privately, and readable as the new app's credentials.
	creds, err := setup.Load(s.dataDir)
	if err != nil || creds == nil || creds.AppID != gh.AppID() || creds.WebhookSecret != gh.WebhookSecret() {
		t.Fatalf("stored credentials: %+v, %v", creds, err)
	}
	for path, want := range map[string]os.FileMode{s.dataDir: 0o700, filepath.Join(s.dataDir, setup.CredentialsFile): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, info.Mode().Perm(), err, want)
		}
	}

	// Registration is over: the same state is not honoured twice and the
	// page no longer offers the form.
	if code, _ := get(t, fmt.Sprintf("%s?code=%s&state=%s", redirect, ghCode, state)); code == http.StatusOK {
		t.Error("the callback registered twice")
	}
	if _, again := get(t, setupURL); strings.Contains(again, `name="manifest"`) {
		t.Error("the setup page still offers registration")
	}

	// The same process now takes signed deliveries with the new secret and
	// works as the new app; a wrong signature is still refused.
	if resp := fakegithub.Deliver(t, s.url+server.WebhookPath, "wrong-secret", "issues", servertest.NewDeliveryID(), body); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong signature = %d, want 401", resp.StatusCode)
	}
	if resp := fakegithub.Deliver(t, s.url+server.WebhookPath, gh.WebhookSecret(), "issues", servertest.NewDeliveryID(), body); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signed delivery = %d, want 202", resp.StatusCode)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(gh.Pulls(owner, repo)) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	pulls := gh.Pulls(owner, repo)
	if len(pulls) != 1 || pulls[0].Author != gh.BotLogin() {
		t.Fatalf("draft PRs after the incident label: %+v, want one by %s\n%s", pulls, gh.BotLogin(), s.logs.String())
	}
	if code, _ := get(t, s.url+"/readyz"); code != http.StatusOK {
		t.Errorf("readyz after setup = %d, want 200", code)
	}

	logs := s.logs.String()
	if strings.Contains(logs, creds.WebhookSecret) || strings.Contains(logs, "PRIVATE KEY") || strings.Contains(logs, creds.ClientSecret) {
		t.Error("a secret reached the logs")
	}
}

// A server with credentials answers the setup path without offering
// registration.
func TestSetupIsClosedOnAServerWithCredentials(t *testing.T) {
	h := servertest.Start(t, servertest.Options{})
	if code, body := h.Get("/setup?token=anything"); code != http.StatusGone || strings.Contains(body, `name="manifest"`) {
		t.Errorf("/setup on a registered server = %d:\n%s", code, body)
	}
}

// chromium finds a headless-capable Chromium, or skips the test saying why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH (apt-get install -y chromium); the setup page was not checked in a real browser")
	return ""
}

// headless runs Chromium without a display on url with extra flags.
func headless(t *testing.T, extra ...string) []string {
	return append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--user-data-dir=" + t.TempDir()}, extra...)
}

// TestSetupPageInHeadlessChromium loads the setup page in a real browser
// and reads the form back from the DOM it built.
func TestSetupPageInHeadlessChromium(t *testing.T) {
	browser := chromium(t)
	gh := fakegithub.New(t)
	s := startSetupMode(t, gh)
	setupURL := s.setupURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, browser, headless(t, "--window-size=390,844", "--dump-dom", setupURL)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	action := regexp.MustCompile(`<form action="([^"]+)" method="post">`).FindStringSubmatch(dom)
	field := regexp.MustCompile(`<input type="hidden" name="manifest" value="([^"]+)">`).FindStringSubmatch(dom)
	if action == nil || field == nil || !strings.Contains(dom, `name="viewport"`) {
		t.Fatalf("the browser's DOM has no manifest form:\n%s", dom)
	}
	if !strings.HasPrefix(html.UnescapeString(action[1]), "https://github.com/settings/apps/new?state=") {
		t.Errorf("form posts to %q", action[1])
	}
	var m struct {
		HookAttributes struct{ URL string } `json:"hook_attributes"`
		RedirectURL    string               `json:"redirect_url"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(field[1])), &m); err != nil || m.HookAttributes.URL != s.url+server.WebhookPath || m.RedirectURL != s.url+setup.CallbackPath {
		t.Errorf("manifest as the browser holds it: %+v, %v", m, err)
	}
}
