// Package queue runs the app's durable jobs on River: webhook deliveries
// stored before they are acknowledged, feature follow-ups and periodic work.
// The same code runs on SQLite and PostgreSQL.
package queue

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// Inserter adds jobs. Features hold one to schedule follow-up work.
type Inserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Client is a River client whichever database is behind it.
type Client interface {
	Inserter
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Options configure the queue.
type Options struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	// MaxWorkers bounds jobs running at once in this process. Zero makes an
	// insert-only client that runs no jobs.
	MaxWorkers int
	// RetryBase is the first retry delay; each further attempt doubles it.
	RetryBase   time.Duration
	MaxAttempts int
	// PollInterval is how often idle workers look for retries and scheduled
	// jobs (default 1 s; new jobs inserted by this process start at once).
	PollInterval time.Duration
	// JobTimeout is how long a job may run (default and production:
	// JobTimeout); tests shorten it to reach a job's deadline quickly.
	JobTimeout time.Duration
	Metrics    *metrics.Metrics
	Logger     zerolog.Logger
}

// CompletedRetention is how long finished jobs are kept, and so how long a
// redelivered webhook is recognised as already done. GitHub lets people
// redeliver deliveries from the last three days.
const CompletedRetention = 7 * 24 * time.Hour

// New builds a River client on db.
func New(db *store.DB, o Options) (Client, error) {
	if o.RetryBase == 0 {
		o.RetryBase = 5 * time.Second
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 12
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Second
	}
	if o.JobTimeout <= 0 || o.JobTimeout > JobTimeout {
		o.JobTimeout = JobTimeout
	}
	cfg := &river.Config{
		CompletedJobRetentionPeriod: CompletedRetention,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		JobTimeout:                  o.JobTimeout,
		JobStuckHandler:             stuckHandler(o.Metrics, o.Logger),
		MaxAttempts:                 o.MaxAttempts,
		RetryPolicy:                 &backoff{base: o.RetryBase},
		Logger:                      slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		WorkerMiddleware: []rivertype.WorkerMiddleware{&outcomes{metrics: o.Metrics, log: o.Logger},
			&watchdog{metrics: o.Metrics, log: o.Logger, slowAfter: SlowJobAfter}},
		JobInsertMiddleware:  []rivertype.JobInsertMiddleware{&backgroundLast{}},
		FetchPollInterval:    o.PollInterval,
		FetchCooldown:        100 * time.Millisecond,
		RescueStuckJobsAfter: rescueAfter,
	}
	if o.MaxWorkers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.MaxWorkers}}
		cfg.Workers = o.Workers
		cfg.PeriodicJobs = o.Periodic
	}
	var c Client
	var err error
	switch db.Dialect {
	case store.Postgres:
		c, err = newClient(riverpgxv5.New(db.Pool), cfg)
	default:
		c, err = newClient(riversqlite.New(db.SQL), cfg)
		if err == nil && o.MaxWorkers > 0 {
			c = &resumingClient{Client: c, db: db, metrics: o.Metrics, log: o.Logger}
		}
	}
	if err == nil && o.Metrics != nil && o.MaxWorkers > 0 {
		err = registerOverdue(o.Metrics, c)
	}
	return c, err
}

func newClient[TTx any](driver riverdriver.Driver[TTx], cfg *river.Config) (Client, error) {
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// backoff doubles the delay on each attempt, from base up to an hour, with
// jitter so a burst of failures does not retry in lockstep.
type backoff struct{ base time.Duration }

func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	if at, ok := retryRescuedAtOnce(job, time.Now().UTC()); ok {
		return at
	}
	d := b.base
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	jitter := time.Duration(rand.Int64N(int64(d)/5 + 1))
	return time.Now().UTC().Add(d + jitter)
}
