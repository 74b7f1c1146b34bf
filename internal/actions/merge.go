package actions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// onMerge opens one issue per action item of each postmortem the merged
// pull request adds or changes, then updates the incident's tracking
// comment and the status issue.
func (h *Handler) onMerge(ctx context.Context, d *event.Delivery) error {
	var ev github.PullRequestEvent
	if err := d.Decode(&ev); err != nil {
		return fmt.Errorf("decode pull_request event: %w", err)
	}
	pr := ev.GetPullRequest()
	if !pr.GetMerged() || pr.GetMergeCommitSHA() == "" {
		return nil
	}
	r := repoRef{InstallationID: d.InstallationID, RepoID: d.RepoID, Owner: d.Owner, Repo: d.Repo}
	c, err := h.client(r)
	if err != nil {
		return err
	}
	sha := pr.GetMergeCommitSHA()
	pol, err := h.policyOf(ctx, c, sha)
	if err != nil {
		return err
	}
	files, err := c.pullFiles(ctx, pr.GetNumber())
	if err != nil {
		return err
	}
	merged := h.env.Clock.Now()
	if pr.MergedAt != nil {
		merged = pr.MergedAt.UTC()
	}
	incidents := map[int]bool{}
	found := false
	for _, path := range files {
		if !pol.MatchesPostmortemPath(path) {
			continue
		}
		found = true
		m := mergedPostmortem{repo: r, path: path, sha: sha, pull: pr.GetNumber(), merged: merged, pullBody: pr.GetBody()}
		n, err := h.trackPostmortem(ctx, c, pol, m)
		if err != nil {
			return err
		}
		incidents[n] = true
	}
	if !found {
		return nil
	}
	for n := range incidents {
		if err := h.refreshIncident(ctx, c, pol, r.RepoID, n); err != nil {
			return err
		}
	}
	return h.scheduleStatus(ctx, r)
}

// mergedPostmortem is one postmortem file as merged.
type mergedPostmortem struct {
	repo     repoRef
	path     string
	sha      string
	pull     int
	merged   time.Time
	pullBody string
}

// trackPostmortem records the file's action items and opens or adopts an
// issue for each; it returns the incident number (0 when none is known).
func (h *Handler) trackPostmortem(ctx context.Context, c repoClient, pol *policy.Policy, m mergedPostmortem) (int, error) {
	log := zerolog.Ctx(ctx).With().Str("postmortem", m.path).Logger()
	src, err := c.fileAt(ctx, m.path, m.sha)
	if err != nil {
		return 0, err
	}
	incidentN := incidentFromFrontMatter(src, m.repo.Owner, m.repo.Repo)
	if incidentN == 0 {
		incidentN = incidentFromPullBody(m.pullBody)
	}
	if incidentN > 0 {
		inc, err := c.issue(ctx, incidentN)
		switch {
		case ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410):
			log.Warn().Int("incident", incidentN).Msg("the postmortem names an incident that does not exist; its action items are tracked without one")
			incidentN = 0
		case err != nil:
			return 0, err
		default:
			if err := h.records.recordIncident(ctx, m.repo.RepoID, incidentN, inc.Title); err != nil {
				return 0, err
			}
		}
	}
	if err := h.records.recordPostmortem(ctx, m.repo.RepoID, m.path, incidentN, m.pull, m.sha, m.merged); err != nil {
		return 0, err
	}

	parsed, findings := analysis.ParseActionItems(m.path, src, analysis.Config{RequiredSections: pol.Check.RequiredSections})
	if len(findings) > 0 {
		log.Info().Int("findings", len(findings)).Msg("some action items could not be read; the check run reports them")
	}
	keys := itemKeys(parsed)
	refs := map[string]string{}
	for i, p := range parsed {
		if p.Done && p.IssueRef == "" {
			continue // done before the merge: nothing to follow up
		}
		key := m.path + "#" + keys[i]
		refs[key] = p.IssueRef
		due := pol.DueDate(p.Priority, m.merged)
		if p.Due != "" {
			if t, err := time.Parse(time.DateOnly, p.Due); err == nil {
				due = t
			}
		}
		it := actionItem{
			RepoID: m.repo.RepoID, Key: key, Path: m.path, Incident: incidentN, Title: p.Title, Owner: p.Owner,
			Priority: p.Priority, Type: p.Type, Line: p.Line, Due: due.UTC(), CreatedAt: h.env.Clock.Now(),
		}
		if err := h.records.plan(ctx, it); err != nil {
			return 0, err
		}
	}
	src2 := issueSource{WebURL: h.env.WebURL, Owner: m.repo.Owner, Repo: m.repo.Repo, Path: m.path, SHA: m.sha, Incident: incidentN, Pull: m.pull}
	return incidentN, h.openIssues(ctx, c, pol, m, src2, refs)
}

