package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
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
}

// DefaultOptions are the production pacing.
var DefaultOptions = Options{Pace: time.Second, StatusDelay: 5 * time.Second, BusyWait: 5 * time.Second}

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

// Work turns a merged postmortem into issues, or follows an issue change.
func (h *Handler) Work(ctx context.Context, d *event.Delivery) error {
	if err := h.env.DB.RecordRepository(ctx, d.InstallationID, d.RepoID, d.Owner, d.Repo, h.env.Clock.Now().Unix()); err != nil {
		return err
	}
	switch d.Event {
	case "pull_request":
		return h.onMerge(ctx, d)
	case "issues":
		return h.onIssue(ctx, d)
	}
	return nil
}

// repoRef names a repository the app works in.
type repoRef struct {
	InstallationID int64  `json:"installation_id"`
	RepoID         int64  `json:"repo_id"`
	Owner          string `json:"owner"`
	Repo           string `json:"repo"`
}

func (r repoRef) String() string { return r.Owner + "/" + r.Repo }

// client opens an installation client for the repository.
func (h *Handler) client(r repoRef) (repoClient, error) {
	gh, err := h.env.GitHub.NewInstallationClient(r.InstallationID)
	if err != nil {
		return repoClient{}, fmt.Errorf("installation client for %s: %w", r, err)
	}
	return repoClient{gh: gh, owner: r.Owner, repo: r.Repo}, nil
}

// clientWithPolicy opens the repository's client and loads its policy at
// ref ("" for the default branch): what every job starts with.
func (h *Handler) clientWithPolicy(ctx context.Context, r repoRef, ref string) (repoClient, *policy.Policy, error) {
	c, err := h.client(r)
	if err != nil {
		return repoClient{}, nil, err
	}
	pol, err := h.policyOf(ctx, c, ref)
	if err != nil {
		return repoClient{}, nil, err
	}
	return c, pol, nil
}

// policyOf loads the repository's policy at ref ("" for the default
// branch). A broken policy file cannot be fixed by retrying, so the job
// gives up with the file's own error message.
func (h *Handler) policyOf(ctx context.Context, c repoClient, ref string) (*policy.Policy, error) {
	p, _, err := policy.Fetch(ctx, c.gh, c.owner, c.repo, ref)
	var perr *policy.Error
	if errors.As(err, &perr) {
		return nil, river.JobCancel(fmt.Errorf("postmortem policy of %s/%s: %w", c.owner, c.repo, err))
	}
	if err != nil {
		return nil, fmt.Errorf("postmortem policy of %s/%s: %w", c.owner, c.repo, err)
	}
	return p, nil
}

// scheduleStatus marks the status issue stale and queues one update per
// repository for the coming few seconds.
func (h *Handler) scheduleStatus(ctx context.Context, r repoRef) error {
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
