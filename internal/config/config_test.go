package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"

func TestExampleFileLoadsWithSecretsFromTheEnvironment(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(key, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load("../../deploy/config.example.yml", true, env(map[string]string{
		"GITHUB_APP_WEBHOOK_SECRET":   "s",
		"GITHUB_APP_PRIVATE_KEY_PATH": key,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GitHub.App.IntegrationID != 123456 || c.ListenAddr != ":8080" || c.ShutdownTimeout != 30*time.Second || c.Workers != 10 {
		t.Fatalf("example not read as written: %+v", c)
	}
	if c.GitHub.App.PrivateKey != pem {
		t.Fatal("key file not read")
	}
}

func TestEnvironmentOverridesTheFile(t *testing.T) {
	c, err := Load("../../deploy/config.example.yml", true, env(map[string]string{
		"GITHUB_APP_WEBHOOK_SECRET": "s", "GITHUB_APP_PRIVATE_KEY": pem,
		"LISTEN_ADDR": "127.0.0.1:9999", "GITHUB_APP_INTEGRATION_ID": "42", "DATABASE_URL": "postgres://db/x",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:9999" || c.GitHub.App.IntegrationID != 42 || c.DatabaseURL != "postgres://db/x" {
		t.Fatalf("environment did not win: %+v", c)
	}
}

func TestDatabaseURLs(t *testing.T) {
	cases := map[string]Database{
		"sqlite://data/bot.db":             {Kind: "sqlite", Path: "data/bot.db"},
		"sqlite:///var/lib/bot.db":         {Kind: "sqlite", Path: "/var/lib/bot.db"},
		"postgres://u:p@h:5432/d":          {Kind: "postgres", URL: "postgres://u:p@h:5432/d"},
		"postgresql://h/d?sslmode=disable": {Kind: "postgres", URL: "postgresql://h/d?sslmode=disable"},
	}
	for raw, want := range cases {
		got, err := ParseDatabaseURL(raw)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, bad := range []string{"", "sqlite://", "mysql://u:hunter2@h/d", "data/bot.db"} {
		_, err := ParseDatabaseURL(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("password leaked in error: %v", err)
		}
	}
}

func TestNoCredentialsAtAllIsNotAnError(t *testing.T) {
	c, err := Load("", false, env(map[string]string{"LISTEN_ADDR": ":9090"}))
	if err != nil {
		t.Fatalf("no credentials should mean setup mode, got %v", err)
	}
	if c.Registered() {
		t.Fatal("Registered() with no credentials")
	}
	if c.PublicURL != "http://localhost:9090" || c.DataDir != "data" {
		t.Fatalf("defaults: public URL %q, data dir %q", c.PublicURL, c.DataDir)
	}
}

func TestEveryMissingCredentialIsReportedAtOnceWithWhereToGetIt(t *testing.T) {
	_, err := Load("", false, env(map[string]string{"GITHUB_APP_WEBHOOK_SECRET": "s", "WORKERS": "zero"}))
	if err == nil {
		t.Fatal("partial credentials accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines (workers, app id, key), got %q", err.Error())
	}
	for _, want := range []string{"WORKERS", "GITHUB_APP_INTEGRATION_ID", "GITHUB_APP_PRIVATE_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s not reported: %q", want, err.Error())
		}
	}
	if !strings.Contains(lines[1], "App ID on the app's page") || !strings.Contains(lines[2], "Generate a private key") {
		t.Errorf("lines do not say where to get the value: %q", err.Error())
	}
}

func TestConfigFileTypoSuggestsTheKey(t *testing.T) {
	cases := map[string]string{
		"listen_adress: x\n":                      `did you mean "listen_addr"?`,
		"github:\n  app:\n    integraton_id: 4\n": `did you mean "integration_id"?`,
		"publicurl: https://x\n":                  `did you mean "public_url"?`,
	}
	for file, want := range cases {
		path := filepath.Join(t.TempDir(), "config.yml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, true, env(nil))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: got %v, want %s", file, err, want)
		}
	}
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte("zzzzzzzz: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, true, env(nil)); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("a key like no other should get no suggestion: %v", err)
	}
}

func TestPublicAndWebhookURLsMustBeHTTP(t *testing.T) {
	_, err := Load("", false, env(map[string]string{"PUBLIC_URL": "bot.example.com", "WEBHOOK_URL": "smee.io/x"}))
	if err == nil || !strings.Contains(err.Error(), "PUBLIC_URL") || !strings.Contains(err.Error(), "WEBHOOK_URL") {
		t.Fatalf("got %v", err)
	}
	c, err := Load("", false, env(map[string]string{"PUBLIC_URL": "https://bot.example.com/"}))
	if err != nil || c.PublicURL != "https://bot.example.com" {
		t.Fatalf("trailing slash kept or rejected: %q, %v", c.PublicURL, err)
	}
}

func TestPolicyRemotes(t *testing.T) {
	base := map[string]string{"GITHUB_APP_WEBHOOK_SECRET": "s", "GITHUB_APP_PRIVATE_KEY": pem, "GITHUB_APP_INTEGRATION_ID": "1"}
	with := func(v string) map[string]string {
		m := map[string]string{"POLICY_REMOTES": v}
		for k, val := range base {
			m[k] = val
		}
		return m
	}
	c, err := Load("", false, env(base))
	if err != nil || len(c.PolicyRemotes) != 0 {
		t.Fatalf("default: %v %v", c.PolicyRemotes, err)
	}
	c, err = Load("", false, env(with(" acme/policies, acme/platform ,")))
	if err != nil || strings.Join(c.PolicyRemotes, "|") != "acme/policies|acme/platform" {
		t.Fatalf("list: %q %v", c.PolicyRemotes, err)
	}
	_, err = Load("", false, env(with("acme")))
	if err == nil || !strings.Contains(err.Error(), "POLICY_REMOTES: each entry must be owner/name") {
		t.Fatalf("bad entry: %v", err)
	}
}

func TestAdminListenerDefaultsToLoopbackAndCanBeTurnedOff(t *testing.T) {
	base := map[string]string{"GITHUB_APP_INTEGRATION_ID": "1", "GITHUB_APP_WEBHOOK_SECRET": "s", "GITHUB_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if k != "" {
			m[k] = v
		}
		return m
	}
	c, err := Load("", false, env(with("", "")))
	if err != nil || c.AdminListenAddr != DefaultAdminListenAddr {
		t.Fatalf("default admin address %q (%v), want %q", c.AdminListenAddr, err, DefaultAdminListenAddr)
	}
	c, err = Load("", false, env(with("ADMIN_LISTEN_ADDR", "")))
	if err != nil || c.AdminListenAddr != "" {
		t.Fatalf("ADMIN_LISTEN_ADDR=\"\" should turn it off, got %q (%v)", c.AdminListenAddr, err)
	}
	m := with("ADMIN_LISTEN_ADDR", ":8080")
	m["LISTEN_ADDR"] = ":8080"
	if _, err := Load("", false, env(m)); err == nil || !strings.Contains(err.Error(), "ADMIN_LISTEN_ADDR") {
		t.Fatalf("metrics on the public address must be refused, got %v", err)
	}
}
