package incident

import (
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// pullChange is what a drafted postmortem pull request still lacks.
type pullChange struct {
	// Labels and Assignees are the whole new lists (what the pull request
	// has plus what it lacks), nil when nothing is missing.
	Labels, Assignees *[]string
	// Reviewers and TeamReviewers are the reviews still to request, only
	// while the pull request is open.
	Reviewers, TeamReviewers []string
}

// pullAdditions decides the labels, assignees and reviewers a drafted pull
// request lacks: the policy's labels, the incident's responders as
// assignees, and the policy's reviewers not requested yet. What people
// added or removed since stays as it is, except that what the policy asks
// for is added again.
func pullAdditions(pr repo.Pull, p *policy.Policy, responders []string) pullChange {
	var out pullChange
	if labels, added := union(pr.Labels, p.Postmortem.Labels); added {
		out.Labels = &labels
	}
	if assignees, added := union(pr.Assignees, responders); added {
		out.Assignees = &assignees
	}
	if pr.State != "open" {
		return out
	}
	for _, u := range p.Postmortem.Reviewers {
		if !containsLogin(pr.RequestedReviewers, u) {
			out.Reviewers = append(out.Reviewers, u)
		}
	}
	for _, t := range p.Postmortem.TeamReviewers {
		if !containsTeam(pr.RequestedTeams, t) {
			out.TeamReviewers = append(out.TeamReviewers, t)
		}
	}
	return out
}
