package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/check"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

const (
	owner = "acme"
	repo  = "shop"
)

// harness is a running server with acme/shop installed.
func harness(t *testing.T) *servertest.Harness {
	t.Helper()
	h := servertest.Start(t, servertest.Options{})
	h.GitHub.AddInstallation(1, owner)
	h.GitHub.AddRepo(owner, repo)
	return h
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openPull commits files on a branch, opens a pull request from it and
// returns its number and head SHA.
func openPull(t *testing.T, h *servertest.Harness, branch string, files map[string][]byte) (int, string) {
	t.Helper()
	sha := h.GitHub.CommitFiles(owner, repo, branch, files, "postmortem")
	n := h.GitHub.OpenPull(owner, repo, branch, "main", "Postmortem", "alice")
	return n, sha
}

// deliverPull sends a pull_request webhook and waits for its jobs.
func deliverPull(t *testing.T, h *servertest.Harness, action string, n int) {
	t.Helper()
	resp := h.Deliver("pull_request", h.GitHub.PullRequestWebhook(action, owner, repo, n, "alice"))
	if resp.StatusCode >= 300 {
		t.Fatalf("webhook answered %d", resp.StatusCode)
	}
	h.WaitIdle()
}

// onlyRun returns the single postmortem check run on sha.
func onlyRun(t *testing.T, h *servertest.Harness, sha string) fakegithub.CheckRun {
	t.Helper()
	runs := h.GitHub.CheckRuns(owner, repo, sha)
	if len(runs) != 1 {
		t.Fatalf("want exactly one check run on %s, got %d: %+v", sha, len(runs), runs)
	}
	r := runs[0]
	if r.Name != "postmortem" || r.Status != "completed" {
		t.Fatalf("check run is %q in status %q, want a completed \"postmortem\" run", r.Name, r.Status)
	}
	return r
}

func TestCleanPostmortemSucceedsWithoutAnnotations(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/2026-03-01-search.md": testdata(t, "clean.md")})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "success" {
		t.Errorf("conclusion %q, want success; summary:\n%s", run.Conclusion, run.Summary)
	}
	if len(run.Annotations) != 0 {
		t.Errorf("want no annotations, got %+v", run.Annotations)
	}
	if run.Title != "No problems in 1 postmortem" {
		t.Errorf("title %q", run.Title)
	}
	if !strings.Contains(run.Summary, "postmortems/2026-03-01-search.md") {
		t.Errorf("summary does not name the file:\n%s", run.Summary)
	}
	var calls []string
	for _, r := range h.GitHub.Requests() {
		if strings.HasPrefix(r.Path, "/repos/") {
			calls = append(calls, r.Method+" "+r.Path)
		}
	}
	t.Logf("%d repository requests for one clean postmortem: %v", len(calls), calls)
	if len(calls) > 8 {
		t.Errorf("%d repository requests for one postmortem, want at most 8", len(calls))
	}
}

