package incident_test

import (
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// A repository's template is text anyone with push access writes; one that
// would loop for ever is refused before it runs and reported like an invalid
// policy, and the worker goes on (WaitIdle returns).
func TestRunawayRepositoryTemplateIsReportedNotRun(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFiles(owner, repo, "main", map[string][]byte{
		".github/postmortem.yml": []byte("postmortem:\n  template: docs/pm-template.md\n"),
		"docs/pm-template.md":    []byte("# {{.Title}}\n{{range 1000000}}{{range 1000000}}{{end}}{{end}}\n"),
	}, "Custom template")
	n := openIncident(t, h, "sev1")
	label(t, h, n)

	if pulls := h.GitHub.Pulls(owner, repo); len(pulls) != 0 {
		t.Fatalf("a runaway template still opened %d PRs", len(pulls))
	}
	errs := botComments(h, n, "<!-- postmortem-bot:config-error -->")
	if len(errs) != 1 || !strings.Contains(errs[0].Body, "postmortem.template") || !strings.Contains(errs[0].Body, "rendering budget") {
		t.Fatalf("the template was not reported as over its budget: %+v", errs)
	}
}

// postmortem.filename is never run as a template: the old attack is a policy
// error at its line, naming the fields to use instead.
func TestFilenameTemplateIsAPolicyError(t *testing.T) {
	h := start(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml",
		[]byte("postmortem:\n  filename: \"{{range 1000000}}{{range 1000000}}{{end}}{{end}}{{.Slug}}.md\"\n"), "Filename")
	n := openIncident(t, h, "sev1")
	label(t, h, n)

	if pulls := h.GitHub.Pulls(owner, repo); len(pulls) != 0 {
		t.Fatalf("%d PRs opened under an invalid file name", len(pulls))
	}
	errs := botComments(h, n, "<!-- postmortem-bot:config-error -->")
	if len(errs) != 1 {
		t.Fatalf("config error comments = %d, want 1", len(errs))
	}
	for _, want := range []string{".github/postmortem.yml", "Line: 2, column 3", "postmortem.filename", "{date}, {year}, {slug} and {number}"} {
		if !strings.Contains(errs[0].Body, want) {
			t.Errorf("config error comment lacks %q:\n%s", want, errs[0].Body)
		}
	}
}

// Mentions typed into an incident's title notify nobody there; copied into
// the draft and its pull request they must notify nobody either.
func TestMentionsInTheTitleNotifyNobodyInTheDraft(t *testing.T) {
	h := start(t)
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title: "Checkout down @ceo @acme/everyone", Body: "Paging @cto", Labels: []string{"sev1"}, Assignees: []string{"mkaur"}, Author: "pagerbot",
	})
	h.GitHub.Comment(owner, repo, n, "jdoe", "cc @acme/everyone")
	h.GitHub.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	label(t, h, n)

	pr := onlyPull(t, h)
	file, ok := h.GitHub.FileAt(owner, repo, pr.Head, "postmortems/2026-03-04-1-checkout-down-at-ceo-at-acme-everyone.md")
	if !ok {
		t.Fatalf("no draft on %s; branches %v, body:\n%s", pr.Head, h.GitHub.Branches(owner, repo), pr.Body)
	}
	for where, text := range map[string]string{"pull request body": pr.Body, "draft": string(file)} {
		for _, m := range []string{"@ceo", "@acme/everyone", "@cto"} {
			if strings.Contains(text, m) {
				t.Errorf("the %s mentions %s:\n%s", where, m, text)
			}
		}
	}
	if !strings.Contains(string(file), "@mkaur") {
		t.Errorf("the responder is no longer mentioned in the draft:\n%s", file)
	}
}

// A private repository's issue that mentions the incident must not appear
// in a draft that may be public; a public repository's may.
func TestPrivateCrossReferenceStaysOutOfTheDraft(t *testing.T) {
	h := start(t)
	for _, r := range []string{"security-private", "runbooks"} {
		h.GitHub.AddRepo(owner, r)
	}
	h.GitHub.SetPrivate(owner, "security-private", true)
	n := openIncident(t, h, "sev1")
	h.GitHub.CreateIssue(owner, "security-private", fakegithub.IssueSeed{Title: "Signing key leaked in logs", Body: "Related to acme/shop#1", Author: "sec"})
	h.GitHub.CreateIssue(owner, "runbooks", fakegithub.IssueSeed{Title: "Checkout runbook update", Body: "After acme/shop#1", Author: "ops"})
	label(t, h, n)

	pr := onlyPull(t, h)
	file, ok := h.GitHub.FileAt(owner, repo, pr.Head, "postmortems/2026-03-04-1-checkout-502s-after-payments-deploy.md")
	if !ok {
		t.Fatalf("no draft on %s", pr.Head)
	}
	draft := string(file)
	if strings.Contains(draft, "security-private") || strings.Contains(draft, "Signing key") {
		t.Errorf("the draft names the private repository's issue:\n%s", draft)
	}
	if !strings.Contains(draft, "acme/runbooks#1: Checkout runbook update") {
		t.Errorf("the public repository's reference is missing:\n%s", draft)
	}
}

// A policy pointing remote: at another repository's file was read and quoted
// whole in the incident comment; now it is refused at its line, unread.
func TestRemotePolicyOutsideTheOwnerIsNeitherReadNorQuoted(t *testing.T) {
	h := start(t)
	h.GitHub.AddRepo(owner, "infra")
	h.GitHub.CommitFile(owner, "infra", "main", "deploy/prod.env", []byte("DB_PASSWORD=hunter2\n"), "secrets")
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("remote: acme/infra\npath: deploy/prod.env\n"), "Remote")
	n := openIncident(t, h, "sev1")
	label(t, h, n)

	errs := botComments(h, n, "<!-- postmortem-bot:config-error -->")
	if len(errs) != 1 || !strings.Contains(errs[0].Body, "Line: 1, column 9") {
		t.Fatalf("the remote reference was not reported at its line: %+v", errs)
	}
	if strings.Contains(errs[0].Body, "hunter2") || strings.Contains(errs[0].Body, "DB_PASSWORD") {
		t.Errorf("the comment quotes the other repository's file:\n%s", errs[0].Body)
	}
	if got := h.GitHub.CountRequests("GET", "/repos/acme/infra"); got != 0 {
		t.Errorf("%d requests to acme/infra, want none", got)
	}
}
