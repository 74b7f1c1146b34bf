package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// PayloadRetention is how long webhook payloads are kept: a little longer
// than finished jobs, so no job outlives its payload.
const PayloadRetention = CompletedRetention + 24*time.Hour

// PruneArgs asks for old webhook payloads to be deleted.
type PruneArgs struct{}

// Kind names the job kind.
func (PruneArgs) Kind() string { return "prune_deliveries" }

// PayloadPruner deletes payloads received before a unix time.
type PayloadPruner interface {
	PruneDeliveries(ctx context.Context, before int64) (int64, error)
}

// PruneWorker deletes payloads older than PayloadRetention.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	Store PayloadPruner
}

// Work prunes.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	n, err := w.Store.PruneDeliveries(ctx, time.Now().Add(-PayloadRetention).Unix())
	if err != nil {
		return err
	}
	zerolog.Ctx(ctx).Debug().Int64("deleted", n).Msg("pruned old webhook payloads")
	return nil
}

// PrunePeriodic runs the pruner hourly.
func PrunePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "prune_deliveries"})
}
