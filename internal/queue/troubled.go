package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// troubledListLimit bounds each list of troubled jobs; an operator needs the
// first few, the gauge a count.
const troubledListLimit = 1000

// OverdueJobs are the jobs marked running for longer than JobTimeout as of
// now: left by a crash until they are resumed, or ignoring their timeout.
// The /metrics gauge and `doctor` read it.
func OverdueJobs(ctx context.Context, jobs Client, now time.Time) ([]*rivertype.JobRow, error) {
	running, err := jobs.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateRunning).First(troubledListLimit))
	if err != nil {
		return nil, err
	}
	var out []*rivertype.JobRow
	for _, j := range running.Jobs {
		if j.AttemptedAt != nil && now.Sub(*j.AttemptedAt) > JobTimeout {
			out = append(out, j)
		}
	}
	return out, nil
}

// DiscardedJobs are the jobs given up on (every attempt failed, or the last
// one was cut short by a crash) since a moment, newest first: work the app
// will not do unless someone redelivers the event. `doctor` lists them.
func DiscardedJobs(ctx context.Context, jobs Client, since time.Time) ([]*rivertype.JobRow, error) {
	res, err := jobs.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(troubledListLimit))
	if err != nil {
		return nil, err
	}
	var out []*rivertype.JobRow
	for _, j := range res.Jobs {
		if j.FinalizedAt != nil && j.FinalizedAt.Before(since) {
			break
		}
		out = append(out, j)
	}
	return out, nil
}
