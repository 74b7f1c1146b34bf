package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// validEnv is a complete configuration; tests remove or break one setting.
func validEnv(t *testing.T) map[string]string {
	gh := fakegithub.New(t)
	return map[string]string{
		"GITHUB_APP_INTEGRATION_ID": fmt.Sprint(gh.AppID()),
		"GITHUB_APP_WEBHOOK_SECRET": "s3cret",
		"GITHUB_APP_PRIVATE_KEY":    string(gh.PrivateKeyPEM()),
		"GITHUB_V3_API_URL":         gh.URL() + "/",
		"DATABASE_URL":              "sqlite://" + filepath.Join(t.TempDir(), "bot.db"),
		"LISTEN_ADDR":               "127.0.0.1:0",
		// Tests run side by side: no fixed admin port.
		"ADMIN_LISTEN_ADDR": "127.0.0.1:0",
	}
}

func setEnv(t *testing.T, env map[string]string) {
	for _, k := range []string{"GITHUB_APP_INTEGRATION_ID", "GITHUB_APP_WEBHOOK_SECRET", "GITHUB_APP_PRIVATE_KEY",
		"GITHUB_APP_PRIVATE_KEY_PATH", "GITHUB_V3_API_URL", "DATABASE_URL", "LISTEN_ADDR", "ADMIN_LISTEN_ADDR", "WORKERS", "SHUTDOWN_TIMEOUT",
		"DATA_DIR", "PUBLIC_URL", "GITHUB_WEB_URL", "GITHUB_APP_SLUG", "LOG_FORMAT", "LOG_LEVEL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func TestBadSettingsStopStartupWithOneLineAndExitCode2(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(env map[string]string)
		args    []string
		setting string
	}{
		{"no webhook secret", func(e map[string]string) { delete(e, "GITHUB_APP_WEBHOOK_SECRET") }, nil, "GITHUB_APP_WEBHOOK_SECRET"},
		{"blank webhook secret", func(e map[string]string) { e["GITHUB_APP_WEBHOOK_SECRET"] = "  " }, nil, "GITHUB_APP_WEBHOOK_SECRET"},
		{"integration id not a number", func(e map[string]string) { e["GITHUB_APP_INTEGRATION_ID"] = "abc" }, nil, "GITHUB_APP_INTEGRATION_ID"},
		{"no integration id", func(e map[string]string) { delete(e, "GITHUB_APP_INTEGRATION_ID") }, nil, "GITHUB_APP_INTEGRATION_ID"},
		{"no private key", func(e map[string]string) { delete(e, "GITHUB_APP_PRIVATE_KEY") }, nil, "GITHUB_APP_PRIVATE_KEY"},
		{"key is not PEM", func(e map[string]string) { e["GITHUB_APP_PRIVATE_KEY"] = "hello" }, nil, "GITHUB_APP_PRIVATE_KEY"},
		{"public key", func(e map[string]string) {
			e["GITHUB_APP_PRIVATE_KEY"] = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"
		}, nil, "is a public key"},
		{"key file missing", func(e map[string]string) {
			delete(e, "GITHUB_APP_PRIVATE_KEY")
			e["GITHUB_APP_PRIVATE_KEY_PATH"] = "/nonexistent/key.pem"
		}, nil, "GITHUB_APP_PRIVATE_KEY_PATH"},
		{"database url scheme", func(e map[string]string) { e["DATABASE_URL"] = "mysql://x" }, nil, "DATABASE_URL"},
		{"api url", func(e map[string]string) { e["GITHUB_V3_API_URL"] = "api.github.com" }, nil, "GITHUB_V3_API_URL"},
		{"workers", func(e map[string]string) { e["WORKERS"] = "-1" }, nil, "WORKERS"},
		{"log format flag", func(map[string]string) {}, []string{"--log-format", "xml"}, "--log-format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := validEnv(t)
			tc.edit(env)
			setEnv(t, env)
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"serve"}, tc.args...), nil, &stdout, &stderr)
			if code != 2 {
				t.Fatalf("exit code %d, want 2 (stderr %q)", code, stderr.String())
			}
			out := strings.TrimSpace(stderr.String())
			if strings.Count(out, "\n") != 0 || !strings.Contains(out, tc.setting) {
				t.Fatalf("want one line naming %s, got %q", tc.setting, out)
			}
			if strings.Contains(out, "goroutine") || strings.Contains(out, "panic") {
				t.Fatalf("stack trace on bad config: %q", out)
			}
		})
	}
}

func TestConfigFileWithUnknownKeyNamesTheFile(t *testing.T) {
	env := validEnv(t)
	setEnv(t, env)
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte("listen_addr: \":9000\"\nlisten_adress: oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "--config", path}, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if out := stderr.String(); !strings.Contains(out, path) || !strings.Contains(out, "line 2") || !strings.Contains(out, "listen_adress") {
		t.Fatalf("error should name the file, line and key: %q", out)
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"frobnicate"}, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

// TestSIGTERMStopsTheServerCleanly runs the real binary, waits until it
// answers, sends SIGTERM and expects a clean exit 0.
func TestSIGTERMStopsTheServerCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "postmortem-bot")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := validEnv(t)
	env["LISTEN_ADDR"] = addr
	cmd := exec.Command(bin, "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("server never became ready:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(40 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not exit within 40s of SIGTERM:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "s3cret") || strings.Contains(logs.String(), "PRIVATE KEY") {
		t.Fatal("a secret reached the logs")
	}
}
