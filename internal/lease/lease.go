// Package lease lets one job at a time work on a row (an incident, a
// postmortem): the job that takes the lease holds it until it gives it back
// or until its own time is up, so a crashed job never blocks others longer
// than a running one could.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// Length is how long a lease lasts: River's job timeout, so a lease
// expires with the job that took it, never later.
const Length = queue.JobTimeout

// ErrBusy says another job holds the lease.
var ErrBusy = errors.New("another job holds the lease")

// Row names a row with lease_holder and lease_until columns, keyed by
// repo_id and one more column.
type Row struct {
	Table  string // a table with repo_id, lease_holder and lease_until
	KeyCol string
	RepoID int64
	Key    any
}

// Take gives the caller the row's lease, or ErrBusy while another job
// holds one that has not expired. The row must exist. release gives the
// lease back; it is safe to call after the lease expired and was taken by
// another job (it then changes nothing).
func Take(ctx context.Context, db *store.DB, r Row, now time.Time) (release func(), err error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", r.Table, r.Key, err)
	}
	holder := hex.EncodeToString(b[:])
	res, err := db.Exec(ctx, `UPDATE `+r.Table+` SET lease_holder = ?, lease_until = ?
		WHERE repo_id = ? AND `+r.KeyCol+` = ? AND lease_until < ?`, holder, now.Add(Length).Unix(), r.RepoID, r.Key, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", r.Table, r.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", r.Table, r.Key, err)
	} else if n != 1 {
		return nil, ErrBusy
	}
	return func() {
		_, _ = db.Exec(context.WithoutCancel(ctx), `UPDATE `+r.Table+` SET lease_holder = '', lease_until = 0
			WHERE repo_id = ? AND `+r.KeyCol+` = ? AND lease_holder = ?`, r.RepoID, r.Key, holder)
	}, nil
}