func TestBlamefulSentencesFailWithAnnotationsAtExactPositions(t *testing.T) {
	h := harness(t)
	const path = "postmortems/2026-03-02-checkout.md"
	n, sha := openPull(t, h, "pm", map[string][]byte{path: testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" {
		t.Errorf("conclusion %q, want failure", run.Conclusion)
	}
	if run.Title != "3 errors in 1 postmortem" {
		t.Errorf("title %q", run.Title)
	}
	want := []fakegithub.Annotation{
		{Path: path, StartLine: 18, EndLine: 18, StartColumn: 5, EndColumn: 11, AnnotationLevel: "failure", Title: "person-fault"},
		{Path: path, StartLine: 18, EndLine: 18, StartColumn: 38, EndColumn: 46, AnnotationLevel: "failure", Title: "character-judgement"},
		{Path: path, StartLine: 19, EndLine: 19, StartColumn: 10, EndColumn: 21, AnnotationLevel: "failure", Title: "human-error"},
	}
	if len(run.Annotations) != len(want) {
		t.Fatalf("want %d annotations, got %+v", len(want), run.Annotations)
	}
	for i, w := range want {
		got := run.Annotations[i]
		if !strings.Contains(got.Message, "Try instead: ") {
			t.Errorf("annotation %d has no suggestion: %q", i, got.Message)
		}
		if !strings.Contains(got.Message, "\n\nMatched: \"") {
			t.Errorf("annotation %d does not say which words it matched: %q", i, got.Message)
		}
		got.Message, got.RawDetails = "", ""
		if got != w {
			t.Errorf("annotation %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
	for _, s := range []string{"person-fault", "How to rephrase", "check.mode: enforce"} {
		if !strings.Contains(run.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.Summary)
		}
	}
}

func TestPullWithoutPostmortemsGetsNoCheckRunForOneRequest(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "feature", map[string][]byte{
		"cmd/main.go": []byte("package main\n"), "docs/notes.txt": []byte("notes\n"),
	})
	before := h.GitHub.CountRequests("", "/repos/")
	deliverPull(t, h, "opened", n)

	if runs := h.GitHub.CheckRuns(owner, repo, sha); len(runs) != 0 {
		t.Errorf("want no check run, got %+v", runs)
	}
	if got := h.GitHub.CountRequests("", "/repos/") - before; got != 1 {
		t.Errorf("want exactly 1 repository API request (list the files), got %d", got)
	}
}

// manyFindings is a postmortem whose root cause has n blameful sentences,
// one per paragraph, each giving one human-error finding.
func manyFindings(t *testing.T, n int) []byte {
	t.Helper()
	src := string(testdata(t, "clean.md"))
	var b strings.Builder
	for range n {
		b.WriteString("It was human error.\n\n")
	}
	return []byte(strings.Replace(src, "## Resolution\n", b.String()+"## Resolution\n", 1))
}

// annotationBatches returns how many annotations each check run write sent.
func annotationBatches(t *testing.T, h *servertest.Harness) (methods []string, sizes []int) {
	t.Helper()
	for _, r := range h.GitHub.Requests() {
		if !strings.Contains(r.Path, "/check-runs") || (r.Method != "POST" && r.Method != "PATCH") {
			continue
		}
		var body struct {
			Output struct {
				Annotations []json.RawMessage `json:"annotations"`
			} `json:"output"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("check run request body: %v", err)
		}
		methods = append(methods, r.Method)
		sizes = append(sizes, len(body.Output.Annotations))
	}
	return methods, sizes
}

func TestManyFindingsAreSentInBatchesOfFifty(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/many.md": manyFindings(t, 120)})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if len(run.Annotations) != 120 {
		t.Fatalf("want 120 annotations, got %d", len(run.Annotations))
	}
	methods, sizes := annotationBatches(t, h)
	if fmt.Sprint(methods) != "[POST PATCH PATCH]" || fmt.Sprint(sizes) != "[50 50 20]" {
		t.Errorf("check run writes %v with %v annotations, want [POST PATCH PATCH] with [50 50 20]", methods, sizes)
	}
	lines := map[int]bool{}
	for _, a := range run.Annotations {
		if a.Title != "human-error" || a.AnnotationLevel != "failure" {
			t.Errorf("unexpected annotation %+v", a)
		}
		lines[a.StartLine] = true
	}
	if len(lines) != 120 {
		t.Errorf("annotations cover %d distinct lines, want 120", len(lines))
	}
	if run.Conclusion != "failure" || run.Title != "120 errors in 1 postmortem" {
		t.Errorf("conclusion %q title %q", run.Conclusion, run.Title)
	}
}

func TestCrashBetweenBatchesResumesTheSameRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/many.md": manyFindings(t, 120)})
	h.GitHub.FailNext(1, 502, func(method, path string) bool {
		return method == "PATCH" && strings.Contains(path, "/check-runs/")
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if len(run.Annotations) != 120 {
		t.Fatalf("want 120 annotations after the retry, got %d", len(run.Annotations))
	}
	seen := map[int]int{}
	for _, a := range run.Annotations {
		seen[a.StartLine]++
	}
	for line, c := range seen {
		if c != 1 {
			t.Errorf("line %d annotated %d times", line, c)
		}
	}
	if got := h.GitHub.CountRequests("POST", "/repos/acme/shop/check-runs"); got != 1 {
		t.Errorf("%d check runs created, want 1", got)
	}
	failed := 0
	for _, r := range h.GitHub.Requests() {
		if r.Status == 502 {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d requests failed, want the one injected failure", failed)
	}
}

func TestAdvisoryModeConcludesNeutral(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("check:\n  mode: advisory\n  guidance_url: https://wiki.example/blameless\n"), "policy")
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "neutral" {
		t.Errorf("conclusion %q, want neutral", run.Conclusion)
	}
	if len(run.Annotations) != 3 {
		t.Errorf("advisory mode still annotates: want 3, got %d", len(run.Annotations))
	}
	for _, s := range []string{"check.mode: advisory", "https://wiki.example/blameless", "acme/shop@"} {
		if !strings.Contains(run.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.Summary)
		}
	}
}

func TestSynchronizeReviewsTheNewHead(t *testing.T) {
	h := harness(t)
	const path = "postmortems/checkout.md"
	n, first := openPull(t, h, "pm", map[string][]byte{path: testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)
	second := h.GitHub.CommitFile(owner, repo, "pm", path, testdata(t, "clean.md"), "rephrase")
	deliverPull(t, h, "synchronize", n)

	if got := onlyRun(t, h, first).Conclusion; got != "failure" {
		t.Errorf("first head: conclusion %q, want failure", got)
	}
	if got := onlyRun(t, h, second); got.Conclusion != "success" || len(got.Annotations) != 0 {
		t.Errorf("second head: conclusion %q with %d annotations, want success with none", got.Conclusion, len(got.Annotations))
	}
}

func TestOutdatedDeliveryDoesNotPublish(t *testing.T) {
	h := harness(t)
	const path = "postmortems/checkout.md"
	n, old := openPull(t, h, "pm", map[string][]byte{path: testdata(t, "blameful.md")})
	late := h.GitHub.PullRequestWebhook("opened", owner, repo, n, "alice") // built while the head was old
	current := h.GitHub.CommitFile(owner, repo, "pm", path, testdata(t, "clean.md"), "rephrase")
	deliverPull(t, h, "synchronize", n)
	h.Deliver("pull_request", late)
	h.WaitIdle()

	if runs := h.GitHub.CheckRuns(owner, repo, old); len(runs) != 0 {
		t.Errorf("outdated head got %d check runs: %+v", len(runs), runs)
	}
	if got := onlyRun(t, h, current).Conclusion; got != "success" {
		t.Errorf("current head: conclusion %q, want success", got)
	}
}

func TestRepeatedDeliveriesPublishOneRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	body := h.GitHub.PullRequestWebhook("opened", owner, repo, n, "alice")
	h.DeliverAs("pull_request", "delivery-1", body)
	h.WaitIdle()
	h.DeliverAs("pull_request", "delivery-1", body) // GitHub's redelivery
	h.WaitIdle()
	// Two distinct deliveries for the same head at once.
	var wg sync.WaitGroup
	for _, action := range []string{"edited", "reopened"} {
		wg.Add(1)
		payload := h.GitHub.PullRequestWebhook(action, owner, repo, n, "alice")
		go func() {
			defer wg.Done()
			h.Deliver("pull_request", payload)
		}()
	}
	wg.Wait()
	h.WaitIdle()

	run := onlyRun(t, h, sha)
	if len(run.Annotations) != 3 {
		t.Errorf("want 3 annotations, got %d", len(run.Annotations))
	}
	writes := h.GitHub.CountRequests("POST", "/repos/acme/shop/check-runs") + h.GitHub.CountRequests("PATCH", "/repos/acme/shop/check-runs")
	if writes != 1 {
		t.Errorf("%d check run writes, want 1", writes)
	}
}

func TestMalformedFilesBecomeFindings(t *testing.T) {
	h := harness(t)
	huge := append([]byte("# Postmortem\n\n"), bytes.Repeat([]byte("Log line without blame.\n"), 10<<20/24)...)
	n, sha := openPull(t, h, "pm", map[string][]byte{
		"postmortems/binary.md":      {0x89, 'P', 'N', 'G', 0, 0, 0, 0x0d},
		"postmortems/latin1.md":      []byte("# Postmortem\n\nCaf\xe9 outage.\n"),
		"postmortems/frontmatter.md": append([]byte("---\ntitle: x\n\n"), testdata(t, "clean.md")...),
		"postmortems/huge.md":        huge,
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	rules := map[string]string{}
	for _, a := range run.Annotations {
		rules[a.Path+" "+a.Title] = a.AnnotationLevel
	}
	for _, want := range []string{
		"postmortems/binary.md file-unreadable", "postmortems/latin1.md file-invalid-utf8",
		"postmortems/frontmatter.md front-matter-unclosed", "postmortems/huge.md file-too-large",
	} {
		if rules[want] == "" {
			t.Errorf("no annotation %q; got %v", want, rules)
		}
	}
	if run.Conclusion != "failure" || !strings.Contains(run.Title, "4 postmortems") {
		t.Errorf("conclusion %q title %q", run.Conclusion, run.Title)
	}
}

func TestInvalidPolicyFailsNamingFileAndLine(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("# our policy\ncheck:\n  mode: sometimes\n"), "policy")
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "clean.md")})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" {
		t.Errorf("conclusion %q, want failure", run.Conclusion)
	}
	if !strings.Contains(run.Title, ".github/postmortem.yml:3") {
		t.Errorf("title %q does not name .github/postmortem.yml:3", run.Title)
	}
	for _, s := range []string{".github/postmortem.yml", "line 3", "check.mode", "postmortems/checkout.md"} {
		if !strings.Contains(run.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.Summary)
		}
	}
}

func TestDeletedPostmortemAndReadmeAreNotChecked(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", "postmortems/old.md", testdata(t, "blameful.md"), "old postmortem")
	n, sha := openPull(t, h, "cleanup", map[string][]byte{"postmortems/old.md": nil, "postmortems/README.md": []byte("# Postmortems\n")})
	before := len(h.GitHub.Requests())
	deliverPull(t, h, "opened", n)

	if runs := h.GitHub.CheckRuns(owner, repo, sha); len(runs) != 0 {
		t.Errorf("want no check run, got %+v", runs)
	}
	// No run because the files were looked at and passed over, not because
	// the review never ran or could not list them.
	var listed []int
	for _, r := range h.GitHub.Requests()[before:] {
		switch {
		case r.Method == "GET" && r.Path == fmt.Sprintf("/repos/acme/shop/pulls/%d/files", n):
			listed = append(listed, r.Status)
		case strings.Contains(r.Path, "/check-runs"):
			t.Errorf("check-run request %s %s", r.Method, r.Path)
		}
	}
	if len(listed) != 1 || listed[0] != 200 {
		t.Errorf("file listings answered %v, want one answered 200", listed)
	}
}

func TestRerunRequestsPublishAFreshRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)
	first := onlyRun(t, h, sha)

	h.Deliver("check_run", h.GitHub.CheckRunWebhook(owner, repo, first.ID, "alice"))
	h.WaitIdle()
	suite := h.GitHub.CheckSuiteWebhook(owner, repo, sha)
	h.DeliverAs("check_suite", "suite-1", suite)
	h.WaitIdle()
	h.DeliverAs("check_suite", "suite-1", suite) // redelivered: no third run
	h.WaitIdle()

	runs := h.GitHub.CheckRuns(owner, repo, sha)
	if len(runs) != 3 {
		t.Fatalf("want the first run and one fresh run per re-run request (3), got %d", len(runs))
	}
	for _, r := range runs {
		if r.Conclusion != "failure" || len(r.Annotations) != 3 {
			t.Errorf("run %d: conclusion %q with %d annotations", r.ID, r.Conclusion, len(r.Annotations))
		}
	}
}

func TestPostmortemOverOneMegabyteIsReadInFull(t *testing.T) {
	h := harness(t)
	src := string(testdata(t, "clean.md"))
	filler := strings.Repeat("The queue drained at a steady rate while the backlog was replayed.\n\n", (2<<20)/68)
	big := strings.Replace(src, "## Resolution\n", filler+"It was human error.\n\n## Resolution\n", 1)
	if len(big) < 2<<20 {
		t.Fatalf("test file is only %d bytes", len(big))
	}
	wantLine := strings.Count(big[:strings.Index(big, "It was human error.")], "\n") + 1
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/long.md": []byte(big)})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if len(run.Annotations) != 1 || run.Annotations[0].StartLine != wantLine || run.Annotations[0].Title != "human-error" {
		t.Errorf("want one human-error annotation on line %d, got %+v", wantLine, run.Annotations)
	}
}

func TestPullCannotLoosenItsOwnCheck(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{
		"postmortems/checkout.md": testdata(t, "blameful.md"),
		".github/postmortem.yml":  []byte("check:\n  mode: advisory\n"),
	})
	deliverPull(t, h, "opened", n)

	if got := onlyRun(t, h, sha).Conclusion; got != "failure" {
		t.Errorf("conclusion %q, want failure: the policy is read from the base branch", got)
	}
}

func TestRateLimitedReviewWaitsInsteadOfFailing(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	// The fake keeps its wall clock: the app reads a rate limit's reset on
	// the wall clock too (a reset already past would mean "wait a minute").
	const wait = 2 * time.Second
	listsFiles := func(method, path string) bool { return method == "GET" && strings.HasSuffix(path, "/files") }
	h.GitHub.RateLimitNext(fakegithub.PrimaryRateLimit, wait, listsFiles)
	deliverPull(t, h, "opened", n) // waits for the job, snooze included

	// The review waited out the limit and then published in full.
	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || len(run.Annotations) != 3 {
		t.Errorf("after the reset: conclusion %q with %d annotations, want failure with 3", run.Conclusion, len(run.Annotations))
	}
	var limitedAt, retriedAt time.Time
	for _, r := range h.GitHub.Requests() {
		if !listsFiles(r.Method, r.Path) {
			continue
		}
		if r.Status == 403 && limitedAt.IsZero() {
			limitedAt = r.At
		} else if r.Status == 200 && !limitedAt.IsZero() && retriedAt.IsZero() {
			retriedAt = r.At
		}
	}
	if limitedAt.IsZero() || retriedAt.IsZero() {
		t.Fatalf("want a rate-limited file listing, then a successful one; limited at %v, retried at %v", limitedAt, retriedAt)
	}
	// The fake's clock has one-second steps.
	if gap := retriedAt.Sub(limitedAt); gap < wait-time.Second {
		t.Errorf("retried %v after the rate limit; GitHub asked for %v", gap, wait)
	}
	// Waiting is not failing: the review's one job completed with no
	// failed attempt on record.
	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateCompleted, rivertype.JobStateDiscarded, rivertype.JobStateRetryable)
	if err != nil {
		t.Fatal(err)
	}
	var reviews []*rivertype.JobRow
	for _, j := range jobs {
		if j.Kind == (check.ReviewArgs{}).Kind() {
			reviews = append(reviews, j)
		}
	}
	if len(reviews) != 1 || reviews[0].State != rivertype.JobStateCompleted || len(reviews[0].Errors) != 0 {
		for _, j := range reviews {
			t.Logf("review job %d: %s, errors %v", j.ID, j.State, j.Errors)
		}
		t.Errorf("want one review job, completed without a failed attempt; got %d", len(reviews))
	}
}

// Markdown shapes the parser handles in quadratic time (1 MiB of nested
// quotes took about 4 minutes) are screened out: the check reports the file
// as too complex to analyse instead of holding a worker.
func TestPathologicalPostmortemIsReportedTooComplex(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{
		"postmortems/quotes.md": bytes.Repeat([]byte(">"), 1<<20),
		"postmortems/links.md":  bytes.Repeat([]byte("[a]("), 1<<18),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || len(run.Annotations) != 2 {
		t.Fatalf("conclusion %q annotations %+v, want a failure with one annotation per file", run.Conclusion, run.Annotations)
	}
	for _, a := range run.Annotations {
		if a.Title != "file-too-complex" || !strings.Contains(a.Message, "too complex to analyse") {
			t.Errorf("annotation %+v, want file-too-complex", a)
		}
	}
}
