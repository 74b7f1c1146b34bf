package incident_test

import (
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// Mentions in an incident's title notify nobody there; the app must not
// turn them into notifications by copying them where they do.
func TestMentionsInTheIncidentTitleNotifyNobodyFromThePullRequest(t *testing.T) {
	h := start(t)
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title: "Checkout down, paging @ceo and @acme/everyone", Labels: []string{"sev1"}, Author: "pagerbot",
	})
	h.GitHub.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	label(t, h, n)

	pr := onlyPull(t, h)
	for _, raw := range []string{"@ceo", "@acme/everyone"} {
		if strings.Contains(pr.Body, raw) {
			t.Errorf("the pull request body mentions %s:\n%s", raw, pr.Body)
		}
		if !strings.Contains(pr.Body, "@\u200d"+strings.TrimPrefix(raw, "@")) {
			t.Errorf("the pull request body lost the title's %s:\n%s", raw, pr.Body)
		}
	}
}
