package actions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// onMerge records the merged pull request before anything else, so the
// daily reconciliation can follow it up if this job fails for good, then
// follows it up.
func (h *Handler) onMerge(ctx context.Context, d *event.Delivery, r repo.Ref) error {
	var ev github.PullRequestEvent
	if err := d.Decode(&ev); err != nil {
		return fmt.Errorf("decode pull_request event: %w: %w", errUndecodable, err)
	}
	pr := ev.GetPullRequest()
	if !pr.GetMerged() || pr.GetMergeCommitSHA() == "" {
		return nil
	}
	if _, err := h.env.Open(ctx, r); err != nil {
		return err
	}
	m := mergedPull{Number: pr.GetNumber(), SHA: pr.GetMergeCommitSHA(), Merged: h.env.Clock.Now(),
		Incident: marker.IncidentOf(pr.GetBody())}
	if pr.MergedAt != nil {
		m.Merged = pr.MergedAt.UTC()
	}
	if err := h.records.recordMerge(ctx, r.RepoID, m); err != nil {
		return err
	}
	return h.followMerge(ctx, r, m)
}

// followMerge opens one issue per action item of each postmortem the merged
// pull request adds or changes, updates the incident's tracking comment and
// the status issue, then forgets the recorded merge. The policy is the one
// at the merge commit. It returns lease.ErrBusy while another job follows
// up one of its postmortems.
func (h *Handler) followMerge(ctx context.Context, r repo.Ref, m mergedPull) error {
	s, err := h.session(ctx, r, m.SHA)
	if err != nil {
		return err
	}
	files, err := s.c.PullFiles(ctx, m.Number)
	if err != nil {
		return err
	}
	found := false
	for _, f := range files {
		path := f.Path
		if f.Removed() || !s.pol.MatchesPostmortemPath(path) {
			continue
		}
		found = true
		pm := postmortemRecord{RepoID: r.RepoID, Path: path, Incident: m.Incident, Pull: m.Number, SHA: m.SHA, Merged: m.Merged}
		current, err := h.records.recordPostmortem(ctx, pm)
		if err != nil {
			return err
		}
		if !current {
			s.log.Info().Str("postmortem", path).Msg("a later merge of this postmortem is already recorded; it is the one followed")
			continue
		}
		if err := s.trackPostmortem(ctx, path); err != nil {
			return err
		}
	}
	if found {
		if err := h.scheduleStatus(ctx, r); err != nil {
			return err
		}
	}
	return h.records.forgetMerge(ctx, r.RepoID, m)
}

// trackPostmortem follows up the recorded version of the postmortem: it
// records its action items (as planItems decides), opens or adopts an issue
// for each, notes items the version no longer lists and updates the
// incident's tracking comment, all under the postmortem's lease (so two
// jobs never both post the first tracking comment either).
func (s *session) trackPostmortem(ctx context.Context, path string) error {
	h, r := s.h, s.ref
	log := s.log.With().Str("postmortem", path).Logger()
	now := s.now()
	release, err := h.records.leasePostmortem(ctx, r.RepoID, path, now)
	if err != nil {
		return err
	}
	defer release()
	// Read under the lease: a newer merge may have been recorded meanwhile.
	pm, err := h.records.postmortem(ctx, r.RepoID, path)
	if err != nil {
		return err
	}
	src, found, err := s.c.File(ctx, path, pm.SHA)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("read %s at %s: it is not there", path, pm.SHA)
	}
	incidentN, err := s.incidentOf(ctx, pm, src)
	if err != nil {
		return err
	}
	parsed, findings := analysis.ParseActionItems(path, src, analysis.Config{RequiredSections: s.pol.Check.RequiredSections})
	if len(findings) > 0 {
		log.Info().Int("findings", len(findings)).Msg("some action items could not be read; the check run reports them")
	}
	known, err := h.records.ofPostmortem(ctx, r.RepoID, path)
	if err != nil {
		return err
	}
	plan := planItems(planInput{RepoID: r.RepoID, Path: path, Incident: incidentN, Merged: pm.Merged, Now: now,
		Parsed: parsed, Known: known, Policy: s.pol})
	if plan.Listed > len(plan.Items)+plan.Done {
		if err := s.sayCapped(ctx, pm, plan.Listed, s.pol.ActionItems.MaxPerPostmortem); err != nil {
			return err
		}
	}
	for _, it := range plan.Items {
		if err := h.records.plan(ctx, it); err != nil {
			return err
		}
	}
	for _, it := range plan.Removed {
		log.Info().Str("action_item", it.Key).Int("issue", it.Issue).Msg("the postmortem no longer lists this action item; its issue is left as it is")
		if err := h.records.markRemoved(ctx, it, now); err != nil {
			return err
		}
	}
	is := issueSource{WebURL: h.env.WebURL, Owner: r.Owner, Repo: r.Name, Path: path, SHA: pm.SHA, Incident: incidentN, Pull: pm.Pull}
	if err := s.openIssues(ctx, path, is, plan.Refs); err != nil {
		return err
	}
	if err := s.reassignIssues(ctx, path); err != nil {
		return err
	}
	if err := h.records.setTracked(ctx, r.RepoID, path, pm.SHA, now); err != nil {
		return err
	}
	return s.withIncident(ctx, incidentN, func() error { return s.refreshIncident(ctx, incidentN) })
}

