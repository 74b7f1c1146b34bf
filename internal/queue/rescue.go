package queue

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// JobTimeout is the longest any job may run: River cancels its context
// then. Leases a job takes (on an incident, a postmortem) last as long, so
// they expire with the job that took them, never later. It is short because
// a job a crash leaves running on PostgreSQL is taken up again only after
// it (plus a margin and River's 30 s rescuer interval), and that must stay
// under a minute. A job is a handful of GitHub calls; waits (rate limits,
// a busy incident) are snoozes that end the attempt, not sleeps.
const JobTimeout = 10 * time.Second

// rescueAfter is when River's rescuer treats a running job as orphaned (its
// process died) and retries it, on PostgreSQL where replicas share jobs. It
// exceeds JobTimeout so a live job is never run twice at once.
const rescueAfter = JobTimeout + 2*time.Second

// SlowJobAfter is when a running job counts as slower than expected: it is
// logged and counted while it still runs, well before its timeout.
const SlowJobAfter = JobTimeout / 2

// rescuedError is what River's rescuer records on a job it retries.
const rescuedError = "Stuck job rescued by JobRescuer"

// resumingClient makes the jobs a crashed predecessor left running available
// again before it starts working, on SQLite, where only one process runs
// jobs: any job still marked running when it starts is an orphan.
type resumingClient struct {
	Client
	db      *store.DB
	metrics *metrics.Metrics
	log     zerolog.Logger
}

func (c *resumingClient) Start(ctx context.Context) error {
	if err := resumeOrphans(ctx, c.db, c.metrics, c.log); err != nil {
		return err
	}
	return c.Client.Start(ctx)
}

// resumeOrphans makes every job marked running available again, or discards
// it when the crashed attempt was its last, the way River's rescuer decides.
// Only for SQLite: River keeps no record there of which process is alive.
func resumeOrphans(ctx context.Context, db *store.DB, m *metrics.Metrics, log zerolog.Logger) error {
	rows, err := db.Query(ctx, `UPDATE river_job SET
			state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'available' END,
			finalized_at = CASE WHEN attempt >= max_attempts THEN datetime('now', 'subsec') ELSE NULL END
		WHERE state = 'running'
		RETURNING id, kind, attempt, state`)
	if err != nil {
		return fmt.Errorf("resume jobs left running by a crash: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id          int64
			kind, state string
			attempt     int
		)
		if err := rows.Scan(&id, &kind, &attempt, &state); err != nil {
			return fmt.Errorf("resume jobs left running by a crash: %w", err)
		}
		l := log.With().Int64("job_id", id).Str("job_kind", kind).Int("attempt", attempt).Logger()
		if state == "discarded" {
			l.Error().Msg("job discarded: a crash interrupted its last attempt")
			if m != nil {
				m.Jobs.WithLabelValues(kind, "", "discarded").Inc()
			}
			continue
		}
		l.Warn().Msg("resuming a job a crash left running")
		if m != nil {
			m.JobsResumed.WithLabelValues(kind, "startup").Inc()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("resume jobs left running by a crash: %w", err)
	}
	return nil
}

// rescued reports whether River's rescuer put this attempt back after a
// crash (or a job that outlived its timeout): the previous attempt's error is
// the rescuer's.
func rescued(job *rivertype.JobRow) bool {
	n := len(job.Errors)
	return n > 0 && job.Errors[n-1].Error == rescuedError && job.Errors[n-1].Attempt == job.Attempt-1
}

// retryRescuedAtOnce is the retry time of a job River's rescuer found: it
// has already waited out its timeout and the rescue window, so it runs again
// at once rather than after another backoff. ok is false for other failures.
func retryRescuedAtOnce(job *rivertype.JobRow, now time.Time) (time.Time, bool) {
	if job.AttemptedAt == nil || now.Sub(*job.AttemptedAt) < rescueAfter {
		return time.Time{}, false
	}
	return now, true
}
