package setup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	postmortembot "github.com/postmortem-bot/postmortem-bot"
	"github.com/postmortem-bot/postmortem-bot/internal/config"
)

func TestManifestPutsTheAddressesUnderThePublicURL(t *testing.T) {
	cases := []struct {
		public, webhook        string
		wantHook, wantRedirect string
	}{
		{"https://bot.example.com", "", "https://bot.example.com/api/github/hook", "https://bot.example.com/setup/callback"},
		{"http://localhost:8080/", "https://smee.io/abc", "https://smee.io/abc", "http://localhost:8080/setup/callback"},
	}
	for _, tc := range cases {
		raw, err := Manifest(postmortembot.AppManifest, tc.public, tc.webhook)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Name        string            `json:"name"`
			Hook        map[string]any    `json:"hook_attributes"`
			Redirect    string            `json:"redirect_url"`
			Permissions map[string]string `json:"default_permissions"`
			Events      []string          `json:"default_events"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		if m.Hook["url"] != tc.wantHook || m.Hook["active"] != true || m.Redirect != tc.wantRedirect {
			t.Errorf("%s: hook %v, redirect %q", tc.public, m.Hook, m.Redirect)
		}
		if m.Name != "postmortem-bot" || m.Permissions["contents"] != "write" || m.Permissions["metadata"] != "read" || len(m.Events) != 6 {
			t.Errorf("app.yml not carried over: %+v", m)
		}
	}
	for _, bad := range []string{"", "bot.example.com", "ftp://x", "https://"} {
		if _, err := Manifest(postmortembot.AppManifest, bad, ""); err == nil {
			t.Errorf("public URL %q accepted", bad)
		}
	}
}

func TestCredentialsAreStoredPrivatelyAndReadBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if got, err := Load(dir); got != nil || err != nil {
		t.Fatalf("nothing stored: got %+v, %v", got, err)
	}
	c := &Credentials{AppID: 7, Slug: "pm", PrivateKey: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n", WebhookSecret: "w", ClientID: "id", ClientSecret: "cs"}
	if err := Save(dir, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil || *got != *c {
		t.Fatalf("read back %+v, %v", got, err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, CredentialsFile): 0o600} {
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: %v, want %v", path, info.Mode().Perm(), want)
		}
	}
	var cfg config.Config
	got.Apply(&cfg)
	if cfg.GitHub.App.IntegrationID != 7 || cfg.GitHub.App.WebhookSecret != "w" || cfg.AppSlug != "pm" || !cfg.Registered() {
		t.Errorf("applied: %+v", cfg)
	}
}

func TestDamagedCredentialsFileIsAClearError(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{"{": "not the JSON", `{"app_id": 3}`: "lack the App ID, key or webhook secret"} {
		if err := os.WriteFile(filepath.Join(dir, CredentialsFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", content, err)
		}
	}
}
