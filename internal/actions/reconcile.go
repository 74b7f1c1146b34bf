package actions

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// ReconcileArgs checks every tracked item against GitHub (daily), so a
// missed webhook heals within a day.
type ReconcileArgs struct{}

// Kind names the job kind in River's table.
func (ReconcileArgs) Kind() string { return "action_items_reconcile" }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	h *Handler
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	return w.h.forEachRepo(ctx, "reconcile", w.h.reconcile)
}

// reconcile reads every action-label issue in one listing, looks up the
// tracked ones it did not contain, and updates the records, the tracking
// comments and the status issue.
func (h *Handler) reconcile(ctx context.Context, r repoRef) error {
	c, err := h.client(r)
	if err != nil {
		return err
	}
	pol, err := h.policyOf(ctx, c, "")
	if err != nil {
		return err
	}
	label := pol.ActionItems.Label
	listed, err := c.labelled(ctx, label)
	if err != nil {
		return err
	}
	byNumber := map[int]ghIssue{}
	for _, i := range listed {
		byNumber[i.Number] = i
	}
	items, err := h.records.ofRepo(ctx, r.RepoID)
	if err != nil {
		return err
	}
	incidents := map[int]bool{}
	for _, it := range items {
		if it.Issue == 0 || it.State == stateGone || it.State == stateExternal {
			continue
		}
		incidents[it.Incident] = true
		i, ok := byNumber[it.Issue]
		if !ok {
			// Not labelled any more, deleted or transferred: ask for it.
			i, err = c.issue(ctx, it.Issue)
			if ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410) || (err == nil && i.Number != it.Issue) {
				i, err = ghIssue{}, nil // deleted, or transferred (GitHub redirects to the new issue)
			}
			if err != nil {
				return err
			}
		}
		s := issueState{State: stateGone}
		if i.Number != 0 {
			s = issueState{State: stateOf(i, label), Title: i.Title, Priority: priorityOf(i.Labels), ClosedAt: i.ClosedAt}
		}
		_, closedNow, err := h.records.update(ctx, it, s)
		if err != nil {
			return err
		}
		if closedNow {
			h.metrics.observeClose(it, s.ClosedAt, h.env.Clock.Now())
		}
	}
	for n := range incidents {
		if err := h.refreshIncident(ctx, c, pol, r.RepoID, n); err != nil {
			return err
		}
	}
	return h.scheduleStatus(ctx, r)
}
