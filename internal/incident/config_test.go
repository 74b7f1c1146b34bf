package incident_test

import (
	"strings"
	"testing"
)

func TestRepositoryPolicyShapesThePR(t *testing.T) {
	h := start(t)
	h.GitHub.AddTeam(owner, "sre")
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte(`postmortem:
  directory: docs/incidents
  filename: "{{.Number}}-{{.Slug}}.md"
  branch_prefix: pm/
  labels: [postmortem, needs-review]
  reviewers: [jdoe]
  team_reviewers: [sre]
  due_days: 3
`), "Configure postmortems")
	n := openIncident(t, h, "sev2")
	label(t, h, n)

	pr := onlyPull(t, h)
	if pr.Head != "pm/1" {
		t.Errorf("head = %s, want pm/1", pr.Head)
	}
	if _, ok := h.GitHub.FileAt(owner, repo, "pm/1", "docs/incidents/1-checkout-502s-after-payments-deploy.md"); !ok {
		t.Errorf("draft not at the configured path")
	}
	if strings.Join(pr.Labels, ",") != "postmortem,needs-review" {
		t.Errorf("labels = %v", pr.Labels)
	}
	if strings.Join(pr.RequestedReviewers, ",") != "jdoe" || strings.Join(pr.RequestedTeams, ",") != "sre" {
		t.Errorf("reviewers %v teams %v, want jdoe and sre", pr.RequestedReviewers, pr.RequestedTeams)
	}
	if c := botComments(h, n, "incident-pr"); len(c) != 1 || !strings.Contains(c[0].Body, "due 3 days after it closes") {
		t.Errorf("incident comment does not carry the configured due days: %+v", c)
	}
}

func TestOrganisationPolicyAppliesWhenTheRepositoryHasNone(t *testing.T) {
	h := start(t)
	h.GitHub.AddRepo(owner, ".github")
	h.GitHub.CommitFile(owner, ".github", "main", ".github/postmortem.yml", []byte("postmortem:\n  directory: org-postmortems\n"), "Org policy")
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	onlyPull(t, h)
	if _, ok := h.GitHub.FileAt(owner, repo, branch, "org-postmortems/2026-03-04-1-checkout-502s-after-payments-deploy.md"); !ok {
		t.Errorf("the organisation's directory was not used")
	}
}

func TestInvalidPolicyIsReportedOnceAndActedOnOnceFixed(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("postmortem:\n  due_days: 5\n  due_dayz: 3\n"), "Typo")
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	label(t, h, n) // a second label event must not repeat the comment

	if pulls := h.GitHub.Pulls(owner, repo); len(pulls) != 0 {
		t.Fatalf("an invalid policy still opened %d PRs", len(pulls))
	}
	if b := h.GitHub.Branches(owner, repo); len(b) != 1 {
		t.Errorf("branches = %v, want only main", b)
	}
	errs := botComments(h, n, "<!-- postmortem-bot:config-error -->")
	if len(errs) != 1 {
		t.Fatalf("config error comments = %d, want 1", len(errs))
	}
	body := errs[0].Body
	for _, want := range []string{".github/postmortem.yml", "Line: 3", `unknown key here; did you mean "due_days"?`} {
		if !strings.Contains(body, want) {
			t.Errorf("config error comment lacks %q:\n%s", want, body)
		}
	}

	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("postmortem:\n  due_days: 3\n"), "Fix typo")
	label(t, h, n)
	onlyPull(t, h)
	errs = botComments(h, n, "<!-- postmortem-bot:config-error -->")
	if len(errs) != 1 || !strings.Contains(errs[0].Body, "fixed") {
		t.Errorf("the config error comment was not marked fixed: %+v", errs)
	}
}

func TestMissingRepositoryTemplateIsReported(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("postmortem:\n  template: docs/pm-template.md\n"), "Custom template")
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	if len(h.GitHub.Pulls(owner, repo)) != 0 {
		t.Fatalf("a PR was opened without its template")
	}
	errs := botComments(h, n, "config-error")
	if len(errs) != 1 || !strings.Contains(errs[0].Body, "docs/pm-template.md") {
		t.Fatalf("missing template not reported: %+v", errs)
	}
}

func TestRepositoryTemplateDraftsThePostmortem(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFiles(owner, repo, "main", map[string][]byte{
		".github/postmortem.yml": []byte("postmortem:\n  template: docs/pm-template.md\n"),
		"docs/pm-template.md":    []byte("# {{.Title}} (#{{.Number}})\n\n## Summary\n\nSeverity: {{.Severity}}\n"),
	}, "Custom template")
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	content, ok := h.GitHub.FileAt(owner, repo, branch, draftPath)
	if !ok || string(content) != "# Checkout 502s after payments deploy (#1)\n\n## Summary\n\nSeverity: sev1\n\n<!-- postmortem-bot:draft-of-incident #1 -->\n" {
		t.Errorf("draft from the repository's template = %q", content)
	}
}
