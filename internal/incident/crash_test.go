package incident_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// retitle renames an issue through GitHub's API, as a person editing it would.
func retitle(t *testing.T, h *servertest.Harness, n int, title string) {
	t.Helper()
	c := github.NewClient(h.GitHub.Client()).WithAuthToken(h.GitHub.InstallationToken(1))
	base, err := url.Parse(h.GitHub.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = base
	if _, _, err := c.Issues.Edit(context.Background(), owner, repo, n, &github.IssueRequest{Title: github.String(title)}); err != nil {
		t.Fatalf("retitle #%d: %v", n, err)
	}
}

// postmortemsOn lists the postmortem files a branch adds to main.
func postmortemsOn(h *servertest.Harness, branch string, candidates ...string) []string {
	var out []string
	for _, p := range candidates {
		_, onBranch := h.GitHub.FileAt(owner, repo, branch, p)
		_, onMain := h.GitHub.FileAt(owner, repo, "main", p)
		if onBranch && !onMain {
			out = append(out, p)
		}
	}
	return out
}

const retitledPath = "postmortems/2026-03-04-1-payments-deploy-broke-checkout.md"

func TestRetitledIncidentAfterCrashKeepsOneFile(t *testing.T) {
	h := startWith(t, servertest.Options{MaxAttempts: 1})
	n := openIncident(t, h, "sev1")
	h.GitHub.FailNext(1, http.StatusBadGateway, isPullCreation)
	label(t, h, n) // commits the draft, then dies opening the PR
	if pulls := h.GitHub.Pulls(owner, repo); len(pulls) != 0 {
		t.Fatalf("the failed attempt opened %d PRs", len(pulls))
	}
	retitle(t, h, n, "Payments deploy broke checkout")
	label(t, h, n)

	pr := onlyPull(t, h)
	if files := postmortemsOn(h, branch, draftPath, retitledPath); len(files) != 1 || files[0] != draftPath {
		t.Errorf("postmortems on the branch = %v, want only the first attempt's %s", files, draftPath)
	}
	if puts := h.GitHub.CountRequests(http.MethodPut, "/repos/acme/shop/contents/postmortems/"); puts != 1 {
		t.Errorf("the draft was committed %d times, want once", puts)
	}
	if pr.Title != "Postmortem: Payments deploy broke checkout" {
		t.Errorf("PR title = %q, want the incident's current title", pr.Title)
	}
	if !strings.Contains(pr.Body, draftPath) || strings.Contains(pr.Body, retitledPath) {
		t.Errorf("PR body does not name the file on the branch:\n%s", pr.Body)
	}
	c := botComments(h, n, "<!-- postmortem-bot:incident-pr -->")
	if len(c) != 1 || !strings.Contains(c[0].Body, draftPath) {
		t.Errorf("incident comments = %+v, want one naming %s", c, draftPath)
	}
}

func TestClosingARetitledIncidentKeepsThePathItsPRHolds(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	retitle(t, h, n, "Payments deploy broke checkout")
	h.GitHub.CloseIssue(owner, repo, n, "mkaur")
	before := len(h.GitHub.Requests())
	deliver(t, h, "issues", h.GitHub.IssueWebhook("closed", owner, repo, n, "mkaur", nil))
	h.WaitIdle()

	reqs := h.GitHub.Requests()[before:]
	var calls []string
	for _, r := range reqs {
		calls = append(calls, r.Method+" "+r.Path)
	}
	t.Logf("closing the incident used %d GitHub requests:\n%s", len(calls), strings.Join(calls, "\n"))
	if len(calls) > 8 {
		t.Errorf("closing the incident made %d requests, want at most 8", len(calls))
	}
	assertOneProposal(t, h, n)
	c := botComments(h, n, "<!-- postmortem-bot:incident-pr -->")[0]
	if !strings.Contains(c.Body, draftPath) || !strings.Contains(c.Body, "is due on") {
		t.Errorf("after closing, the incident comment should keep %s and state the due date:\n%s", draftPath, c.Body)
	}
}
