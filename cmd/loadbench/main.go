// Command loadbench measures how fast the real server acknowledges signed
// webhook deliveries on loopback, and how much memory it needs.
//
//	go run ./cmd/loadbench -n 5000 -c 16
//
// It builds and starts `postmortem-bot serve` on a fresh SQLite database (or
// DATABASE_URL if set), with a stub GitHub that issues tokens and answers
// every other call 503 (jobs retry later; the acknowledgement path is what is
// measured, with the job workers running beside it). It reports, for
// irrelevant events and for handled ones: deliveries/s, p50/p99
// acknowledgement latency, and the server's peak RSS (VmHWM).
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const secret = "loadbench-secret"

func main() {
	n := flag.Int("n", 5000, "deliveries per scenario")
	c := flag.Int("c", 16, "concurrent senders")
	example := flag.String("example", "internal/fakegithub/data/webhooks/issues.labeled.json", "GitHub's published example payload to start from")
	flag.Parse()
	if err := run(*n, *c, *example); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(n, concurrency int, examplePath string) error {
	raw, err := os.ReadFile(examplePath)
	if err != nil {
		return fmt.Errorf("read example (run from the repository root): %w", err)
	}
	var labeled map[string]any
	if err := json.Unmarshal(raw, &labeled); err != nil {
		return err
	}
	labeled["label"] = map[string]any{"name": "incident", "id": 1, "color": "d73a4a"}
	labeled["installation"] = map[string]any{"id": 1, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ=="}
	if s, ok := labeled["sender"].(map[string]any); ok {
		s["login"] = "oncall-engineer"
	}
	handled, _ := json.Marshal(labeled)

	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "postmortem-bot")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/postmortem-bot").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}

	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/app":
			fmt.Fprint(w, `{"id":1,"slug":"postmortem-bot","name":"postmortem-bot"}`)
		case strings.HasSuffix(r.URL.Path, "/access_tokens"):
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"token":"ghs_loadbench","expires_at":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"message":"stub"}`)
		}
	}))
	defer stub.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	dbURL := os.Getenv("DATABASE_URL")
	if dbURL == "" {
		dbURL = "sqlite://" + filepath.Join(dir, "bench.db")
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"LISTEN_ADDR="+addr, "DATABASE_URL="+dbURL, "LOG_LEVEL=error",
		"GITHUB_APP_INTEGRATION_ID=1", "GITHUB_APP_WEBHOOK_SECRET="+secret,
		"GITHUB_APP_PRIVATE_KEY="+string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		"GITHUB_V3_API_URL="+stub.URL+"/", "SHUTDOWN_TIMEOUT=5s")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	fmt.Printf("%-12s %8s %12s %10s %10s %10s\n", "scenario", "n", "deliveries/s", "p50", "p99", "peak RSS")
	for _, sc := range []struct {
		name, event string
		body        []byte
		want        int
	}{
		{"irrelevant", "watch", raw, http.StatusOK},
		{"handled", "issues", handled, http.StatusAccepted},
	} {
		lat, elapsed, failures := blast(client, base, sc.event, sc.body, sc.want, n, concurrency)
		rss := peakRSS(cmd.Process.Pid)
		fmt.Printf("%-12s %8d %12.0f %10s %10s %9.1fMB", sc.name, n, float64(n)/elapsed.Seconds(),
			pct(lat, 50), pct(lat, 99), float64(rss)/1024)
		if failures > 0 {
			fmt.Printf("  (%d unexpected answers)", failures)
		}
		fmt.Println()
	}
	return nil
}

func blast(client *http.Client, base, event string, body []byte, want, n, concurrency int) ([]time.Duration, time.Duration, int64) {
	sig := sign(body)
	lat := make([]time.Duration, n)
	var next, failures atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, base+"/api/github/hook", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-GitHub-Event", event)
				req.Header.Set("X-GitHub-Delivery", deliveryID())
				req.Header.Set("X-Hub-Signature-256", sig)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != want {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(start), failures.Load()
}

func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after 30s")
}

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func deliveryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func pct(lat []time.Duration, p int) string {
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return "-"
	}
	return s[(len(s)-1)*p/100].Round(10 * time.Microsecond).String()
}

// peakRSS reads the process's high-water resident set size in KiB.
func peakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb
		}
	}
	return 0
}
