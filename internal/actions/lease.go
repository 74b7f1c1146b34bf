package actions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// errBusy says another job holds the lease.
var errBusy = errors.New("another job holds the lease")

// leaseLength bounds how long a crashed job keeps others waiting.
const leaseLength = 10 * time.Minute

// leased names a row that jobs take turns on.
type leased struct {
	table  string // pmbot_action_postmortems or pmbot_action_incidents
	keyCol string // path or number
	repoID int64
	key    any
}

// lease takes the row's lease, or returns errBusy while another job holds
// it; release gives it back (on a crash it expires).
func (r records) lease(ctx context.Context, l leased, now time.Time) (release func(), err error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", l.table, l.key, err)
	}
	holder := hex.EncodeToString(b[:])
	res, err := r.db.Exec(ctx, `UPDATE `+l.table+` SET lease_holder = ?, lease_until = ?
		WHERE repo_id = ? AND `+l.keyCol+` = ? AND lease_until < ?`, holder, now.Add(leaseLength).Unix(), l.repoID, l.key, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", l.table, l.key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("lease %s %v: %w", l.table, l.key, err)
	} else if n != 1 {
		return nil, errBusy
	}
	return func() {
		_, _ = r.db.Exec(context.WithoutCancel(ctx), `UPDATE `+l.table+` SET lease_holder = '', lease_until = 0
			WHERE repo_id = ? AND `+l.keyCol+` = ? AND lease_holder = ?`, l.repoID, l.key, holder)
	}, nil
}

// leasePostmortem lets one job at a time open a postmortem's issues, so a
// merge job and the reconciliation (or two deliveries) never both find an
// item without an issue and both open one.
func (r records) leasePostmortem(ctx context.Context, repoID int64, path string, now time.Time) (func(), error) {
	return r.lease(ctx, leased{table: "pmbot_action_postmortems", keyCol: "path", repoID: repoID, key: path}, now)
}

// leaseIncident lets one job at a time write an incident's tracking comment
// and completion.
func (r records) leaseIncident(ctx context.Context, repoID int64, number int, now time.Time) (func(), error) {
	if _, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_incidents (repo_id, number) VALUES (?, ?)
		ON CONFLICT (repo_id, number) DO NOTHING`, repoID, number); err != nil {
		return nil, fmt.Errorf("record incident #%d: %w", number, err)
	}
	return r.lease(ctx, leased{table: "pmbot_action_incidents", keyCol: "number", repoID: repoID, key: number}, now)
}
