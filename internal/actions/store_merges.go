package actions

import (
	"context"
	"fmt"
	"time"
)

// mergedPull is a merged pull request whose follow-up is not finished: the
// merge job records it first, so a job that fails before it reads anything
// still leaves the daily reconciliation something to retry.
type mergedPull struct {
	Number   int
	SHA      string // the merge commit
	Merged   time.Time
	Incident int // the incident its description refers to, or 0
}

// recordMerge remembers a merged pull request until it is followed up.
func (r records) recordMerge(ctx context.Context, repoID int64, m mergedPull) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_merges (repo_id, pull_number, merge_sha, merged_at, incident_number)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (repo_id, pull_number) DO NOTHING`,
		repoID, m.Number, m.SHA, m.Merged.Unix(), m.Incident)
	if err != nil {
		return fmt.Errorf("record merge of pull request #%d: %w", m.Number, err)
	}
	return nil
}

// forgetMerge drops a merged pull request that has been followed up.
func (r records) forgetMerge(ctx context.Context, repoID int64, m mergedPull) error {
	_, err := r.db.Exec(ctx, `DELETE FROM pmbot_action_merges WHERE repo_id = ? AND pull_number = ? AND merge_sha = ?`,
		repoID, m.Number, m.SHA)
	if err != nil {
		return fmt.Errorf("forget merge of pull request #%d: %w", m.Number, err)
	}
	return nil
}

// pendingMerges lists the repository's merged pull requests whose merge
// job has not finished (it failed for good, or is still running).
func (r records) pendingMerges(ctx context.Context, repoID int64) ([]mergedPull, error) {
	rows, err := r.db.Query(ctx, `SELECT pull_number, merge_sha, merged_at, incident_number FROM pmbot_action_merges
		WHERE repo_id = ? ORDER BY merged_at, pull_number`, repoID)
	if err != nil {
		return nil, fmt.Errorf("list merges to follow up: %w", err)
	}
	defer rows.Close()
	var out []mergedPull
	for rows.Next() {
		var m mergedPull
		var merged int64
		if err := rows.Scan(&m.Number, &m.SHA, &merged, &m.Incident); err != nil {
			return nil, fmt.Errorf("list merges to follow up: %w", err)
		}
		m.Merged = time.Unix(merged, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}
