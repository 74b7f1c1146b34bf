package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func otherKeyPEM(t *testing.T) string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

func TestRejectedCredentialsStopStartupWithOneLine(t *testing.T) {
	cases := map[string]func(env map[string]string){
		"wrong app id": func(e map[string]string) { e["GITHUB_APP_INTEGRATION_ID"] = "999999" },
		"wrong key":    func(e map[string]string) { e["GITHUB_APP_PRIVATE_KEY"] = otherKeyPEM(t) },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			env := validEnv(t)
			edit(env)
			setEnv(t, env)
			var stdout, stderr bytes.Buffer
			code := run([]string{"serve"}, nil, &stdout, &stderr)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (stderr %q)", code, stderr.String())
			}
			out := strings.TrimSpace(stderr.String())
			lines := strings.Split(out, "\n")
			last := lines[len(lines)-1]
			if !strings.Contains(last, "GitHub rejected the app's credentials") || !strings.Contains(last, "GITHUB_APP_INTEGRATION_ID") || !strings.Contains(last, "401") {
				t.Fatalf("want one line saying GitHub rejected the credentials, got %q", out)
			}
			if strings.Contains(out, "PRIVATE KEY") {
				t.Fatal("the key reached the output")
			}
		})
	}
}

func TestMissingCredentialsAreListedTogether(t *testing.T) {
	env := validEnv(t)
	delete(env, "GITHUB_APP_INTEGRATION_ID")
	delete(env, "GITHUB_APP_PRIVATE_KEY")
	setEnv(t, env)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve"}, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	out := stderr.String()
	if !strings.Contains(out, "GITHUB_APP_INTEGRATION_ID") || !strings.Contains(out, "GITHUB_APP_PRIVATE_KEY") || strings.Count(strings.TrimSpace(out), "\n") != 1 {
		t.Fatalf("want both missing settings, one line each: %q", out)
	}
}

