package check_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

func TestInvalidPolicyInPullFailsWithAnnotationOnItsLine(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "policy", map[string][]byte{
		".github/postmortem.yml": []byte("# our policy\ncheck:\n  mode: sometimes\n"),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" {
		t.Errorf("conclusion %q, want failure", run.Conclusion)
	}
	if run.Title != "Invalid policy change: .github/postmortem.yml:3:3" {
		t.Errorf("title %q", run.Title)
	}
	if len(run.Annotations) != 1 {
		t.Fatalf("want one annotation, got %+v", run.Annotations)
	}
	got := run.Annotations[0]
	if !strings.Contains(got.Message, "check.mode") || strings.Contains(got.Message, "sometimes") {
		t.Errorf("annotation message %q does not name the key, or quotes the file's value", got.Message)
	}
	got.Message, got.RawDetails = "", ""
	want := fakegithub.Annotation{Path: ".github/postmortem.yml", StartLine: 3, EndLine: 3, StartColumn: 3, EndColumn: 3,
		AnnotationLevel: "failure", Title: "invalid-policy"}
	if got != want {
		t.Errorf("annotation\n got %+v\nwant %+v", got, want)
	}
	if !strings.Contains(run.Summary, "`.github/postmortem.yml:3:3` — policy change: invalid: `check.mode`: must be") {
		t.Errorf("summary does not name file:line and problem:\n%s", run.Summary)
	}
}

func TestValidPolicyChangeSucceedsSayingItAppliesOnceMerged(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "policy", map[string][]byte{
		".github/postmortem.yaml": []byte("check:\n  mode: advisory\n"),
	})
	before := len(h.GitHub.Requests())
	deliverPull(t, h, "opened", n)
	var calls []string
	for _, r := range h.GitHub.Requests()[before:] {
		if strings.HasPrefix(r.Path, "/repos/") {
			calls = append(calls, r.Method+" "+r.Path)
		}
	}
	t.Logf("%d repository requests for a policy-only pull request: %v", len(calls), calls)
	// List files, list the policy's folder (its size), read the policy
	// blob, confirm the head, list runs, create the run.
	if len(calls) > 6 {
		t.Errorf("%d repository requests, want at most 6", len(calls))
	}

	run := onlyRun(t, h, sha)
	if run.Conclusion != "success" || run.Title != "Policy change is valid" {
		t.Errorf("conclusion %q title %q, want success and \"Policy change is valid\"", run.Conclusion, run.Title)
	}
	if len(run.Annotations) != 0 {
		t.Errorf("want no annotations, got %+v", run.Annotations)
	}
	for _, s := range []string{"`.github/postmortem.yaml` — policy change: valid.", "applies only once it is merged"} {
		if !strings.Contains(run.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.Summary)
		}
	}
}

func TestInvalidPolicyAndBlamefulPostmortemAreBothReported(t *testing.T) {
	h := harness(t)
	const pm = "postmortems/checkout.md"
	n, sha := openPull(t, h, "pm", map[string][]byte{
		pm:                       testdata(t, "blameful.md"),
		".github/postmortem.yml": []byte("check:\n  mode: advisory\n  colour: red\n"),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" {
		t.Errorf("conclusion %q, want failure", run.Conclusion)
	}
	if run.Title != "Invalid policy change: .github/postmortem.yml:3:3; 3 errors in 1 postmortem" {
		t.Errorf("title %q", run.Title)
	}
	perFile := map[string][]string{}
	for _, a := range run.Annotations {
		perFile[a.Path] = append(perFile[a.Path], a.Title)
	}
	if got := perFile[".github/postmortem.yml"]; len(got) != 1 || got[0] != "invalid-policy" {
		t.Errorf("policy annotations %v, want one invalid-policy", got)
	}
	if got := perFile[pm]; len(got) != 3 {
		t.Errorf("postmortem annotations %v, want the 3 blameful findings", got)
	}
	for _, s := range []string{"policy change: invalid", "`check`: unknown key here", "person-fault", "checked against the base branch's policy", "check.mode: enforce"} {
		if !strings.Contains(run.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.Summary)
		}
	}
}

func TestValidPolicyChangeDoesNotLoosenTheCheckOnPostmortems(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{
		"postmortems/checkout.md": testdata(t, "blameful.md"),
		".github/postmortem.yml":  []byte("check:\n  mode: advisory\n"),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || run.Title != "3 errors in 1 postmortem" {
		t.Errorf("conclusion %q title %q, want failure from the base policy", run.Conclusion, run.Title)
	}
	if !strings.Contains(run.Summary, "policy change: valid") {
		t.Errorf("summary lacks the policy change:\n%s", run.Summary)
	}
}

func TestPolicyReferringToAnotherRepositoryIsNotMistakenForInvalid(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "policy", map[string][]byte{
		".github/postmortem.yml": []byte("remote: acme/.github\nref: main\n"),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "success" || len(run.Annotations) != 0 {
		t.Errorf("conclusion %q with %d annotations, want success with none", run.Conclusion, len(run.Annotations))
	}
	if !strings.Contains(run.Summary, "policy change: refers to `acme/.github:.github/postmortem.yml@main`") {
		t.Errorf("summary does not name the reference:\n%s", run.Summary)
	}
}

func TestPullFixingAnInvalidBasePolicyPasses(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("check:\n  mode: sometimes\n"), "broken policy")
	n, sha := openPull(t, h, "fix", map[string][]byte{".github/postmortem.yml": []byte("check:\n  mode: advisory\n")})
	deliverPull(t, h, "opened", n)

	if run := onlyRun(t, h, sha); run.Conclusion != "success" || !strings.Contains(run.Summary, "policy change: valid") {
		t.Errorf("conclusion %q, want success for the fix:\n%s", run.Conclusion, run.Summary)
	}
}

func TestDeletedPolicyIsNotReviewed(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("check:\n  mode: advisory\n"), "policy")
	n, sha := openPull(t, h, "drop", map[string][]byte{".github/postmortem.yml": nil})
	before := h.GitHub.CountRequests("", "/repos/")
	deliverPull(t, h, "opened", n)

	if runs := h.GitHub.CheckRuns(owner, repo, sha); len(runs) != 0 {
		t.Errorf("want no check run, got %+v", runs)
	}
	if got := h.GitHub.CountRequests("", "/repos/") - before; got != 1 {
		t.Errorf("want exactly 1 repository API request, got %d", got)
	}
}

