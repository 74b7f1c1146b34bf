package queue

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Lazy is an Inserter whose client is set after construction: features
// need an inserter before River's client (which needs their workers) exists.
type Lazy struct{ c atomic.Pointer[Client] }

// Set points the inserter at c.
func (l *Lazy) Set(c Client) { l.c.Store(&c) }

var errNotReady = errors.New("job queue is not ready yet")

// Insert adds one job.
func (l *Lazy) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	c := l.c.Load()
	if c == nil {
		return nil, errNotReady
	}
	return (*c).Insert(ctx, args, opts)
}

// InsertMany adds jobs in one transaction.
func (l *Lazy) InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	c := l.c.Load()
	if c == nil {
		return nil, errNotReady
	}
	return (*c).InsertMany(ctx, params)
}
