package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// benchT lets the fake GitHub, written for tests, run inside loadbench: a
// request GitHub would reject is printed and counted, a broken seed stops
// the run.
type benchT struct {
	testing.TB // nil: only the methods below are called
	mu         sync.Mutex
	cleanups   []func()
	errors     atomic.Int64
}

func (b *benchT) Helper()      {}
func (b *benchT) Name() string { return "loadbench" }
func (b *benchT) Errorf(format string, args ...any) {
	b.errors.Add(1)
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
func (b *benchT) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadbench: "+format+"\n", args...)
	os.Exit(1)
}
func (b *benchT) Cleanup(f func()) {
	b.mu.Lock()
	b.cleanups = append(b.cleanups, f)
	b.mu.Unlock()
}
func (b *benchT) close() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
}

const (
	benchOwner  = "acme"
	benchSender = "triage-bot"
)

// incidentAfterBurst measures the target "an incident labelled right after
// a burst of unrelated label deliveries has its pull request within 5 s"
// against the stateful fake GitHub, which really opens pull requests. It
// runs twice: first with the server's policy cache cold (the burst is the
// first traffic the repositories send), then warm (a second burst).
func incidentAfterBurst(n, concurrency, repos int) error {
	t := &benchT{}
	defer t.close()
	gh := fakegithub.New(t)
	gh.AddInstallation(1, benchOwner)
	names := make([]string, repos)
	for r := range names {
		names[r] = fmt.Sprintf("service-%d", r)
		gh.AddRepo(benchOwner, names[r])
		gh.SetPermission(benchOwner, names[r], benchSender, "write")
	}

	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildServer(dir)
	if err != nil {
		return err
	}
	dbURL, dbName := databaseURL(dir)
	srv, err := startServer(bin, dbURL, gh.URL(), gh.AppID(), string(gh.PrivateKeyPEM()))
	if err != nil {
		return err
	}
	defer srv.stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}

	fmt.Printf("%s, incident after a burst: %d senders, %d unrelated deliveries (labels and pushes) over %d repositories, against the fake GitHub\n",
		dbName, concurrency, n, repos)
	fmt.Printf("%-6s %9s %10s %9s %14s %13s %13s %10s\n", "cache", "burst/s", "burst p99", "queued", "reqs in burst", "incident ack", "pull request", "reqs total")
	for phase, cache := range []string{"cold", "warm"} {
		burst := burstOf(gh, names, phase)
		requestsBefore := len(gh.Requests())
		jobsBefore := readQueued("http://" + srv.admin)
		r := blast(client, "http://"+srv.addr, burst, http.StatusOK, n, concurrency)
		if r.failures > 0 {
			// On a cold cache, deliveries are queued (202) until a job has read
			// the repository's policy: that is expected, not a failure.
			if phase == 0 && r.failures == int64(r.statuses[http.StatusAccepted]) {
				r.failures = 0
			} else {
				return fmt.Errorf("burst: %d unexpected answers: %v", r.failures, r.statuses)
			}
		}
		// The incident, labelled the moment the burst has been acknowledged.
		target := names[phase%len(names)]
		number := gh.CreateIssue(benchOwner, target, fakegithub.IssueSeed{Title: "Checkout returns 502", Author: benchSender})
		gh.AddLabelToIssue(benchOwner, target, number, "incident", benchSender)
		body := gh.IssueWebhook("labeled", benchOwner, target, number, benchSender, nil)
		pullsBefore := len(gh.Pulls(benchOwner, target))
		burstRequests := len(gh.Requests()) - requestsBefore
		t0 := time.Now()
		ack := blast(client, "http://"+srv.addr, []delivery{{event: "issues", body: body, sig: sign(body)}}, http.StatusAccepted, 1, 1)
		if ack.failures > 0 {
			return fmt.Errorf("incident label: unexpected answer %v", ack.statuses)
		}
		ackTime := time.Since(t0)
		opened := time.Duration(-1)
		for deadline := t0.Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if len(gh.Pulls(benchOwner, target)) > pullsBefore {
				opened = time.Since(t0)
				break
			}
		}
		if opened < 0 {
			return fmt.Errorf("%s cache: no pull request for %s/%s#%d within 5 minutes", cache, benchOwner, target, number)
		}
		jobs := "-"
		if j := readQueued("http://" + srv.admin); j >= 0 && jobsBefore >= 0 {
			jobs = fmt.Sprint(j - jobsBefore)
		}
		fmt.Printf("%-6s %9.0f %10s %9s %14d %13s %13s %10d\n", cache, r.rate(), pct(r.lat, 99), jobs, burstRequests,
			ackTime.Round(100*time.Microsecond), opened.Round(time.Millisecond), len(gh.Requests())-requestsBefore)
		// Let the jobs the incident caused finish before the next phase.
		time.Sleep(2 * time.Second)
	}
	fmt.Printf("peak RSS of the server: %.1f MB\n", float64(peakRSS(srv.cmd.Process.Pid))/1024)
	if e := t.errors.Load(); e > 0 {
		return fmt.Errorf("the fake GitHub saw %d requests GitHub would reject (printed above)", e)
	}
	return nil
}

