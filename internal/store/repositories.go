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
// Every job calls it, so a repository already recorded the same way by this
// process is not written again.
func (db *DB) RecordRepository(ctx context.Context, installationID, repoID int64, owner, name string, now int64) error {
	seen := Repository{ID: repoID, InstallationID: installationID, Owner: owner, Name: name}
	if prev, ok := db.recorded.Load(repoID); ok && prev.(Repository) == seen {
		return nil
	}
	return db.SaveRepository(ctx, installationID, repoID, owner, name, now)
}

// SaveRepository writes a repository the app works in, always (installation
// events use it: another replica may have forgotten the repository since).
func (db *DB) SaveRepository(ctx context.Context, installationID, repoID int64, owner, name string, now int64) error {
	seen := Repository{ID: repoID, InstallationID: installationID, Owner: owner, Name: name}
	_, err := db.Exec(ctx, `INSERT INTO pmbot_repositories (repo_id, installation_id, owner, name, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (repo_id) DO UPDATE SET installation_id = excluded.installation_id, owner = excluded.owner,
			name = excluded.name, updated_at = excluded.updated_at`,
		repoID, installationID, owner, name, now)
	if err != nil {
		return fmt.Errorf("record repository %s/%s: %w", owner, name, err)
	}
	db.recorded.Store(repoID, seen)
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

// ForgetRepository drops a repository the app no longer works in.
func (db *DB) ForgetRepository(ctx context.Context, repoID int64) error {
	db.recorded.Delete(repoID)
	if _, err := db.Exec(ctx, `DELETE FROM pmbot_repositories WHERE repo_id = ?`, repoID); err != nil {
		return fmt.Errorf("forget repository %d: %w", repoID, err)
	}
	return nil
}

// ForgetInstallation drops every repository of an uninstalled app.
func (db *DB) ForgetInstallation(ctx context.Context, installationID int64) error {
	db.recorded.Range(func(k, v any) bool {
		if v.(Repository).InstallationID == installationID {
			db.recorded.Delete(k)
		}
		return true
	})
	if _, err := db.Exec(ctx, `DELETE FROM pmbot_repositories WHERE installation_id = ?`, installationID); err != nil {
		return fmt.Errorf("forget installation %d: %w", installationID, err)
	}
	return nil
}
