// Command loadbench measures how fast the real server acknowledges signed
// webhook deliveries on loopback, against a do-nothing server measured in
// the same run, and how many GitHub requests and how much memory it needs.
//
//	go run ./cmd/loadbench            # 32 senders, 2,000 deliveries per scenario
//	DATABASE_URL=postgres://… go run ./cmd/loadbench
//
// It builds `postmortem-bot serve` and starts it on a fresh SQLite database
// (or DATABASE_URL) with a stub GitHub: tokens are issued, policy files are
// not found (404, so the built-in defaults apply), every other call is
// answered 503 (jobs retry later, beside the load). It also starts a
// baseline: a minimal server, in its own process, that only checks each
// delivery's signature and answers 200.
//
// Scenarios, each sent by the same concurrent senders:
//   - unrelated: issues.labeled with labels that are not incident labels,
//     and push events, spread over several repositories (after one warm-up
//     delivery per repository, so their policies have been read once);
//   - handled: issues.labeled with the label incident.
//
// With -incident-after-burst it instead starts the server against the
// stateful fake GitHub (internal/fakegithub, in loadbench's process), sends
// n unrelated deliveries, labels one issue incident the moment they are
// acknowledged, and times until the pull request exists on the fake: once
// on a cold policy cache, once warm.
//
// For each: deliveries/s, p50/p99 acknowledgement latency, both also as a
// ratio to the baseline's unrelated run; the GitHub requests the server made
// during the scenario (tokens counted apart); the server's peak RSS (VmHWM).
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
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const secret = "loadbench-secret"