// openIssues gives every planned item of the postmortem its issue: the one
// it refers to, one an earlier run opened (found by its marker), or a new
// one. Each issue is recorded before the next, so a retry resumes.
func (h *Handler) openIssues(ctx context.Context, c repoClient, pol *policy.Policy, m mergedPostmortem, src issueSource, refs map[string]string) error {
	items, err := h.records.ofPostmortem(ctx, m.repo.RepoID, m.path)
	if err != nil {
		return err
	}
	label := pol.ActionItems.Label
	var byMarker map[string]ghIssue // loaded once, when first needed
	created := 0
	for _, it := range items {
		if it.State != statePlanned {
			continue
		}
		if ref := refs[it.Key]; ref != "" {
			adopted, err := h.adopt(ctx, c, it, ref, label)
			if err != nil {
				return err
			}
			if adopted {
				continue
			}
		}
		if byMarker == nil {
			existing, err := c.labelled(ctx, label)
			if err != nil {
				return err
			}
			byMarker = map[string]ghIssue{}
			for _, i := range existing {
				if k := markerOf(i.Body); k != "" {
					byMarker[k] = i
				}
			}
		}
		if i, ok := byMarker[it.Key]; ok {
			if err := h.records.setIssue(ctx, it.RepoID, it.Key, i.Number, stateOf(i, label), i.ClosedAt); err != nil {
				return err
			}
			continue
		}
		if created > 0 && h.opts.Pace > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(h.opts.Pace):
			}
		}
		labels := []string{label}
		if it.Priority != "" && !strings.EqualFold(it.Priority, label) {
			labels = append(labels, it.Priority)
		}
		var assignees []string
		if (analysis.ActionItem{Owner: it.Owner}).OwnerIsUser() {
			assignees = []string{strings.TrimPrefix(it.Owner, "@")}
		}
		i, err := c.createIssue(ctx, it.Title, issueBody(it, src), labels, assignees)
		if err != nil {
			return err
		}
		created++
		if err := h.records.setIssue(ctx, it.RepoID, it.Key, i.Number, stateOpen, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// adopt tracks the issue an item already refers to. adopted is false when
// the reference names no issue of this repository that exists, and the
// item then gets an issue of its own.
func (h *Handler) adopt(ctx context.Context, c repoClient, it actionItem, ref, label string) (adopted bool, err error) {
	n, ok := issueNumber(ref, c.owner, c.repo)
	if !ok {
		if strings.Contains(ref, "/") {
			// An issue in another repository: GitHub tracks it there.
			return true, h.records.setIssue(ctx, it.RepoID, it.Key, 0, stateExternal, time.Time{})
		}
		return false, nil
	}
	i, err := c.issue(ctx, n)
	if ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if i.IsPull {
		return false, nil
	}
	if !i.hasLabel(label) {
		if err := c.addLabels(ctx, n, label); err != nil {
			return false, err
		}
		i.Labels = append(i.Labels, label)
	}
	return true, h.records.setIssue(ctx, it.RepoID, it.Key, n, stateOf(i, label), i.ClosedAt)
}

// stateOf is the item state an issue stands for.
func stateOf(i ghIssue, label string) string {
	switch {
	case !i.hasLabel(label):
		return stateDropped
	case i.State == "closed":
		return stateClosed
	}
	return stateOpen
}
