package actions

import (
	"context"
	"errors"
	"time"
)

// errContinueLater says a job stopped with work left because its deadline
// (queue.JobTimeout) was near: what it did is recorded, so the outcome
// switch snoozes it and the next run resumes where this one stopped, with
// no failed attempt.
var errContinueLater = errors.New("stopped before the job's deadline; a later run continues")

// roomFor answers errContinueLater when the job's deadline leaves less
// than next (the pause before the next step) plus the safety margin one
// step (a few GitHub requests) needs. Loops call it between steps, after
// at least one step, so every run makes progress.
func (h *Handler) roomFor(ctx context.Context, next time.Duration) error {
	deadline, ok := ctx.Deadline()
	if ok && time.Until(deadline) < next+h.opts.DeadlineMargin {
		return errContinueLater
	}
	return nil
}
