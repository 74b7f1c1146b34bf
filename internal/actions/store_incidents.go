package actions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/lease"
)

// pmbot_action_incidents: what the app remembers about each incident with
// action items (its title, tracking comment, completion) and its lease.

// incident is what the app remembers about an incident with action items.
type incident struct {
	RepoID            int64
	Number            int
	Title             string
	TrackingCommentID int64
	TrackingBody      string
	CompletedAt       int64
}

func (r records) recordIncident(ctx context.Context, repoID int64, number int, title string) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_incidents (repo_id, number, title) VALUES (?, ?, ?)
		ON CONFLICT (repo_id, number) DO UPDATE SET title = excluded.title`, repoID, number, title)
	if err != nil {
		return fmt.Errorf("record incident #%d: %w", number, err)
	}
	return nil
}

func (r records) incident(ctx context.Context, repoID int64, number int) (incident, error) {
	in := incident{RepoID: repoID, Number: number}
	err := r.db.QueryRow(ctx, `SELECT title, tracking_comment_id, tracking_body, completed_at FROM pmbot_action_incidents
		WHERE repo_id = ? AND number = ?`, repoID, number).Scan(&in.Title, &in.TrackingCommentID, &in.TrackingBody, &in.CompletedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return in, nil
	}
	if err != nil {
		return in, fmt.Errorf("read incident #%d: %w", number, err)
	}
	return in, nil
}

func (r records) setTracking(ctx context.Context, repoID int64, number int, commentID int64, body string) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_incidents SET tracking_comment_id = ?, tracking_body = ? WHERE repo_id = ? AND number = ?`,
		commentID, body, repoID, number)
	if err != nil {
		return fmt.Errorf("record tracking comment of incident #%d: %w", number, err)
	}
	return nil
}

func (r records) setCompleted(ctx context.Context, repoID int64, number int, at time.Time) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_incidents SET completed_at = ? WHERE repo_id = ? AND number = ?`, at.Unix(), repoID, number)
	if err != nil {
		return fmt.Errorf("record completion of incident #%d: %w", number, err)
	}
	return nil
}

// leaseIncident lets one job at a time write an incident's tracking comment
// and completion.
func (r records) leaseIncident(ctx context.Context, repoID int64, number int, now time.Time) (func(), error) {
	if _, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_incidents (repo_id, number) VALUES (?, ?)
		ON CONFLICT (repo_id, number) DO NOTHING`, repoID, number); err != nil {
		return nil, fmt.Errorf("record incident #%d: %w", number, err)
	}
	return lease.Take(ctx, r.db, lease.Row{Table: "pmbot_action_incidents", KeyCol: "number", RepoID: repoID, Key: number}, now)
}