func main() {
	n := flag.Int("n", 2000, "deliveries per scenario")
	c := flag.Int("c", 32, "concurrent senders")
	repos := flag.Int("repos", 8, "repositories the unrelated deliveries are spread over")
	example := flag.String("example", "internal/fakegithub/data/webhooks/issues.labeled.json", "GitHub's published example payload to start from")
	baseline := flag.String("baseline-serve", "", "run the do-nothing baseline server on this address (used by loadbench itself)")
	profile := flag.String("profile", "", "write the server's CPU profile (2 s) during each scenario to this file, suffixed .unrelated and .handled")
	afterBurst := flag.Bool("incident-after-burst", false, "instead of the acknowledgement scenarios: against the fake GitHub, time how long an incident labelled right after a burst of n unrelated deliveries waits for its pull request")
	flag.Parse()
	if *baseline != "" {
		serveBaseline(*baseline)
		return
	}
	if *afterBurst {
		if err := incidentAfterBurst(*n, *c, *repos); err != nil {
			fmt.Fprintln(os.Stderr, "loadbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*n, *c, *repos, *example, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

// serveBaseline is the floor: read the body, check its signature, answer.
func serveBaseline(addr string) {
	http.HandleFunc("/api/github/hook", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 25<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(sign(body))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"outcome":"ignored"}`)
	})
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

// delivery is one request to send.
type delivery struct {
	event string
	body  []byte
	sig   string
}

func newDelivery(event string, payload map[string]any) delivery {
	body, _ := json.Marshal(payload)
	return delivery{event: event, body: body, sig: sign(body)}
}

// payloads builds the unrelated mix (labels that are not incident labels,
// and pushes that touch no policy file, over repos repositories) and the
// handled one (the incident label).
func payloads(examplePath string, repos int) (unrelated, warmup, handled []delivery, err error) {
	raw, err := os.ReadFile(examplePath)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read example (run from the repository root): %w", err)
	}
	variant := func(repo int, label string) map[string]any {
		var p map[string]any
		_ = json.Unmarshal(raw, &p)
		p["installation"] = map[string]any{"id": 1, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ=="}
		if s, ok := p["sender"].(map[string]any); ok {
			s["login"] = "triage-bot"
		}
		if r, ok := p["repository"].(map[string]any); ok {
			r["id"] = 1000 + repo
			r["name"] = fmt.Sprintf("service-%d", repo)
			r["full_name"] = fmt.Sprintf("acme/service-%d", repo)
			if o, ok := r["owner"].(map[string]any); ok {
				o["login"] = "acme"
			}
		}
		if label != "" {
			p["label"] = map[string]any{"name": label, "id": 1, "color": "d73a4a"}
			if iss, ok := p["issue"].(map[string]any); ok {
				iss["labels"] = []any{map[string]any{"name": label, "id": 1, "color": "d73a4a"}}
			}
		}
		return p
	}
	labels := []string{"bug", "needs-triage", "good first issue", "documentation", "duplicate", "question", "enhancement"}
	for r := 0; r < repos; r++ {
		warmup = append(warmup, newDelivery("issues", variant(r, "needs-triage")))
		for i, l := range labels {
			unrelated = append(unrelated, newDelivery("issues", variant(r, l)))
			if i%3 == 0 {
				push := variant(r, "")
				for _, k := range []string{"action", "issue", "label"} {
					delete(push, k)
				}
				commit := map[string]any{
					"id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "message": "Fix the retry loop",
					"timestamp": "2026-11-27T12:00:00Z", "url": "https://github.com/acme/x/commit/6113728f",
					"added": []string{}, "removed": []string{}, "modified": []string{"internal/retry.go"},
					"author":    map[string]any{"name": "Kim", "email": "kim@example.com"},
					"committer": map[string]any{"name": "Kim", "email": "kim@example.com"},
				}
				push["ref"] = "refs/heads/main"
				push["before"], push["after"] = "0000000000000000000000000000000000000000", "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
				push["commits"], push["head_commit"] = []any{commit}, commit
				push["size"] = 1
				push["pusher"] = map[string]any{"name": "kim", "email": "kim@example.com"}
				if rr, ok := push["repository"].(map[string]any); ok {
					rr["default_branch"] = "main"
				}
				unrelated = append(unrelated, newDelivery("push", push))
			}
		}
	}
	for r := 0; r < repos; r++ {
		handled = append(handled, newDelivery("issues", variant(r, "incident")))
	}
	return unrelated, warmup, handled, nil
}

// stubGitHub answers the server's GitHub calls and counts them.
type stubGitHub struct {
	*httptest.Server
	requests, tokens atomic.Int64
	mu               sync.Mutex
	byRoute          map[string]int
}

func newStubGitHub() *stubGitHub {
	s := &stubGitHub{byRoute: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/access_tokens") {
			s.tokens.Add(1)
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"token":"ghs_loadbench","expires_at":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
			return
		}
		s.requests.Add(1)
		route := r.Method + " " + routeOf(r.URL.Path)
		s.mu.Lock()
		s.byRoute[route]++
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/app":
			fmt.Fprint(w, `{"id":1,"slug":"postmortem-bot","name":"postmortem-bot"}`)
		case strings.Contains(r.URL.Path, "/contents/"), strings.HasSuffix(r.URL.Path, "/.github"):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found"}`)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"message":"stub"}`)
		}
	}))
	return s
}

// routeOf names a request by its shape, not its repository.
func routeOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "repos" {
		parts[1], parts[2] = "{owner}", "{repo}"
		if len(parts) > 4 && parts[3] == "contents" {
			parts = append(parts[:4], "{path}")
		}
	}
	return "/" + strings.Join(parts, "/")
}

func (s *stubGitHub) routes() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for r, n := range s.byRoute {
		out = append(out, fmt.Sprintf("%s ×%d", r, n))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (s *stubGitHub) reset() {
	s.mu.Lock()
	s.byRoute = map[string]int{}
	s.mu.Unlock()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func run(n, concurrency, repos int, examplePath, profile string) error {
	unrelated, warmup, handled, err := payloads(examplePath, repos)
	if err != nil {
		return err
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
	self, err := os.Executable()
	if err != nil {
		return err
	}

	stub := newStubGitHub()
	defer stub.Close()

	baseAddr, err := freeAddr()
	if err != nil {
		return err
	}
	baseline := exec.Command(self, "-baseline-serve", baseAddr)
	baseline.Stderr = os.Stderr
	if err := baseline.Start(); err != nil {
		return err
	}
	defer func() { _ = baseline.Process.Kill(); _ = baseline.Wait() }()

	dbURL, dbName := databaseURL(dir)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	srv, err := startServer(bin, dbURL, stub.URL, 1, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := waitReady("http://" + baseAddr); err != nil {
		return err
	}
	cmd, addr, adminAddr := srv.cmd, srv.addr, srv.admin
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}

	fmt.Printf("%s, %d senders, %d deliveries per scenario, %d repositories\n", dbName, concurrency, n, repos)
	fmt.Printf("%-22s %12s %9s %9s %9s %12s %12s %9s\n", "scenario", "deliveries/s", "p50", "p99", "× rate", "× p99", "GitHub reqs", "peak RSS")

	base := blast(client, "http://"+baseAddr, unrelated, http.StatusOK, n, concurrency)
	base.print("baseline, unrelated", base, -1, peakRSS(baseline.Process.Pid))

	// One delivery per repository first: the server reads each policy once.
	blast(client, "http://"+addr, warmup, http.StatusAccepted, len(warmup), 1)
	settle(stub, repos)
	fmt.Printf("%-22s %d GitHub requests to learn %d repositories' policies (%s)\n", "warm-up", stub.requests.Load(), repos, stub.routes())

	for _, sc := range []struct {
		name string
		mix  []delivery
		want int
	}{
		{"unrelated", unrelated, http.StatusOK},
		{"handled (incident)", handled, http.StatusAccepted},
	} {
		stub.reset()
		before := stub.requests.Load()
		commitsBefore := readCommits("http://" + adminAddr)
		var profiled chan error
		if profile != "" {
			profiled = make(chan error, 1)
			file := profile + "." + strings.Fields(sc.name)[0]
			go func() { profiled <- fetchProfile("http://"+adminAddr, file) }()
			time.Sleep(100 * time.Millisecond)
		}
		r := blast(client, "http://"+addr, sc.mix, sc.want, n, concurrency)
		if profiled != nil {
			if err := <-profiled; err != nil {
				return err
			}
		}
		requests := stub.requests.Load() - before
		r.print(sc.name, base, requests, peakRSS(cmd.Process.Pid))
		if c := readCommits("http://" + adminAddr).minus(commitsBefore); c.batches > 0 {
			fmt.Printf("%-22s %d transactions, %.1f deliveries each, %.2f ms each on average\n", "", int(c.batches),
				c.deliveries/c.batches, 1000*c.seconds/c.batches)
		}
		if requests > 0 {
			fmt.Printf("%-22s GitHub requests: %s\n", "", stub.routes())
		}
	}
	return nil
}

// commits sums the server's group-commit histograms.
type commits struct{ batches, deliveries, seconds float64 }

func (c commits) minus(o commits) commits {
	return commits{c.batches - o.batches, c.deliveries - o.deliveries, c.seconds - o.seconds}
}

func readCommits(admin string) commits {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return commits{}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var c commits
	for _, line := range strings.Split(string(data), "\n") {
		var v float64
		switch {
		case strings.HasPrefix(line, "postmortem_bot_intake_batch_deliveries_count "):
			fmt.Sscanf(strings.Fields(line)[1], "%g", &v)
			c.batches = v
		case strings.HasPrefix(line, "postmortem_bot_intake_batch_deliveries_sum "):
			fmt.Sscanf(strings.Fields(line)[1], "%g", &v)
			c.deliveries = v
		case strings.HasPrefix(line, "postmortem_bot_intake_commit_seconds_sum "):
			fmt.Sscanf(strings.Fields(line)[1], "%g", &v)
			c.seconds = v
		}
	}
	return c
}

// fetchProfile writes a 2-second CPU profile of the server to path.
func fetchProfile(admin, path string) error {
	resp, err := http.Get(admin + "/debug/pprof/profile?seconds=2")
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// settle waits until every repository's policy has been read (each read
// ends by asking for the owner's .github repository) and the stub has
// then seen no request for half a second.
func settle(stub *stubGitHub, repos int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		stub.mu.Lock()
		read := stub.byRoute["GET /repos/{owner}/{repo}"]
		stub.mu.Unlock()
		if read >= repos {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	last, quiet := stub.requests.Load(), time.Now()
	for time.Since(quiet) < 500*time.Millisecond {
		time.Sleep(50 * time.Millisecond)
		if now := stub.requests.Load(); now != last {
			last, quiet = now, time.Now()
		}
	}
}

type result struct {
	lat      []time.Duration
	elapsed  time.Duration
	failures int64
	statuses map[int]int
}

func (r result) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r result) print(name string, base result, requests int64, rssKiB int64) {
	reqs := "-"
	if requests >= 0 {
		reqs = fmt.Sprint(requests)
	}
	fmt.Printf("%-22s %12.0f %9s %9s %8.2f× %11.2f× %12s %8.1fMB", name, r.rate(), pct(r.lat, 50), pct(r.lat, 99),
		r.rate()/base.rate(), float64(pctD(r.lat, 99))/float64(pctD(base.lat, 99)), reqs, float64(rssKiB)/1024)
	if r.failures > 0 {
		fmt.Printf("  (%d unexpected answers: %v)", r.failures, r.statuses)
	}
	fmt.Println()
}

func blast(client *http.Client, base string, mix []delivery, want, n, concurrency int) result {
	lat := make([]time.Duration, n)
	var next, failures atomic.Int64
	var mu sync.Mutex
	statuses := map[int]int{}
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
				d := mix[int(i)%len(mix)]
				req, _ := http.NewRequest(http.MethodPost, base+"/api/github/hook", bytes.NewReader(d.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-GitHub-Event", d.event)
				req.Header.Set("X-GitHub-Delivery", deliveryID())
				req.Header.Set("X-Hub-Signature-256", d.sig)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				// Pushes are read (for policy changes) and answered 200.
				if resp.StatusCode != want && !(d.event == "push" && resp.StatusCode == http.StatusOK) {
					failures.Add(1)
					mu.Lock()
					statuses[resp.StatusCode]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return result{lat: lat, elapsed: time.Since(start), failures: failures.Load(), statuses: statuses}
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
	return fmt.Errorf("%s not ready after 30s", base)
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

func pctD(lat []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[(len(s)-1)*p/100]
}

func pct(lat []time.Duration, p int) string {
	return pctD(lat, p).Round(10 * time.Microsecond).String()
}

// peakRSS reads a process's high-water resident set size in KiB.
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
