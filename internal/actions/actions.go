package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/lease"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// Options tune the feature's pacing; tests shorten them.
type Options struct {
	// Pace is the pause between two issue creations in one job, so a
	// postmortem with many action items stays under GitHub's secondary
	// limit for content creation.
	Pace time.Duration
	// StatusDelay is how long a status-issue update waits so a burst of
	// changes becomes one edit.
	StatusDelay time.Duration
	// BusyWait is how long a merge job waits when another job is opening
	// the same postmortem's issues.
	BusyWait time.Duration
	// DeadlineMargin is the time a job keeps in hand before its deadline:
	// a loop that would pass it stops and continues in a later run
	// (default 3 s, enough for a creation's few GitHub requests).
	DeadlineMargin time.Duration
}

// DefaultOptions are the production pacing.
var DefaultOptions = Options{Pace: time.Second, StatusDelay: 5 * time.Second, BusyWait: 5 * time.Second,
	DeadlineMargin: 3 * time.Second}

// Handler is the action-items feature.
type Handler struct {
	env     *feature.Env
	opts    Options
	records records
	metrics *itemMetrics
}

// New builds the feature with production pacing.
func New(env *feature.Env) *Handler { return NewWithOptions(env, DefaultOptions) }

// NewWithOptions builds the feature with the given pacing.
func NewWithOptions(env *feature.Env, o Options) *Handler {
	if o.BusyWait <= 0 {
		o.BusyWait = 100 * time.Millisecond
	}
	if o.DeadlineMargin <= 0 {
		o.DeadlineMargin = DefaultOptions.DeadlineMargin
	}
	h := &Handler{env: env, opts: o, records: records{db: env.DB}}
	h.metrics = newItemMetrics(h)
	if env.Metrics != nil {
		if err := h.metrics.register(env.Metrics.Registry); err != nil {
			env.Logger.Warn().Err(err).Msg("action-item metrics are not exported")
		}
	}
	return h
}

// Name is part of each job's uniqueness key.
func (*Handler) Name() string { return "action-items" }

// Events are merged pull requests and changes to issues.
func (*Handler) Events() []string { return []string{"pull_request", "issues"} }

// trackedIssueActions change an action item's or a status issue's state.
var trackedIssueActions = map[string]bool{
	"closed": true, "reopened": true, "edited": true, "deleted": true,
	"transferred": true, "labeled": true, "unlabeled": true,
}

// Wants merged pull requests and issue changes that may concern a tracked
// issue (which ones do is only known from the database, inside the job).
func (*Handler) Wants(d *event.Delivery) bool {
	if d.InstallationID == 0 || d.RepoID == 0 {
		return false
	}
	switch d.Event {
	case "pull_request":
		if d.Action != "closed" {
			return false
		}
		var p struct {
			PullRequest struct {
				Merged bool `json:"merged"`
			} `json:"pull_request"`
		}
		return json.Unmarshal(d.Payload, &p) == nil && p.PullRequest.Merged
	case "issues":
		return trackedIssueActions[d.Action]
	}
	return false
}

// WantsOwn takes the app's own closing of an issue: `/postmortem decline`
// closes an action item's issue as not planned, and its tracking must
// follow like any other closing.
func (*Handler) WantsOwn(d *event.Delivery) bool {
	return d.Event == "issues" && d.Action == "closed" && d.InstallationID != 0 && d.RepoID != 0
}

// Work turns a merged postmortem into issues, or follows an issue change.
// Its outcome is decided once, here, from the kind of error (outcome).
func (h *Handler) Work(ctx context.Context, d *event.Delivery) error {
	r := feature.RepoOf(d)
	var err error
	switch d.Event {
	case "pull_request":
		err = h.onMerge(ctx, d, r)
	case "issues":
		err = h.onIssue(ctx, d, r)
	}
	return h.outcome(ctx, err)
}

// errUndecodable says a delivery's payload cannot be read: retrying cannot
// change that.
var errUndecodable = errors.New("undecodable payload")

// outcome is the one place where the feature decides a job's fate from the
// kind of error its helpers returned (plain errors, all of them): a broken
// policy or an undecodable payload cannot be fixed by retrying, so the job
// is cancelled with the reason; another job holding the lease makes this
// one wait, and so does a job that stopped before its deadline with work
// left (it continues after about one pace, without using up an attempt);
// anything else (rate limits included, which the queue snoozes) is retried.
func (h *Handler) outcome(ctx context.Context, err error) error {
	var perr *policy.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, lease.ErrBusy):
		return river.JobSnooze(h.opts.BusyWait)
	case errors.Is(err, errContinueLater):
		zerolog.Ctx(ctx).Info().Msg("the job's deadline is near; it continues in a later run")
		return river.JobSnooze(h.opts.Pace)
	case errors.As(err, &perr):
		zerolog.Ctx(ctx).Warn().Err(err).Msg("the repository's postmortem policy is invalid; the job is cancelled")
		return river.JobCancel(err)
	case errors.Is(err, errUndecodable):
		return river.JobCancel(err)
	}
	return err
}

// scheduleStatus marks the status issue stale and queues one update per
// repository for the coming few seconds.
func (h *Handler) scheduleStatus(ctx context.Context, r repo.Ref) error {
	if err := h.records.markDirty(ctx, r.RepoID); err != nil {
		return err
	}
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{
		ByArgs: true,
		// Not completed: a change after an update must queue another one.
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable},
	}}
	if h.opts.StatusDelay > 0 {
		opts.ScheduledAt = time.Now().Add(h.opts.StatusDelay)
	}
	if _, err := h.env.Jobs.Insert(ctx, StatusArgs{Repo: r}, opts); err != nil {
		return fmt.Errorf("queue status update for %s: %w", r, err)
	}
	return nil
}
