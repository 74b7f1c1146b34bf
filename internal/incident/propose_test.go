package incident_test

import (
	"strings"
	"testing"
)

const draftPath = "postmortems/2026-03-04-1-checkout-502s-after-payments-deploy.md"

func TestIncidentLabelOpensOnePostmortemPR(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev2")
	before := len(h.GitHub.Requests())
	label(t, h, n)

	pr := onlyPull(t, h)
	if pr.Title != "Postmortem: Checkout 502s after payments deploy" || pr.Head != branch || pr.Base != "main" {
		t.Errorf("pull request = %q %s -> %s", pr.Title, pr.Head, pr.Base)
	}
	if !strings.Contains(pr.Body, "Refs #1") || !strings.Contains(pr.Body, "### Next steps") || !strings.Contains(pr.Body, "`postmortem` check") {
		t.Errorf("pull request body lacks the incident link, next steps or checks:\n%s", pr.Body)
	}
	if strings.Join(pr.Labels, ",") != "postmortem" || strings.Join(pr.Assignees, ",") != "mkaur" {
		t.Errorf("labels %v, assignees %v; want [postmortem], [mkaur]", pr.Labels, pr.Assignees)
	}
	content, ok := h.GitHub.FileAt(owner, repo, branch, draftPath)
	if !ok {
		t.Fatalf("branch %s has no %s", branch, draftPath)
	}
	golden(t, "checkout-502s.golden.md", content)
	if _, onMain := h.GitHub.FileAt(owner, repo, "main", draftPath); onMain {
		t.Errorf("the draft landed on main")
	}

	comments := botComments(h, n, "<!-- postmortem-bot:incident-pr -->")
	if len(comments) != 1 {
		t.Fatalf("want one incident comment, got %d", len(comments))
	}
	if !strings.Contains(comments[0].Body, "#2") || !strings.Contains(comments[0].Body, "due 5 days after it closes") {
		t.Errorf("incident comment does not link the PR or state the due date:\n%s", comments[0].Body)
	}

	reqs := h.GitHub.Requests()[before:]
	var calls []string
	for _, r := range reqs {
		if r.Operation != "apps/create-installation-access-token" {
			calls = append(calls, r.Method+" "+r.Path)
		}
	}
	t.Logf("label -> PR used %d GitHub requests (%d without the token):\n%s", len(reqs), len(calls), strings.Join(calls, "\n"))
	// 11 for the draft, pull request and comment; 1 listing of earlier
	// incidents (none here, so no more for related incidents); 2 for the
	// changes before the incident (merged pull requests, deployments).
	if len(calls) > 16 {
		t.Errorf("label -> PR made %d requests, want at most 16", len(calls))
	}
}

func TestLongIncidentTimelineIsPaginatedAndCapped(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("postmortem:\n  timeline_limit: 10\n"), "Short timelines")
	n := openIncident(t, h, "sev1")
	for i := range 120 {
		h.GitHub.Comment(owner, repo, n, "jdoe", "update "+itoa(int64(i)))
	}
	label(t, h, n)
	content, ok := h.GitHub.FileAt(owner, repo, branch, draftPath)
	if !ok {
		t.Fatal("no draft")
	}
	if rows := strings.Count(string(content), "\n| 2026-"); rows != 10 {
		t.Errorf("timeline rows = %d, want the cap of 10", rows)
	}
	// 125 events: opened, sev1, assigned, the first comment, incident, 120 updates.
	if !strings.Contains(string(content), "_115 later events were left out of this draft") {
		t.Errorf("the draft does not say how much it left out:\n%s", content)
	}
	if pages := h.GitHub.CountRequests("GET", "/repos/acme/shop/issues/1/timeline"); pages != 2 {
		t.Errorf("timeline pages read = %d, want 2 (100 a page)", pages)
	}
}
