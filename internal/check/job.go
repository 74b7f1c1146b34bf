package check

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// ReviewArgs is one review of a pull request's postmortems at a head SHA.
// It is unique per (repository, head SHA, re-run request): deliveries that
// arrive together for the same head make one job.
type ReviewArgs struct {
	InstallationID int64  `json:"installation_id"`
	RepoID         int64  `json:"repo_id" river:"unique"`
	Owner          string `json:"owner"`
	Repo           string `json:"repo"`
	Number         int    `json:"number"`
	HeadSHA        string `json:"head_sha" river:"unique"`
	BaseRef        string `json:"base_ref"`
	// Rerun identifies a re-run request by its content (see rerunKey), ""
	// otherwise.
	Rerun string `json:"rerun,omitempty" river:"unique"`
}

// Kind names the job kind in River's table.
func (ReviewArgs) Kind() string { return "postmortem_check_review" }

// insertOpts: an ordinary review is unique only while it is waiting or
// running, because a later one for the same head finds the published run
// and leaves it alone; a re-run request stays unique for good, so retrying
// its delivery never publishes a second fresh run.
func (a ReviewArgs) insertOpts() *river.InsertOpts {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if a.Rerun == "" {
		opts.UniqueOpts.ByState = []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}
	}
	return opts
}

type reviewWorker struct {
	river.WorkerDefaults[ReviewArgs]
	h *Handler
}

func (w *reviewWorker) Work(ctx context.Context, job *river.Job[ReviewArgs]) error {
	a := job.Args
	log := zerolog.Ctx(ctx).With().Int64("installation_id", a.InstallationID).
		Str("repository", a.Owner+"/"+a.Repo).Int("pull", a.Number).Str("head_sha", a.HeadSHA).Logger()
	if err := w.h.review(log.WithContext(ctx), a); err != nil {
		return fmt.Errorf("postmortem check of %s/%s#%d at %s: %w", a.Owner, a.Repo, a.Number, a.HeadSHA, err)
	}
	return nil
}

// RegisterWorkers adds the review job's worker.
func (h *Handler) RegisterWorkers(w *river.Workers) error {
	return river.AddWorkerSafely(w, &reviewWorker{h: h})
}

// PeriodicJobs: the check has none; it only reacts to pull requests.
func (h *Handler) PeriodicJobs() []*river.PeriodicJob { return nil }
