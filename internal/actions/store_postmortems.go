package actions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/lease"
)

// postmortemRecord is the latest merged version of one postmortem file: the
// work list of its follow-up until every action item has its issue.
type postmortemRecord struct {
	RepoID   int64
	Path     string
	Incident int // from the pull request until the file says otherwise
	Pull     int
	SHA      string
	Merged   time.Time
	Tracked  bool // every item of this version has its issue
}

// recordPostmortem records a merge of the file. An older merge delivered
// after a newer one changes nothing: current is false, and the newer
// version is the one followed.
func (r records) recordPostmortem(ctx context.Context, pm postmortemRecord) (current bool, err error) {
	_, err = r.db.Exec(ctx, `INSERT INTO pmbot_action_postmortems (repo_id, path, incident_number, pull_number, merge_sha, merged_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (repo_id, path) DO UPDATE SET incident_number = excluded.incident_number, pull_number = excluded.pull_number,
			merge_sha = excluded.merge_sha, merged_at = excluded.merged_at, tracked_at = 0
		WHERE pmbot_action_postmortems.merged_at <= excluded.merged_at AND pmbot_action_postmortems.merge_sha <> excluded.merge_sha`,
		pm.RepoID, pm.Path, pm.Incident, pm.Pull, pm.SHA, pm.Merged.Unix())
	if err != nil {
		return false, fmt.Errorf("record postmortem %s: %w", pm.Path, err)
	}
	got, err := r.postmortem(ctx, pm.RepoID, pm.Path)
	if err != nil {
		return false, err
	}
	return got.SHA == pm.SHA, nil
}

func (r records) postmortem(ctx context.Context, repoID int64, path string) (postmortemRecord, error) {
	pm := postmortemRecord{RepoID: repoID, Path: path}
	var merged, tracked int64
	err := r.db.QueryRow(ctx, `SELECT incident_number, pull_number, merge_sha, merged_at, tracked_at FROM pmbot_action_postmortems
		WHERE repo_id = ? AND path = ?`, repoID, path).Scan(&pm.Incident, &pm.Pull, &pm.SHA, &merged, &tracked)
	if errors.Is(err, sql.ErrNoRows) {
		return pm, fmt.Errorf("postmortem %s is not recorded", path)
	}
	if err != nil {
		return pm, fmt.Errorf("read postmortem %s: %w", path, err)
	}
	pm.Merged, pm.Tracked = time.Unix(merged, 0).UTC(), tracked > 0
	return pm, nil
}

// untracked lists the repository's postmortems with an item still waiting
// for its issue (or never read): their merge job failed for good.
func (r records) untracked(ctx context.Context, repoID int64) ([]string, error) {
	rows, err := r.db.Query(ctx, `SELECT path FROM pmbot_action_postmortems WHERE repo_id = ? AND tracked_at = 0 ORDER BY path`, repoID)
	if err != nil {
		return nil, fmt.Errorf("list postmortems to follow up: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("list postmortems to follow up: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (r records) setPostmortemIncident(ctx context.Context, repoID int64, path string, incident int) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_postmortems SET incident_number = ? WHERE repo_id = ? AND path = ?`, incident, repoID, path)
	if err != nil {
		return fmt.Errorf("record the incident of postmortem %s: %w", path, err)
	}
	return nil
}

// setTracked notes that every item of the version at sha has its issue; a
// newer merge recorded meanwhile stays untracked.
func (r records) setTracked(ctx context.Context, repoID int64, path, sha string, at time.Time) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_postmortems SET tracked_at = ? WHERE repo_id = ? AND path = ? AND merge_sha = ?`,
		at.Unix(), repoID, path, sha)
	if err != nil {
		return fmt.Errorf("record postmortem %s as followed up: %w", path, err)
	}
	return nil
}

// leasePostmortem lets one job at a time open a postmortem's issues, so a
// merge job and the reconciliation (or two deliveries) never both find an
// item without an issue and both open one. lease.ErrBusy says another job
// holds it.
func (r records) leasePostmortem(ctx context.Context, repoID int64, path string, now time.Time) (func(), error) {
	return lease.Take(ctx, r.db, lease.Row{Table: "pmbot_action_postmortems", KeyCol: "path", RepoID: repoID, Key: path}, now)
}
