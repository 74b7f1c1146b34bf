package incident

import "github.com/postmortem-bot/postmortem-bot/internal/event"

// DependsOnPolicy: only label additions need the incident labels.
func (*Handler) DependsOnPolicy(d *event.Delivery) bool {
	return d.Event == "issues" && d.Action == "labeled"
}

// WantsUnder decides with the repository's remembered policy: a label that
// is not an incident label starts nothing (the job would read the policy
// only to find that out). A label addition is decided from what the intake
// already decoded (as Wants would decide it, without decoding the payload
// again); everything else as Wants does.
func (h *Handler) WantsUnder(d *event.Delivery, f event.PolicyFacts) bool {
	if d.Event == "issues" && d.Action == "labeled" {
		return d.InstallationID != 0 && d.RepoID != 0 && d.Summary.IssueNumber != 0 && !d.Summary.PullRequest &&
			d.Summary.Label != "" && f.IsIncidentLabel(d.Summary.Label)
	}
	return h.Wants(d)
}
