package incident

import (
	"slices"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

func TestPullAdditionsAddOnlyWhatTheDraftLacks(t *testing.T) {
	p, err := policy.Parse(".github/postmortem.yml", []byte("postmortem:\n  labels: [postmortem, sev]\n  reviewers: [lead]\n  team_reviewers: [sre]\n"))
	if err != nil {
		t.Fatal(err)
	}
	list := func(l *[]string) []string {
		if l == nil {
			return nil
		}
		return *l
	}
	for _, tc := range []struct {
		name                                string
		pr                                  repo.Pull
		responders                          []string
		labels, assignees, reviewers, teams []string
	}{
		{
			name: "a fresh draft gets everything", pr: repo.Pull{State: "open"}, responders: []string{"mkaur"},
			labels: []string{"postmortem", "sev"}, assignees: []string{"mkaur"}, reviewers: []string{"lead"}, teams: []string{"sre"},
		},
		{
			name: "what is there is kept, case ignored",
			pr: repo.Pull{State: "open", Labels: []string{"Postmortem", "needs-data"}, Assignees: []string{"jdoe"},
				RequestedReviewers: []string{"lead"}, RequestedTeams: []string{"sre"}},
			responders: []string{"JDOE", "mkaur"},
			labels:     []string{"Postmortem", "needs-data", "sev"}, assignees: []string{"jdoe", "mkaur"},
		},
		{
			name: "nothing missing changes nothing",
			pr: repo.Pull{State: "open", Labels: []string{"postmortem", "sev"}, Assignees: []string{"mkaur"},
				RequestedReviewers: []string{"lead"}, RequestedTeams: []string{"sre"}},
			responders: []string{"mkaur"},
		},
		{
			name: "a closed pull request gets no review requests", pr: repo.Pull{State: "closed", Labels: []string{"postmortem", "sev"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pullAdditions(tc.pr, p, tc.responders)
			if !slices.Equal(list(got.Labels), tc.labels) || !slices.Equal(list(got.Assignees), tc.assignees) ||
				!slices.Equal(got.Reviewers, tc.reviewers) || !slices.Equal(got.TeamReviewers, tc.teams) {
				t.Errorf("labels %q assignees %q reviewers %q teams %q, want %q %q %q %q",
					list(got.Labels), list(got.Assignees), got.Reviewers, got.TeamReviewers, tc.labels, tc.assignees, tc.reviewers, tc.teams)
			}
		})
	}
}
