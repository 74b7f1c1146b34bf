package incident

import (
	"sort"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// changeList merges pull requests and deployments into the draft's list,
// newest first, keeping at most limit of each; left counts the others.
func changeList(pulls []repo.MergedPull, deployments []repo.Deployment, limit int) (out []draft.Change, left int) {
	if len(pulls) > limit {
		left += len(pulls) - limit
		pulls = pulls[:limit]
	}
	if len(deployments) > limit {
		left += len(deployments) - limit
		deployments = deployments[:limit]
	}
	for _, p := range pulls {
		out = append(out, draft.Change{At: p.MergedAt, Pull: p.Number, Title: p.Title, Author: p.Author, Revert: isRevert(p.Title)})
	}
	for _, d := range deployments {
		ref := d.Ref
		if ref == "" || ref == d.SHA {
			ref = shortSHA(d.SHA)
		}
		out = append(out, draft.Change{At: d.CreatedAt, Title: d.Description, Author: d.Creator, Environment: d.Environment, Ref: ref})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].At.After(out[b].At) })
	return out, left
}
