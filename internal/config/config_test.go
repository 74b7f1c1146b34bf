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

func TestMissingSecretIsTheFirstComplaint(t *testing.T) {
	_, err := Load("", false, env(map[string]string{}))
	if err == nil || !strings.Contains(err.Error(), "GITHUB_APP_WEBHOOK_SECRET") {
		t.Fatalf("got %v", err)
	}
}
