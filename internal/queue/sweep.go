package queue

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// SweepOpts are the insert options of the one-repository jobs a periodic
// sweep queues: one job per (kind, args) in each period. The args name the
// repository and the sweep's period on the app's clock (which tests move);
// ByPeriod bounds the key on River's clock as well. Cancelled counts too,
// so a repository whose policy is broken is not queued again that period.
func SweepOpts(period time.Duration) *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{
		ByArgs:   true,
		ByPeriod: period,
		ByState:  append(rivertype.UniqueOptsByStateDefault(), rivertype.JobStateCancelled),
	}}
}
