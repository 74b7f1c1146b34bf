package incident_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// assertOneProposal checks GitHub holds exactly one postmortem PR, one
// postmortem branch and one incident comment for incident n.
func assertOneProposal(t *testing.T, h *servertest.Harness, n int) {
	t.Helper()
	onlyPull(t, h)
	var branches []string
	for _, b := range h.GitHub.Branches(owner, repo) {
		if strings.HasPrefix(b, "postmortem/") {
			branches = append(branches, b)
		}
	}
	if len(branches) != 1 {
		t.Errorf("postmortem branches = %v, want exactly one", branches)
	}
	if c := botComments(h, n, "<!-- postmortem-bot:incident-pr -->"); len(c) != 1 {
		t.Errorf("incident comments = %d, want 1", len(c))
	}
	if puts := h.GitHub.CountRequests(http.MethodPut, "/repos/acme/shop/contents/postmortems/"); puts != 1 {
		t.Errorf("the draft was committed %d times, want once", puts)
	}
}

func TestRelabelDoesNotOpenSecondPR(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	h.GitHub.RemoveLabelFromIssue(owner, repo, n, "incident", "mkaur")
	h.GitHub.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	before := len(h.GitHub.Requests())
	label(t, h, n)
	assertOneProposal(t, h, n)
	if extra := len(h.GitHub.Requests()) - before; extra != 0 {
		t.Errorf("a relabel of a proposed incident made %d GitHub requests, want 0", extra)
	}
}

func TestRedeliveryOfTheSameLabelEventDoesNothingMore(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	body := h.GitHub.IssueWebhook("labeled", owner, repo, n, "mkaur", nil)
	id := servertest.NewDeliveryID()
	if resp := h.DeliverAs("issues", id, body); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("first delivery: status %d, want 202", resp.StatusCode)
	}
	h.WaitIdle()
	assertOneProposal(t, h, n)
	before := len(h.GitHub.Requests())
	if resp := h.DeliverAs("issues", id, body); resp.StatusCode/100 != 2 {
		t.Fatalf("redelivery: status %d", resp.StatusCode)
	}
	h.WaitIdle()
	assertOneProposal(t, h, n)
	if extra := h.GitHub.Requests()[before:]; len(extra) != 0 {
		t.Errorf("the redelivery made %d GitHub requests, want none: %+v", len(extra), extra)
	}
}

func TestConcurrentLabelDeliveriesOpenOnePR(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	body := h.GitHub.IssueWebhook("labeled", owner, repo, n, "mkaur", nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Deliver("issues", body)
		}()
	}
	wg.Wait()
	h.WaitIdle()
	assertOneProposal(t, h, n)
	t.Logf("job outcomes: %v", h.Metric("postmortem_bot_jobs_total"))
}

func TestFailureBetweenBranchAndPRIsResumedByTheRetry(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	h.GitHub.FailNext(1, http.StatusBadGateway, func(method, path string) bool {
		return method == http.MethodPost && path == "/repos/acme/shop/pulls"
	})
	label(t, h, n)
	assertOneProposal(t, h, n)
	if got := h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/pulls"); got != 2 {
		t.Errorf("PR creation attempts = %d, want the failed one and the retry", got)
	}
	if got := h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/git/refs"); got != 2 {
		t.Errorf("branch creation attempts = %d, want 2 (the retry finds the branch there)", got)
	}
}

func TestExistingPostmortemBranchAndPRAreAdopted(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	// A crashed attempt (or a person) left the branch with the draft and an
	// unlabelled PR behind.
	h.GitHub.CommitFile(owner, repo, branch, draftPath, []byte("# Postmortem\n"), "Add postmortem draft")
	pr := h.GitHub.OpenPull(owner, repo, branch, "main", "Postmortem: checkout", "mkaur")
	label(t, h, n)

	got := onlyPull(t, h)
	if got.Number != pr || strings.Join(got.Labels, ",") != "postmortem" || strings.Join(got.Assignees, ",") != "mkaur" {
		t.Errorf("adopted PR #%d labels %v assignees %v; want #%d labelled postmortem, assigned mkaur", got.Number, got.Labels, got.Assignees, pr)
	}
	if content, _ := h.GitHub.FileAt(owner, repo, branch, draftPath); string(content) != "# Postmortem\n" {
		t.Errorf("the existing draft was overwritten:\n%s", content)
	}
	c := botComments(h, n, "<!-- postmortem-bot:incident-pr -->")
	if len(c) != 1 || !strings.Contains(c[0].Body, "#2") {
		t.Errorf("incident comments = %+v, want one linking #2", c)
	}
	if h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/pulls") != 0 {
		t.Errorf("the job tried to open another PR")
	}
}