func TestVersionPrintsBuildInformation(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"postmortem-bot ", "commit ", "date ", "go     go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpOnEveryCommandExitsZeroAndListsItsSettings(t *testing.T) {
	cases := map[string][]string{
		"serve":    {"GITHUB_APP_INTEGRATION_ID", "GITHUB_APP_WEBHOOK_SECRET", "PUBLIC_URL", "DATABASE_URL", "DATA_DIR", "-config"},
		"doctor":   {"GITHUB_APP_INTEGRATION_ID", "DATABASE_URL", "-config"},
		"manifest": {"PUBLIC_URL", "-public-url"},
		"version":  {"Reads no settings"},
		"lint":     {"reads no environment variables", "--format"},
	}
	for cmd, wants := range cases {
		for _, flag := range []string{"--help", "-h"} {
			var stdout, stderr bytes.Buffer
			if code := run([]string{cmd, flag}, nil, &stdout, &stderr); code != 0 {
				t.Errorf("%s %s: exit %d (stderr %q)", cmd, flag, code, stderr.String())
				continue
			}
			for _, want := range wants {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("%s %s does not mention %s:\n%s", cmd, flag, want, stdout.String())
				}
			}
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "--no-such-flag"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

func TestManifestPrintsAppYAMLAsJSONForThePublicURL(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"manifest", "--public-url", "https://bot.example.org/"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var m struct {
		Name           string
		HookAttributes struct{ URL string } `json:"hook_attributes"`
		RedirectURL    string               `json:"redirect_url"`
		Events         []string             `json:"default_events"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if m.Name != "postmortem-bot" || m.HookAttributes.URL != "https://bot.example.org/api/github/hook" ||
		m.RedirectURL != "https://bot.example.org/setup/callback" || len(m.Events) == 0 {
		t.Errorf("manifest: %+v", m)
	}
	stdout.Reset()
	if code := run([]string{"manifest", "--public-url", "bot.example.org"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("a public URL without scheme: exit %d, want 2", code)
	}
}

func doctorOut(t *testing.T, env map[string]string) (int, string) {
	t.Helper()
	setEnv(t, env)
	var stdout, stderr bytes.Buffer
	code := run([]string{"doctor"}, nil, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

func TestDoctorPassesAHealthyInstallation(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(77, "acme")
	gh.AddRepo("acme", "payments")
	env := envFor(t, gh)
	code, out := doctorOut(t, env)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"ok    database", "ok    credentials: GitHub knows this app as postmortem-bot", "ok    installation acme: 1 repositories", "ok    policy acme/payments: built-in defaults"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
}

func TestDoctorSaysWhatIsWrongAndHowToFixIt(t *testing.T) {
	t.Run("rejected key", func(t *testing.T) {
		gh := fakegithub.New(t)
		env := envFor(t, gh)
		env["GITHUB_APP_PRIVATE_KEY"] = otherKeyPEM(t)
		code, out := doctorOut(t, env)
		if code != 1 || !strings.Contains(out, "FAIL  credentials: GitHub rejected App ID") || !strings.Contains(out, "fix: ") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("installed nowhere", func(t *testing.T) {
		gh := fakegithub.New(t)
		code, out := doctorOut(t, envFor(t, gh))
		if code != 1 || !strings.Contains(out, "FAIL  installations") || !strings.Contains(out, "/apps/postmortem-bot/installations/new") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("invalid policy", func(t *testing.T) {
		gh := fakegithub.New(t)
		gh.AddInstallation(77, "acme")
		gh.AddRepo("acme", "payments")
		gh.CommitFile("acme", "payments", "main", ".github/postmortem.yml", []byte("check:\n  mode: strict\n"), "policy")
		code, out := doctorOut(t, envFor(t, gh))
		if code != 1 || !strings.Contains(out, "FAIL  policy acme/payments") || !strings.Contains(out, "check.mode") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		gh := fakegithub.New(t)
		env := envFor(t, gh)
		for _, k := range []string{"GITHUB_APP_INTEGRATION_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_WEBHOOK_SECRET"} {
			delete(env, k)
		}
		code, out := doctorOut(t, env)
		if code != 1 || !strings.Contains(out, "no GitHub App configured") || !strings.Contains(out, "setup URL") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("database unreachable", func(t *testing.T) {
		gh := fakegithub.New(t)
		env := envFor(t, gh)
		env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
		code, out := doctorOut(t, env)
		if code != 1 || !strings.Contains(out, "FAIL  database") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
}

// envFor is a valid environment for the fake gh.
func envFor(t *testing.T, gh *fakegithub.Server) map[string]string {
	return map[string]string{
		"GITHUB_APP_INTEGRATION_ID": fmt.Sprint(gh.AppID()),
		"GITHUB_APP_WEBHOOK_SECRET": "s3cret",
		"GITHUB_APP_PRIVATE_KEY":    string(gh.PrivateKeyPEM()),
		"GITHUB_V3_API_URL":         gh.URL() + "/",
		"DATABASE_URL":              "sqlite://" + filepath.Join(t.TempDir(), "bot.db"),
		"DATA_DIR":                  filepath.Join(t.TempDir(), "data"),
		"LISTEN_ADDR":               "127.0.0.1:0",
		// Tests run side by side: no fixed admin port.
		"ADMIN_LISTEN_ADDR": "127.0.0.1:0",
	}
}

func TestTextLogsHaveNoColourOffATerminalAndDurationsHaveUnits(t *testing.T) {
	var buf bytes.Buffer
	logger, err := newLogger(config.Config{LogFormat: "text", LogLevel: "info"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info().Dur("timeout", 30*time.Second).Msg("shutting down")
	out := buf.String()
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour escapes in text logs written to a buffer: %q", out)
	}
	if !strings.Contains(out, "timeout=30s") {
		t.Errorf("duration without unit: %q", out)
	}
	buf.Reset()
	logger, _ = newLogger(config.Config{LogFormat: "json", LogLevel: "info"}, &buf)
	logger.Info().Dur("wait", 1500*time.Millisecond).Msg("x")
	if !strings.Contains(buf.String(), `"wait":"1.5s"`) {
		t.Errorf("JSON duration without unit: %s", buf.String())
	}
}
