package incident

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/lease"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// Incident states in pmbot_incidents.
const (
	stateDrafting = ""         // nothing finished yet, or a step failed
	stateProposed = "proposed" // the PR and the incident comment exist
	stateSettled  = "settled"  // nothing left to do: merged, closed or skipped
)

// incidentKey names one incident issue.
type incidentKey struct {
	InstallationID int64
	RepoID         int64
	Owner, Name    string
	Number         int
}

func (k incidentKey) String() string { return fmt.Sprintf("%s/%s#%d", k.Owner, k.Name, k.Number) }

// incidentRow is what the bot remembers about an incident.
type incidentRow struct {
	incidentKey
	State          string
	PRNumber       int
	LastRemindedAt int64
}

// incidents is the bot's table of incidents.
type incidents struct{ db *store.DB }

// lease makes the caller the only job working on the incident until it
// releases or the lease runs out (lease.Length); lease.ErrBusy says another
// job holds it.
func (s incidents) lease(ctx context.Context, k incidentKey, now time.Time) (release func(), err error) {
	_, err = s.db.Exec(ctx, `INSERT INTO pmbot_incidents (repo_id, number, installation_id, owner, name, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (repo_id, number) DO UPDATE SET installation_id = excluded.installation_id,
			owner = excluded.owner, name = excluded.name`,
		k.RepoID, k.Number, k.InstallationID, k.Owner, k.Name, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("record incident %s: %w", k, err)
	}
	return lease.Take(ctx, s.db, lease.Row{Table: "pmbot_incidents", KeyCol: "number", RepoID: k.RepoID, Key: k.Number}, now)
}

// get reads an incident; found is false when the bot never saw it.
func (s incidents) get(ctx context.Context, repoID int64, number int) (incidentRow, bool, error) {
	var r incidentRow
	err := s.db.QueryRow(ctx, `SELECT repo_id, number, installation_id, owner, name, state, pr_number, last_reminded_at
		FROM pmbot_incidents WHERE repo_id = ? AND number = ?`, repoID, number).
		Scan(&r.RepoID, &r.Number, &r.InstallationID, &r.Owner, &r.Name, &r.State, &r.PRNumber, &r.LastRemindedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return incidentRow{}, false, nil
	}
	if err != nil {
		return incidentRow{}, false, fmt.Errorf("read incident %d#%d: %w", repoID, number, err)
	}
	return r, true, nil
}

// setState records how far the incident got.
func (s incidents) setState(ctx context.Context, k incidentKey, state string, prNumber int, now time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE pmbot_incidents SET state = ?, pr_number = ?, updated_at = ?
		WHERE repo_id = ? AND number = ?`, state, prNumber, now.Unix(), k.RepoID, k.Number)
	if err != nil {
		return fmt.Errorf("record incident %s as %q: %w", k, state, err)
	}
	return nil
}

// proposed lists incidents whose postmortem PR is open as far as the bot knows.
func (s incidents) proposed(ctx context.Context) ([]incidentRow, error) {
	rows, err := s.db.Query(ctx, `SELECT repo_id, number, installation_id, owner, name, state, pr_number, last_reminded_at
		FROM pmbot_incidents WHERE state = ? ORDER BY owner, name, number`, stateProposed)
	if err != nil {
		return nil, fmt.Errorf("list proposed incidents: %w", err)
	}
	defer rows.Close()
	var out []incidentRow
	for rows.Next() {
		var r incidentRow
		if err := rows.Scan(&r.RepoID, &r.Number, &r.InstallationID, &r.Owner, &r.Name, &r.State, &r.PRNumber, &r.LastRemindedAt); err != nil {
			return nil, fmt.Errorf("list proposed incidents: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// claimReminder moves last_reminded_at from prev to now, and reports false
// when another job already did: only the job that wins posts the reminder.
func (s incidents) claimReminder(ctx context.Context, r incidentRow, now time.Time) (bool, error) {
	res, err := s.db.Exec(ctx, `UPDATE pmbot_incidents SET last_reminded_at = ?
		WHERE repo_id = ? AND number = ? AND last_reminded_at = ?`, now.Unix(), r.RepoID, r.Number, r.LastRemindedAt)
	if err != nil {
		return false, fmt.Errorf("claim reminder for %s: %w", r.incidentKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim reminder for %s: %w", r.incidentKey, err)
	}
	return n == 1, nil
}

// unclaimReminder puts last_reminded_at back after a reminder failed to post.
func (s incidents) unclaimReminder(ctx context.Context, r incidentRow, claimed time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE pmbot_incidents SET last_reminded_at = ?
		WHERE repo_id = ? AND number = ? AND last_reminded_at = ?`, r.LastRemindedAt, r.RepoID, r.Number, claimed.Unix())
	if err != nil {
		return fmt.Errorf("unclaim reminder for %s: %w", r.incidentKey, err)
	}
	return nil
}
