package actions

import (
	"time"

	"github.com/riverqueue/river"
)

// RegisterWorkers adds the feature's follow-up and periodic job kinds.
func (h *Handler) RegisterWorkers(w *river.Workers) error {
	if err := river.AddWorkerSafely(w, &statusWorker{h: h}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &orgStatusWorker{h: h}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, &remindersWorker{h: h}); err != nil {
		return err
	}
	return river.AddWorkerSafely(w, &reconcileWorker{h: h})
}

// PeriodicJobs are the daily reminders and the daily reconciliation.
func (h *Handler) PeriodicJobs() []*river.PeriodicJob {
	day := river.PeriodicInterval(24 * time.Hour)
	return []*river.PeriodicJob{
		river.NewPeriodicJob(day, func() (river.JobArgs, *river.InsertOpts) { return RemindersArgs{}, nil },
			&river.PeriodicJobOpts{ID: "action_items_reminders"}),
		river.NewPeriodicJob(day, func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
			&river.PeriodicJobOpts{ID: "action_items_reconcile"}),
	}
}