// sayCapped tells the merged pull request, once, that the postmortem lists
// more action items than the policy allows and that only the first ones
// get issues.
func (s *session) sayCapped(ctx context.Context, pm postmortemRecord, listed, limit int) error {
	s.log.Warn().Str("postmortem", pm.Path).Int("action_items", listed).Int("limit", limit).
		Msg("the postmortem lists more action items than the policy allows; only the first get issues")
	if pm.Pull == 0 {
		return nil
	}
	m := marker.ItemCap(pm.Path)
	if _, said, err := s.c.MarkedComment(ctx, pm.Pull, m, time.Time{}); err != nil || said {
		return err
	}
	_, err := s.c.CreateComment(ctx, pm.Pull, cappedBody(m, pm.Path, listed, limit))
	return err
}

// incidentOf is the incident the postmortem follows up: the one its front
// matter names, else the one its pull request refers to, when it exists.
func (s *session) incidentOf(ctx context.Context, pm postmortemRecord, src []byte) (int, error) {
	h, r := s.h, s.ref
	n := incidentFromFrontMatter(src, r.Owner, r.Name)
	if n == 0 {
		n = pm.Incident
	}
	if n > 0 {
		inc, err := s.c.Issue(ctx, n)
		switch {
		case repo.IsGone(err):
			s.log.Warn().Str("postmortem", pm.Path).Int("incident", n).
				Msg("the postmortem names an incident that does not exist; its action items are tracked without one")
			n = 0
		case err != nil:
			return 0, err
		default:
			if err := h.records.recordIncident(ctx, r.RepoID, n, inc.Title); err != nil {
				return 0, err
			}
		}
	}
	if n != pm.Incident {
		return n, h.records.setPostmortemIncident(ctx, r.RepoID, pm.Path, n)
	}
	return n, nil
}

// openIssues gives every planned item of the postmortem its issue: the one
// it refers to, one an earlier run opened (found by its marker), or a new
// one. Each issue is recorded before the next, so a retry resumes, and so
// does the next run of a job that stopped before its deadline.
func (s *session) openIssues(ctx context.Context, path string, src issueSource, refs map[string]string) error {
	h, c := s.h, s.c
	items, err := h.records.ofPostmortem(ctx, s.ref.RepoID, path)
	if err != nil {
		return err
	}
	label := s.pol.ActionItems.Label
	var byMarker map[string]repo.Issue // loaded once, when first needed
	created := 0
	for _, it := range items {
		if it.State != statePlanned || it.Removed {
			continue
		}
		if ref := refs[it.Key]; ref != "" {
			adopted, err := s.adopt(ctx, it, ref)
			if err != nil {
				return err
			}
			if adopted {
				continue
			}
		}
		if byMarker == nil {
			// Only issues the app opened count: anyone can write a marker.
			byMarker, err = c.AppIssuesMarked(ctx, repo.IssueQuery{State: "all", Labels: []string{label}}, marker.ActionItemOf)
			if err != nil {
				return err
			}
		}
		if i, ok := byMarker[it.Key]; ok {
			if err := h.records.setIssue(ctx, it.RepoID, it.Key, i.Number, stateOf(i, label), i.ClosedAt); err != nil {
				return err
			}
			continue
		}
		if created > 0 {
			// Stop rather than be cut off by the job's timeout (a failed
			// attempt): the next run resumes with the items left.
			if err := h.roomFor(ctx, h.opts.Pace); err != nil {
				return err
			}
		}
		if created > 0 && h.opts.Pace > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(h.opts.Pace):
			}
		}
		i, err := c.CreateIssue(ctx, newIssue(it, src, label))
		if err != nil {
			return err
		}
		created++
		if err := h.records.setIssue(ctx, it.RepoID, it.Key, i.Number, stateOpen, time.Time{}); err != nil {
			return err
		}
		if err := h.records.setAssignment(ctx, it.RepoID, it.Key, it.Owner, assignedOf(i, it.Owner)); err != nil {
			return err
		}
	}
	return nil
}

// adopt tracks the issue an item already refers to. adopted is false when
// the reference names no issue of this repository that exists, and the
// item then gets an issue of its own.
func (s *session) adopt(ctx context.Context, it actionItem, ref string) (adopted bool, err error) {
	h, c, label := s.h, s.c, s.pol.ActionItems.Label
	n, ok := issueNumber(ref, c.Owner(), c.Name())
	if !ok {
		if strings.Contains(ref, "/") {
			// An issue in another repository: GitHub tracks it there.
			return true, h.records.setIssue(ctx, it.RepoID, it.Key, 0, stateExternal, time.Time{})
		}
		return false, nil
	}
	i, err := c.Issue(ctx, n)
	if repo.IsGone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if i.IsPull {
		return false, nil
	}
	if !i.HasLabel(label) {
		if err := c.AddLabels(ctx, n, label); err != nil {
			return false, err
		}
		i.Labels = append(i.Labels, label)
	}
	if err := h.records.setIssue(ctx, it.RepoID, it.Key, n, stateOf(i, label), i.ClosedAt); err != nil {
		return false, err
	}
	// Someone else's issue: the app neither wrote its body nor assigned it.
	return true, h.records.setAssignment(ctx, it.RepoID, it.Key, it.Owner, "")
}

// stateFrom is what an item's issue says about the item.
func stateFrom(i repo.Issue, label string) issueState {
	return issueState{State: stateOf(i, label), Title: i.Title, Priority: priorityOf(i.Labels), ClosedAt: i.ClosedAt}
}

// stateOf is the item state an issue stands for.
func stateOf(i repo.Issue, label string) string {
	switch {
	case !i.HasLabel(label):
		return stateDropped
	case i.State == "closed":
		return stateClosed
	}
	return stateOpen
}
