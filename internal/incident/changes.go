package incident

import (
	"context"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// changesBefore fills the draft's list of changes shipped in the policy's
// window before the incident started (when its issue was opened): pull
// requests merged into the default branch and deployments, newest first,
// at most changes_before.max_listed of each. Requests: one listing of
// closed pull requests and one of deployments, each at most 3 pages
// (repo.PullsMergedBetween, repo.DeploymentsBetween).
func (s *session) changesBefore(ctx context.Context, p *policy.Policy, inc *draft.Incident) error {
	if p.Changes.WindowHours == 0 || inc.OpenedAt.IsZero() {
		return nil
	}
	window := time.Duration(p.Changes.WindowHours) * time.Hour
	to := inc.OpenedAt
	from := to.Add(-window)
	pulls, morePulls, err := s.api.PullsMergedBetween(ctx, s.defaultBranch, from, to)
	if err != nil {
		return err
	}
	deployments, moreDeployments, err := s.api.DeploymentsBetween(ctx, from, to)
	if repo.IsForbidden(err) {
		// An installation made before the app asked for deployments:read
		// answers 403 until an owner accepts it; the draft must not wait.
		s.log.Warn().Err(err).Msg("deployments not listed in the draft: the installation has not granted the Deployments (read) permission")
		deployments, moreDeployments, err = nil, false, nil
	}
	if err != nil {
		return err
	}
	changes, left := changeList(pulls, deployments, p.Changes.MaxListed)
	if morePulls || moreDeployments {
		left++ // at least one more than the pages read
	}
	inc.Changes, inc.ChangesWindow, inc.ChangesTruncated = changes, window, left
	return nil
}

// lookBack adds to a draft not proposed yet what came before the incident:
// related earlier incidents and the changes shipped in the window. Once the
// draft is proposed (a later run, when the incident closes) the draft is
// not written again, so nothing is read.
func (s *session) lookBack(ctx context.Context, p *policy.Policy, inc *draft.Incident) (relatedSearch, error) {
	row, found, err := s.h.db.get(ctx, s.key.RepoID, s.key.Number)
	if err != nil || (found && row.State != stateDrafting) {
		return relatedSearch{}, err
	}
	rel, err := s.findRelated(ctx, p)
	if err != nil {
		return relatedSearch{}, err
	}
	inc.Related, inc.RelatedNotCompared = rel.Matches, rel.NotCompared
	return rel, s.changesBefore(ctx, p, inc)
}
