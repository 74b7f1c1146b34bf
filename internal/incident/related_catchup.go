package incident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// RelatedIndexArgs asks for the rest of a repository's incidents to be
// indexed after a related search ran out of budget, so the next incident
// there is compared with all of them. It runs at background priority
// (queue.BackgroundKinds), one queued per repository.
type RelatedIndexArgs struct {
	InstallationID int64  `json:"installation_id" river:"unique"`
	RepoID         int64  `json:"repo_id" river:"unique"`
	Owner          string `json:"owner"`
	Name           string `json:"name"`
}

// Kind names the job kind in River's table.
func (RelatedIndexArgs) Kind() string { return "incident_related_index" }

type relatedIndexWorker struct {
	river.WorkerDefaults[RelatedIndexArgs]
	h *Handler
}

// catchUpPause is the wait between two runs of a repository's catch-up.
const catchUpPause = time.Second

// Work indexes the repository's incidents under the same budget as a
// search, and runs again (a snooze: River does not count it as an attempt)
// while some are left and it got further.
func (w *relatedIndexWorker) Work(ctx context.Context, job *river.Job[RelatedIndexArgs]) error {
	more, err := w.h.catchUpIndex(ctx, job.Args)
	if err == nil && more {
		return river.JobSnooze(catchUpPause)
	}
	return w.h.outcome(ctx, err)
}

// scheduleIndexing queues the repository's catch-up indexing, unless one is
// queued or running already (a running one lists the incidents again at
// each run). Failing to queue it costs only completeness: later incidents
// index progressively anyway, so it is logged, not returned.
func (h *Handler) scheduleIndexing(ctx context.Context, r repo.Ref) {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
	args := RelatedIndexArgs{InstallationID: r.InstallationID, RepoID: r.RepoID, Owner: r.Owner, Name: r.Name}
	if _, err := h.env.Jobs.Insert(ctx, args, opts); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("searched", r.String()).Msg("related incidents: could not queue the catch-up indexing")
	}
}

// catchUpIndex indexes the repository's incidents (all of them, up to
// max_candidates, the most recent first) while the budget lasts, and says
// whether another run should follow.
func (h *Handler) catchUpIndex(ctx context.Context, a RelatedIndexArgs) (more bool, err error) {
	ref := repo.Ref{InstallationID: a.InstallationID, RepoID: a.RepoID, Owner: a.Owner, Name: a.Name}
	log := zerolog.Ctx(ctx).With().Str("repository", ref.String()).Logger()
	c, err := h.env.Client(ref)
	if err != nil {
		return false, err
	}
	p, _, err := c.Policy(ctx, "")
	var perr *policy.Error
	if errors.As(err, &perr) {
		// Reported on the next incident; nothing can be indexed by it now.
		log.Info().Str("problem", perr.Error()).Msg("related incidents: invalid policy; catch-up indexing skipped")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !p.Related.Enabled {
		return false, nil
	}
	issues, err := incidentsOf(ctx, p, c, func(repo.Issue) bool { return true })
	if err != nil {
		return false, fmt.Errorf("list incidents of %s to index: %w", ref, err)
	}
	budget := budgetFor(ctx)
	if _, err := h.indexedWithin(ctx, p, searched{c: c, ref: ref}, issues, &budget); err != nil {
		return false, fmt.Errorf("index incidents of %s: %w", ref, err)
	}
	log.Info().Int("indexed", budget.indexed).Int("left", budget.notCompared).Msg("related incidents: catch-up indexing")
	// Only a run that got further asks for the next: one that indexed
	// nothing (every read slower than the budget) leaves the rest to
	// later incidents rather than loop.
	return budget.notCompared > 0 && budget.indexed > 0, nil
}
