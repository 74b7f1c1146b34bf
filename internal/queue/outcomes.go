package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
)

// outcomes wraps every job: a GitHub rate-limit answer snoozes the job until
// GitHub says it may try again (without using up an attempt), a job that
// fails its last attempt is logged and counted as discarded, and every
// attempt's outcome is counted.
type outcomes struct {
	river.MiddlewareDefaults
	metrics *metrics.Metrics
	log     zerolog.Logger
}

// maxSnooze caps one rate-limit wait, in case a reset time is nonsense.
const maxSnooze = 70 * time.Minute

func (o *outcomes) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	handler := handlerOf(job)
	log := o.log.With().Int64("job_id", job.ID).Str("job_kind", job.Kind).Int("attempt", job.Attempt).Logger()
	if handler != "" {
		log = log.With().Str("handler", handler).Logger()
	}
	ctx = log.WithContext(ctx)
	err := doInner(ctx)
	count := func(outcome string) {
		if o.metrics != nil {
			o.metrics.Jobs.WithLabelValues(job.Kind, handler, outcome).Inc()
		}
	}
	if err == nil {
		count("completed")
		return nil
	}
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case errors.As(err, &snooze):
		count("snoozed")
		return err
	case errors.As(err, &cancel):
		count("discarded")
		log.Error().Err(err).Msg("job cancelled: it cannot succeed")
		return err
	}
	// Rate limits are wall-clock facts from GitHub, whatever the app's clock.
	if at, ok := ghclient.RetryAt(err, time.Now()); ok {
		wait := min(time.Until(at), maxSnooze)
		wait = max(wait, 0)
		count("snoozed")
		log.Warn().Err(err).Dur("wait", wait).Msg("GitHub rate limit: job waits before trying again")
		return river.JobSnooze(wait)
	}
	if job.Attempt >= job.MaxAttempts {
		count("discarded")
		log.Error().Err(err).Msg("job discarded after its last attempt")
		return err
	}
	count("retried")
	log.Warn().Err(err).Msg("job failed; it will be retried")
	return err
}

// handlerOf names the feature a webhook job belongs to, for logs and metrics.
func handlerOf(job *rivertype.JobRow) string {
	if job.Kind != (EventArgs{}).Kind() {
		return ""
	}
	var args struct {
		Handler string `json:"handler"`
	}
	if err := jsonUnmarshal(job.EncodedArgs, &args); err != nil {
		return fmt.Sprintf("unreadable(%v)", err)
	}
	return args.Handler
}
