package actions_test

import (
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// Text copied from GitHub (titles, items) notifies nobody where the app
// writes it; only owners the app validated are mentioned.
func TestCopiedMentionsNotifyNobodyInTrackingStatusAndEscalation(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  escalate_after_days: 1\n  escalation_team: \"@acme/leads\"\n")
	w.incident = w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout outage, paging @ceo", Labels: []string{"incident"}, Author: "alice"})
	items := `- [ ] Tell @cto about retry budgets (owner: @alice, due: 2026-03-05, priority: P1)
- [ ] Audit the pager (owner: @stranger, due: 2026-03-05, priority: P2)`
	w.deliverMerge(t, path, postmortem(items))
	w.Clock.Advance(3 * 24 * time.Hour)
	w.GitHub.SetClock(w.Clock.Now)
	w.run(t, actions.RemindersArgs{})
	w.run(t, actions.ReconcileArgs{})

	tracking := w.tracking(t)
	status := w.openStatus(t).Body
	var escalation string
	for _, c := range w.GitHub.Comments(owner, repo, w.openStatus(t).Number) {
		escalation += c.Body
	}
	for name, body := range map[string]string{"tracking comment": tracking, "status issue": status, "escalation": escalation} {
		for _, raw := range []string{"@cto", "@stranger", "@ceo"} {
			if strings.Contains(body, raw) {
				t.Errorf("the %s mentions %s:\n%s", name, raw, body)
			}
		}
	}
	if !strings.Contains(tracking, "@alice") || !strings.Contains(tracking, "@\u200dcto") {
		t.Errorf("tracking comment should mention the assigned owner and keep the neutralised text:\n%s", tracking)
	}
	if !strings.Contains(escalation, "@acme/leads") {
		t.Errorf("the escalation does not mention the policy's team:\n%s", escalation)
	}
}
