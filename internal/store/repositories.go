package store

import (
	"context"
	"fmt"
)

// Repository is a repository the app works in.
type Repository struct {
	ID             int64
	InstallationID int64
	Owner, Name    string
}

// RecordRepository notes that the app works in a repository (idempotent).
func (db *DB) RecordRepository(ctx context.Context, installationID, repoID int64, owner, name string, now int64) error {
	_, err := db.Exec(ctx, `INSERT INTO pmbot_repositories (repo_id, installation_id, owner, name, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (repo_id) DO UPDATE SET installation_id = excluded.installation_id, owner = excluded.owner,
			name = excluded.name, updated_at = excluded.updated_at`,
		repoID, installationID, owner, name, now)
	if err != nil {
		return fmt.Errorf("record repository %s/%s: %w", owner, name, err)
	}
	return nil
}

// Repositories lists the repositories the app has seen, by owner and name.
func (db *DB) Repositories(ctx context.Context) ([]Repository, error) {
	rows, err := db.Query(ctx, `SELECT repo_id, installation_id, owner, name FROM pmbot_repositories ORDER BY owner, name`)
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	defer rows.Close()
	var out []Repository
	for rows.Next() {
		var r Repository
		if err := rows.Scan(&r.ID, &r.InstallationID, &r.Owner, &r.Name); err != nil {
			return nil, fmt.Errorf("list repositories: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
