package incident

import (
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// TestWantsUnderAgreesWithWantsOnIncidentLabels checks that deciding from
// the intake's summary gives Wants' answer wherever the policy says the
// label is an incident label, and "no" for other labels.
func TestWantsUnderAgreesWithWantsOnIncidentLabels(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(1, "acme")
	gh.AddRepo("acme", "shop")
	issue := gh.CreateIssue("acme", "shop", fakegithub.IssueSeed{Title: "Down", Author: "kim"})
	facts := event.PolicyFacts{IncidentLabels: []string{"incident", "outage"}}
	h := &Handler{}
	for _, tc := range []struct {
		label string
		want  bool
	}{{"incident", true}, {"Outage", true}, {"bug", false}} {
		payload := gh.IssueWebhook("labeled", "acme", "shop", issue, "kim", map[string]any{"label": map[string]any{"name": tc.label}})
		d := &event.Delivery{Event: "issues", Action: "labeled", InstallationID: 1, RepoID: 1, Owner: "acme", Repo: "shop", Payload: payload,
			Summary: event.Summary{Label: tc.label, IssueNumber: issue}}
		if got := h.WantsUnder(d, facts); got != tc.want {
			t.Errorf("label %q: WantsUnder = %v, want %v", tc.label, got, tc.want)
		}
		if tc.want && !h.Wants(d) {
			t.Errorf("label %q: Wants disagrees", tc.label)
		}
	}
	pull := &event.Delivery{Event: "issues", Action: "labeled", InstallationID: 1, RepoID: 1, Summary: event.Summary{Label: "incident", IssueNumber: 2, PullRequest: true}}
	if h.WantsUnder(pull, facts) {
		t.Error("a pull request labelled incident was taken for an incident")
	}
}