// burstOf builds unrelated deliveries for every repository: labels that are
// not incident labels on one issue each, and pushes touching no policy file.
func burstOf(gh *fakegithub.Server, names []string, phase int) []delivery {
	labels := []string{"bug", "needs-triage", "good first issue", "documentation", "duplicate", "question", "enhancement"}
	var out []delivery
	for _, name := range names {
		number := gh.CreateIssue(benchOwner, name, fakegithub.IssueSeed{Title: fmt.Sprintf("Flaky test, round %d", phase), Author: benchSender})
		var opened map[string]any
		_ = json.Unmarshal(gh.IssueWebhook("opened", benchOwner, name, number, benchSender, nil), &opened)
		for i, l := range labels {
			gh.AddLabelToIssue(benchOwner, name, number, l, benchSender)
			body := gh.IssueWebhook("labeled", benchOwner, name, number, benchSender, nil)
			out = append(out, delivery{event: "issues", body: body, sig: sign(body)})
			if i%3 == 0 {
				sha := strings.Repeat(fmt.Sprint(i%10), 40)
				commit := map[string]any{"id": sha, "message": "Fix the retry loop", "added": []string{}, "removed": []string{}, "modified": []string{"internal/retry.go"}}
				out = append(out, newDelivery("push", map[string]any{
					"ref": "refs/heads/main", "before": strings.Repeat("0", 40), "after": sha,
					"commits": []any{commit}, "head_commit": commit, "size": 1,
					"repository": opened["repository"], "installation": opened["installation"], "sender": opened["sender"],
				}))
			}
		}
	}
	return out
}

// readQueued is how many deliveries the server has queued as jobs, or -1.
func readQueued(admin string) int {
	return int(readMetric(admin, "postmortem_bot_webhook_deliveries_total{", `outcome="queued"`))
}

// readMetric sums the series of a counter whose line starts with prefix and
// contains label; -1 when the metrics cannot be read.
func readMetric(admin, prefix, label string) float64 {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return -1
	}
	var sum float64
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, prefix) && strings.Contains(line, label) {
			var v float64
			f := strings.Fields(line)
			fmt.Sscanf(f[len(f)-1], "%g", &v)
			sum += v
		}
	}
	return sum
}

// server is a running `postmortem-bot serve`.
type server struct {
	cmd         *exec.Cmd
	addr, admin string
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

func buildServer(dir string) (string, error) {
	bin := filepath.Join(dir, "postmortem-bot")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/postmortem-bot").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
}

// databaseURL is DATABASE_URL, or a fresh SQLite file in dir.
func databaseURL(dir string) (url, name string) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, "PostgreSQL"
	}
	return "sqlite://" + filepath.Join(dir, "bench.db"), "SQLite"
}

// startServer runs the server against a GitHub API root and waits until it
// is ready.
func startServer(bin, dbURL, apiURL string, appID int64, keyPEM string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"LISTEN_ADDR="+addr, "ADMIN_LISTEN_ADDR="+admin, "DATABASE_URL="+dbURL, "LOG_LEVEL=error",
		fmt.Sprintf("GITHUB_APP_INTEGRATION_ID=%d", appID), "GITHUB_APP_WEBHOOK_SECRET="+secret,
		"GITHUB_APP_PRIVATE_KEY="+keyPEM, "GITHUB_V3_API_URL="+apiURL+"/", "SHUTDOWN_TIMEOUT=5s")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr, admin: admin}
	if err := waitReady("http://" + addr); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}
