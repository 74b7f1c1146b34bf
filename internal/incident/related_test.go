package incident_test

import (
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
)

// TestRelatedIncidentsAcrossTheOrganisation: with across_org, an incident
// whose twin is in another repository of the owner (one the app works in)
// gets that twin in its draft as owner/name#N and one comment naming its
// open corrective action there, even while a third repository fails to
// answer; without it, neither.
func TestRelatedIncidentsAcrossTheOrganisation(t *testing.T) {
	for _, across := range []bool{true, false} {
		t.Run(map[bool]string{true: "across_org", false: "this repository only"}[across], func(t *testing.T) {
			h := start(t)
			gh := h.GitHub
			const other = "search"
			gh.AddRepo(owner, other)
			gh.SetPermission(owner, other, "mkaur", "write")
			if across {
				gh.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("related_incidents:\n  across_org: true\n"), "Search the organisation")
			}
			// The twin in the other repository: the app drafts its
			// postmortem (so it works there), and one of its corrective
			// actions is still open.
			twin := gh.CreateIssue(owner, other, fakegithub.IssueSeed{Title: "Search index empty after the nightly reindex",
				Body: "The reindex job swapped the alias to an index with no documents; the builder never checked the count.", Author: "pagerbot"})
			gh.AddLabelToIssue(owner, other, twin, "incident", "mkaur")
			deliver(t, h, "issues", gh.IssueWebhook("labeled", owner, other, twin, "mkaur", nil))
			h.WaitIdle()
			action := gh.CreateIssue(owner, other, fakegithub.IssueSeed{Title: "Check the document count before swapping the alias",
				Body:   marker.ActionItem("postmortems/reindex.md", "check-count") + "\nCorrective action.\n\n" + marker.ItemIncident(twin) + "\n",
				Labels: []string{"corrective-action"}, Author: gh.BotLogin()})
			// A third repository the app works in that fails when read
			// must not hold up the draft.
			const broken = "billing"
			gh.AddRepo(owner, broken)
			gh.SetPermission(owner, broken, "mkaur", "write")
			b := gh.CreateIssue(owner, broken, fakegithub.IssueSeed{Title: "Invoices late", Author: "pagerbot"})
			gh.AddLabelToIssue(owner, broken, b, "incident", "mkaur")
			deliver(t, h, "issues", gh.IssueWebhook("labeled", owner, broken, b, "mkaur", nil))
			h.WaitIdle()
			gh.FailNext(1000, 500, func(method, path string) bool { return strings.HasPrefix(path, "/repos/acme/billing/issues") })
			brokenReads := gh.CountRequests("GET", "/repos/acme/billing/issues")
			h.Clock.Advance(48 * time.Hour)

			n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Empty search results after reindex",
				Body: "The nightly reindex swapped the search alias to an index with no documents again.", Author: "pagerbot"})
			h.Clock.Advance(time.Minute)
			gh.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
			label(t, h, n)

			var doc string
			for _, p := range gh.Pulls(owner, repo) {
				for _, f := range gh.FilesAt(owner, repo, p.Head, "postmortems") {
					content, _ := gh.FileAt(owner, repo, p.Head, f)
					doc = string(content)
				}
			}
			if doc == "" {
				t.Fatal("no draft was proposed")
			}
			twinRef := owner + "/" + other + "#" + itoa(int64(twin))
			actionRef := owner + "/" + other + "#" + itoa(int64(action))
			comments := botComments(h, n, marker.Repeat)
			if !across {
				if strings.Contains(doc, "## Related Incidents") || len(comments) != 0 {
					t.Errorf("without across_org the other repository was searched: %d repeat comments, draft:\n%s", len(comments), doc)
				}
				return
			}
			if gh.CountRequests("GET", "/repos/acme/billing/issues") == brokenReads {
				t.Errorf("the failing repository was not searched, so the test shows nothing about it")
			}
			if !strings.Contains(doc, "- ["+twinRef+"](https://github.com/acme/search/issues/") || !strings.Contains(doc, actionRef+" Check the document count before swapping the alias (**open**)") {
				t.Errorf("draft lacks the twin %s and its open action %s:\n%s", twinRef, actionRef, doc)
			}
			if len(comments) != 1 || !strings.Contains(comments[0].Body, "repeat of "+twinRef) || !strings.Contains(comments[0].Body, "- "+actionRef) {
				t.Errorf("repeat comments = %d, want one naming %s and %s: %v", len(comments), twinRef, actionRef, comments)
			}
		})
	}
}
