package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
)

// watchdog makes slow and stuck work visible: a job still running after
// SlowJobAfter is logged and counted while it runs, and a job resumed after
// a crash says so when it starts again.
type watchdog struct {
	river.MiddlewareDefaults
	metrics *metrics.Metrics
	log     zerolog.Logger
	// slowAfter is SlowJobAfter; tests shorten it.
	slowAfter time.Duration
}

func (w *watchdog) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	handler := handlerOf(job)
	log := w.log.With().Int64("job_id", job.ID).Str("job_kind", job.Kind).Str("handler", handler).Int("attempt", job.Attempt).Logger()
	if rescued(job) {
		log.Warn().Msg("resuming a job a crash left running (found by River's rescuer)")
		if w.metrics != nil {
			w.metrics.JobsResumed.WithLabelValues(job.Kind, "rescued").Inc()
		}
	}
	started := time.Now()
	slow := time.AfterFunc(w.slowAfter, func() {
		log.Warn().Dur("running", time.Since(started)).Dur("timeout", JobTimeout).Msg("job is running longer than expected")
		if w.metrics != nil {
			w.metrics.JobsSlow.WithLabelValues(job.Kind, handler).Inc()
		}
	})
	defer slow.Stop()
	return doInner(ctx)
}

// stuckHandler is told by River when a job did not return within its
// timeout (plus River's margin): it ignores its context, and holds a worker
// slot until it does.
func stuckHandler(m *metrics.Metrics, log zerolog.Logger) river.JobStuckHandler {
	return func(_ context.Context, p river.JobStuckHandlerParams) river.JobStuckHandlerResult {
		log.Error().Int64("job_id", p.ID).Str("job_kind", p.Kind).Str("queue", p.Queue).Int("stuck_jobs", p.TotalStuckJobs).
			Dur("timeout", JobTimeout).Msg("job did not stop at its timeout; it keeps a worker busy")
		if m != nil {
			m.JobsStuck.WithLabelValues(p.Kind).Inc()
		}
		return river.JobStuckHandlerResult{}
	}
}
