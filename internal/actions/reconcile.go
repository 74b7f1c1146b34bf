package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/lease"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// ReconcileArgs checks every tracked item against GitHub (daily), so a
// missed webhook or a merge job that failed for good heals within a day.
// Like RemindersArgs, the periodic job (no Repo) queues one job per
// repository.
type ReconcileArgs struct {
	// Repo is the repository this job reconciles; nil for the sweep.
	Repo *repo.Ref `json:"repo,omitempty" river:"unique"`
	// Day is the sweep's date on the app's clock.
	Day string `json:"day,omitempty" river:"unique"`
}

// Kind names the job kind in River's table.
func (ReconcileArgs) Kind() string { return "action_items_reconcile" }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	h *Handler
}

func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) error {
	r := job.Args.Repo
	if r == nil {
		return w.h.sweep(ctx, "reconciliation", func(r repo.Ref, day string) river.JobArgs { return ReconcileArgs{Repo: &r, Day: day} })
	}
	ctx = zerolog.Ctx(ctx).With().Str("repository", r.String()).Logger().WithContext(ctx)
	return w.h.outcome(ctx, w.h.reconcile(ctx, *r))
}

// reconcile finishes postmortems whose items did not all get an issue,
// brings every item's state in line with GitHub, replaces a status issue
// closed or deleted unseen, then updates the tracking comments and the
// status issue.
func (h *Handler) reconcile(ctx context.Context, r repo.Ref) error {
	s, err := h.session(ctx, r, "")
	if err != nil {
		return err
	}
	if err := h.followPendingMerges(ctx, r); err != nil {
		return err
	}
	incidents := map[int]bool{}
	paths, err := h.records.untracked(ctx, r.RepoID)
	if err != nil {
		return err
	}
	for _, path := range paths {
		err := s.trackPostmortem(ctx, path)
		if err != nil && !errors.Is(err, lease.ErrBusy) { // busy: its merge job is on it
			return err
		}
	}
	if err := s.reconcileItems(ctx, incidents); err != nil {
		return err
	}
	if err := s.reconcileStatusIssue(ctx); err != nil {
		return err
	}
	for n := range incidents {
		if err := s.withIncident(ctx, n, func() error { return s.refreshIncident(ctx, n) }); err != nil {
			return err
		}
	}
	return h.scheduleStatus(ctx, r)
}

// followPendingMerges re-runs, through the merge job's own code, the merges
// whose job failed before it finished. A merge whose policy file is broken
// at its commit cannot be followed up by retrying; it is dropped with a log.
func (h *Handler) followPendingMerges(ctx context.Context, r repo.Ref) error {
	merges, err := h.records.pendingMerges(ctx, r.RepoID)
	if err != nil {
		return err
	}
	for _, m := range merges {
		err := h.followMerge(ctx, r, m)
		var perr *policy.Error
		switch {
		case errors.Is(err, lease.ErrBusy): // its merge job is on it
		case errors.As(err, &perr):
			zerolog.Ctx(ctx).Warn().Err(err).Int("pull", m.Number).Msg("the merge cannot be followed up; it is dropped")
			if err := h.records.forgetMerge(ctx, r.RepoID, m); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("follow up merge of pull request #%d: %w", m.Number, err)
		}
	}
	return nil
}

// reconcileItems reads every action-label issue in one listing, looks up
// the followed items it did not contain, and records GitHub's view. It adds
// the incidents of the items it saw to incidents.
func (s *session) reconcileItems(ctx context.Context, incidents map[int]bool) error {
	h, c, r, label := s.h, s.c, s.ref, s.pol.ActionItems.Label
	listed, err := c.Issues(ctx, repo.IssueQuery{State: "all", Labels: []string{label}})
	if err != nil {
		return err
	}
	byNumber := map[int]repo.Issue{}
	for _, i := range listed {
		byNumber[i.Number] = i
	}
	items, err := h.records.ofRepo(ctx, r.RepoID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Issue == 0 || it.Removed || it.State == stateGone || it.State == stateExternal {
			continue
		}
		incidents[it.Incident] = true
		i, ok := byNumber[it.Issue]
		if !ok {
			// Not labelled any more, deleted or transferred: ask for it.
			i, err = c.Issue(ctx, it.Issue)
			if repo.IsGone(err) || (err == nil && i.Number != it.Issue) {
				i, err = repo.Issue{}, nil // deleted, or transferred (GitHub redirects to the new issue)
			}
			if err != nil {
				return err
			}
		}
		st := issueState{State: stateGone}
		if i.Number != 0 {
			st = stateFrom(i, label)
		}
		// How it was closed is read once, when it is first seen closed
		// (or was recorded before the app read closures).
		if st.State == stateClosed && (it.State != stateClosed || it.Closure.As == "") {
			if st.Closure, err = s.readClosure(ctx, i); err != nil {
				return err
			}
		}
		_, closedNow, err := h.records.update(ctx, it, st)
		if err != nil {
			return err
		}
		if closedNow {
			h.metrics.observeClose(it, st.ClosedAt, s.now())
		}
	}
	return nil
}

// reconcileStatusIssue forgets a status issue that was closed, deleted or
// moved while no webhook reached the app, so the next update opens another.
func (s *session) reconcileStatusIssue(ctx context.Context) error {
	if !s.pol.ActionItems.StatusIssue.Enabled {
		return nil
	}
	st, err := s.h.records.status(ctx, s.ref.RepoID)
	if err != nil || st.Issue == 0 {
		return err
	}
	i, err := s.c.Issue(ctx, st.Issue)
	switch {
	case repo.IsGone(err):
	case err != nil:
		return err
	case i.State == "open" && i.Number == st.Issue:
		return nil
	}
	s.log.Info().Int("issue", st.Issue).Msg("the status issue was closed, deleted or moved; a new one will be opened")
	_, err = s.h.records.forgetStatusIssue(ctx, s.ref.RepoID, st.Issue)
	return err
}
