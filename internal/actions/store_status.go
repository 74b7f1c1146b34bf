package actions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// pmbot_action_status_issues: each repository's status issue as last
// written, and whether it needs rewriting.

// statusRecord is the repository's status issue as last written.
type statusRecord struct {
	Issue int
	Body  string
	Dirty int64
}

func (r records) status(ctx context.Context, repoID int64) (statusRecord, error) {
	var s statusRecord
	err := r.db.QueryRow(ctx, `SELECT issue_number, body, dirty FROM pmbot_action_status_issues WHERE repo_id = ?`, repoID).
		Scan(&s.Issue, &s.Body, &s.Dirty)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read status issue: %w", err)
	}
	return s, nil
}

func (r records) setStatus(ctx context.Context, repoID int64, issue int, body string) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_status_issues (repo_id, issue_number, body) VALUES (?, ?, ?)
		ON CONFLICT (repo_id) DO UPDATE SET issue_number = excluded.issue_number, body = excluded.body`, repoID, issue, body)
	if err != nil {
		return fmt.Errorf("record status issue #%d: %w", issue, err)
	}
	return nil
}

// markDirty notes that the status issue needs rewriting; a status job that
// started before the change sees the counter move and runs again.
func (r records) markDirty(ctx context.Context, repoID int64) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_status_issues (repo_id, dirty) VALUES (?, 1)
		ON CONFLICT (repo_id) DO UPDATE SET dirty = pmbot_action_status_issues.dirty + 1`, repoID)
	if err != nil {
		return fmt.Errorf("mark status issue for update: %w", err)
	}
	return nil
}

// forgetStatusIssue drops a status issue someone closed or deleted, so the
// next update opens a new one.
func (r records) forgetStatusIssue(ctx context.Context, repoID int64, issue int) (bool, error) {
	res, err := r.db.Exec(ctx, `UPDATE pmbot_action_status_issues SET issue_number = 0, body = '' WHERE repo_id = ? AND issue_number = ?`,
		repoID, issue)
	if err != nil {
		return false, fmt.Errorf("forget status issue #%d: %w", issue, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// repeat is an incident declared while an earlier one that looks like the
// same failure still had open corrective actions (recorded by the incident
// feature in pmbot_incident_repeats).
type repeat struct {
	Number, Earlier int
	EarlierRepo     string // "owner/name" for another repository's incident
	Title           string
	OpenActions     string // "#3 #4"
}

func (r records) repeats(ctx context.Context, repoID int64) ([]repeat, error) {
	rows, err := r.db.Query(ctx, `SELECT number, earlier_repo, earlier, title, open_actions FROM pmbot_incident_repeats
		WHERE repo_id = ? ORDER BY number`, repoID)
	if err != nil {
		return nil, fmt.Errorf("read repeat incidents: %w", err)
	}
	defer rows.Close()
	var out []repeat
	for rows.Next() {
		var x repeat
		if err := rows.Scan(&x.Number, &x.EarlierRepo, &x.Earlier, &x.Title, &x.OpenActions); err != nil {
			return nil, fmt.Errorf("read repeat incidents: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