func TestRedeliveredPolicyChangePublishesOneRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "policy", map[string][]byte{".github/postmortem.yml": []byte("check:\n  mode: sometimes\n")})
	body := h.GitHub.PullRequestWebhook("opened", owner, repo, n, "alice")
	h.DeliverAs("pull_request", "delivery-1", body)
	h.WaitIdle()
	h.DeliverAs("pull_request", "delivery-1", body)
	h.WaitIdle()
	deliverPull(t, h, "edited", n)

	run := onlyRun(t, h, sha)
	if len(run.Annotations) != 1 {
		t.Errorf("want 1 annotation, got %+v", run.Annotations)
	}
	writes := h.GitHub.CountRequests("POST", "/repos/acme/shop/check-runs") + h.GitHub.CountRequests("PATCH", "/repos/acme/shop/check-runs")
	if writes != 1 {
		t.Errorf("%d check run writes, want 1", writes)
	}
}

// A policy file in a pull request is sized before it is read: an oversized
// one fails the check at its path and is never downloaded.
func TestOversizedPolicyInPullIsReportedWithoutBeingDownloaded(t *testing.T) {
	h := harness(t)
	big := append([]byte("# "), bytes.Repeat([]byte("x"), policy.MaxFileBytes)...)
	n, sha := openPull(t, h, "policy", map[string][]byte{".github/postmortem.yml": append(big, "\ncheck:\n  mode: advisory\n"...)})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "a policy file may hold at most 65536, so it was not read") {
		t.Errorf("conclusion %q, summary:\n%s", run.Conclusion, run.Summary)
	}
	if got := h.GitHub.CountRequests("GET", "/repos/acme/shop/git/blobs"); got != 0 {
		t.Errorf("%d blob downloads, want none", got)
	}
}

// A pull request's policy cannot point the app at another repository's
// files: the reference is refused at its line before it is ever followed.
func TestRemoteOutsideTheOwnerPolicyRepositoryFailsTheCheck(t *testing.T) {
	h := harness(t)
	h.GitHub.AddRepo(owner, "secrets")
	h.GitHub.CommitFile(owner, "secrets", "main", "deploy/prod.env", []byte("DB_PASSWORD=hunter2\n"), "secret")
	n, sha := openPull(t, h, "policy", map[string][]byte{
		".github/postmortem.yml": []byte("remote: acme/secrets\npath: deploy/prod.env\n"),
	})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || len(run.Annotations) != 1 || run.Annotations[0].StartLine != 1 {
		t.Fatalf("conclusion %q annotations %+v, want a failure on line 1", run.Conclusion, run.Annotations)
	}
	if strings.Contains(run.Summary, "hunter2") || h.GitHub.CountRequests("GET", "/repos/acme/secrets") != 0 {
		t.Errorf("the other repository was read or quoted:\n%s", run.Summary)
	}
}

// The base branch's policy is what the check runs under; a remote reference
// in it that leaves the owner's policy repository is reported by file, line
// and kind of problem, and the file it names is neither read nor quoted.
func TestBasePolicyRemoteToAnotherRepositoryIsNeitherReadNorQuoted(t *testing.T) {
	h := harness(t)
	h.GitHub.AddRepo(owner, "secrets")
	h.GitHub.CommitFile(owner, "secrets", "main", "deploy/prod.env", []byte("DB_PASSWORD=hunter2\n"), "secret")
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("remote: acme/secrets\npath: deploy/prod.env\n"), "policy")
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/2026-03-01-search.md": testdata(t, "clean.md")})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || run.Title != "Invalid postmortem policy: .github/postmortem.yml:1:9" {
		t.Errorf("conclusion %q title %q", run.Conclusion, run.Title)
	}
	if strings.Contains(run.Summary, "hunter2") || strings.Contains(run.Summary, "DB_PASSWORD") {
		t.Errorf("the summary quotes the other repository's file:\n%s", run.Summary)
	}
	if got := h.GitHub.CountRequests("GET", "/repos/acme/secrets"); got != 0 {
		t.Errorf("%d requests to the other repository, want none", got)
	}
}

// Aliases used to be followed by hand, without yaml's own guard: 31 KB of
// nested aliases took 9 s and 1.4 GB. A pull request's policy holding any
// anchor is now refused at its line before anything is expanded.
func TestAliasBombInPullPolicyIsRefusedAtItsLine(t *testing.T) {
	h := harness(t)
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("incident:\n  labels: *l29\n")
	n, sha := openPull(t, h, "policy", map[string][]byte{".github/postmortem.yml": []byte(b.String())})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	if run.Conclusion != "failure" || len(run.Annotations) != 1 || run.Annotations[0].StartLine != 1 ||
		!strings.Contains(run.Annotations[0].Message, "anchors (&name) are not allowed") {
		t.Fatalf("conclusion %q annotations %+v, want the anchor on line 1 refused", run.Conclusion, run.Annotations)
	}
}
