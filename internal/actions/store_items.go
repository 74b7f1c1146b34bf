package actions

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// Item states as the database records them.
const (
	statePlanned  = "planned"  // read from a postmortem, no issue yet
	stateOpen     = "open"     // its issue is open
	stateClosed   = "closed"   // its issue is closed
	stateGone     = "gone"     // its issue was deleted or transferred away
	stateDropped  = "dropped"  // someone removed the action label
	stateExternal = "external" // it refers to an issue in another repository
)

// actionItem is one tracked corrective action.
type actionItem struct {
	RepoID        int64
	Key           string // "<postmortem path>#<item key>"
	Path          string
	Incident      int
	Issue         int
	Title         string
	Owner         string
	Priority      string
	Type          string
	Line          int
	Due           time.Time
	State         string
	CreatedAt     time.Time
	ClosedAt      time.Time
	ReminderKey   string
	EscalationKey string
	// Removed is set when a later version of the postmortem no longer lists
	// the item: its issue is left as it is and no longer followed.
	Removed bool
	// IssueOwner is the owner the issue's body names ("" before the app
	// has written it); when Owner differs, the issue is reassigned.
	IssueOwner string
	// AssignedLogin is the user the app assigned to the issue, the only
	// assignee it ever removes.
	AssignedLogin string
	// Closure is how its issue was closed (As is "" while open, or until
	// the app has read it).
	Closure closure
}

// tracked reports whether the item counts in lists and totals.
func (it actionItem) tracked() bool {
	return !it.Removed && (it.State == stateOpen || it.State == stateClosed)
}

// records is the app's memory of incidents, postmortems and action items,
// one file per table: store_items.go (pmbot_action_items),
// store_postmortems.go, store_merges.go, store_incidents.go and
// store_status.go.
type records struct{ db *store.DB }

const itemColumns = `repo_id, item_key, postmortem_path, incident_number, issue_number, title, owner, priority,
	item_type, line, due_at, state, created_at, closed_at, reminder_key, escalation_key, removed_at, issue_owner, assigned_login,
	closed_as, closed_by, fixed_by_pull, decline_reason`

func scanItems(rows *sql.Rows) ([]actionItem, error) {
	defer rows.Close()
	var out []actionItem
	for rows.Next() {
		var it actionItem
		var due, created, closed, removed int64
		if err := rows.Scan(&it.RepoID, &it.Key, &it.Path, &it.Incident, &it.Issue, &it.Title, &it.Owner, &it.Priority,
			&it.Type, &it.Line, &due, &it.State, &created, &closed, &it.ReminderKey, &it.EscalationKey, &removed,
			&it.IssueOwner, &it.AssignedLogin, &it.Closure.As, &it.Closure.By, &it.Closure.Pull, &it.Closure.Reason); err != nil {
			return nil, fmt.Errorf("read action items: %w", err)
		}
		it.Due, it.CreatedAt = time.Unix(due, 0).UTC(), time.Unix(created, 0).UTC()
		if closed > 0 {
			it.ClosedAt = time.Unix(closed, 0).UTC()
		}
		it.Removed = removed > 0
		out = append(out, it)
	}
	return out, rows.Err()
}

// plan records an item read from a merged postmortem. An item already
// recorded keeps its issue, state, title and priority (its issue holds
// those) and takes the latest version's owner, type, line and due date.
func (r records) plan(ctx context.Context, it actionItem) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_action_items (`+itemColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '', 0, '', '', '', '', 0, '')
		ON CONFLICT (repo_id, item_key) DO UPDATE SET incident_number = excluded.incident_number, owner = excluded.owner,
			item_type = excluded.item_type, line = excluded.line, due_at = excluded.due_at, removed_at = 0`,
		it.RepoID, it.Key, it.Path, it.Incident, 0, it.Title, it.Owner, it.Priority, it.Type, it.Line,
		it.Due.Unix(), statePlanned, it.CreatedAt.Unix())
	if err != nil {
		return fmt.Errorf("record action item %s: %w", it.Key, err)
	}
	return nil
}

func (r records) item(ctx context.Context, repoID int64, key string) (actionItem, error) {
	items, err := r.query(ctx, `WHERE repo_id = ? AND item_key = ?`, repoID, key)
	if err != nil {
		return actionItem{}, err
	}
	if len(items) == 0 {
		return actionItem{}, fmt.Errorf("action item %s is not recorded", key)
	}
	return items[0], nil
}

// byIssue finds the item an issue tracks; ok is false for other issues.
func (r records) byIssue(ctx context.Context, repoID int64, issue int) (actionItem, bool, error) {
	items, err := r.query(ctx, `WHERE repo_id = ? AND issue_number = ? AND issue_number > 0`, repoID, issue)
	if err != nil || len(items) == 0 {
		return actionItem{}, false, err
	}
	return items[0], true, nil
}

func (r records) ofPostmortem(ctx context.Context, repoID int64, path string) ([]actionItem, error) {
	return r.query(ctx, `WHERE repo_id = ? AND postmortem_path = ? ORDER BY line, item_key`, repoID, path)
}

func (r records) ofIncident(ctx context.Context, repoID int64, incident int) ([]actionItem, error) {
	return r.query(ctx, `WHERE repo_id = ? AND incident_number = ? ORDER BY postmortem_path, line, item_key`, repoID, incident)
}

func (r records) ofRepo(ctx context.Context, repoID int64) ([]actionItem, error) {
	return r.query(ctx, `WHERE repo_id = ? ORDER BY incident_number, postmortem_path, line, item_key`, repoID)
}

func (r records) query(ctx context.Context, where string, args ...any) ([]actionItem, error) {
	rows, err := r.db.Query(ctx, `SELECT `+itemColumns+` FROM pmbot_action_items `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read action items: %w", err)
	}
	return scanItems(rows)
}

// setIssue remembers the issue an item is tracked by, right after it is
// created or adopted, so a re-run never opens it again.
func (r records) setIssue(ctx context.Context, repoID int64, key string, issue int, state string, closedAt time.Time) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_items SET issue_number = ?, state = ?, closed_at = ?
		WHERE repo_id = ? AND item_key = ?`, issue, state, unixOrZero(closedAt), repoID, key)
	if err != nil {
		return fmt.Errorf("record issue #%d for action item %s: %w", issue, key, err)
	}
	return nil
}

// setAssignment records the owner an item's issue now names and the user
// the app assigned to it.
func (r records) setAssignment(ctx context.Context, repoID int64, key, issueOwner, assigned string) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_items SET issue_owner = ?, assigned_login = ? WHERE repo_id = ? AND item_key = ?`,
		issueOwner, assigned, repoID, key)
	if err != nil {
		return fmt.Errorf("record the owner of action item %s: %w", key, err)
	}
	return nil
}

// issueState is what GitHub says about an action item's issue.
type issueState struct {
	State    string // one of the item states
	Title    string
	Priority string // "" keeps the recorded one
	ClosedAt time.Time
	// Closure is how a closed issue was closed; As "" when not read (the
	// recorded one stands).
	Closure closure
}

// update applies GitHub's view of an item's issue. closedNow is true when
// this call moved the item from open to closed (for time-to-close).
func (r records) update(ctx context.Context, it actionItem, s issueState) (changed, closedNow bool, err error) {
	title, priority := it.Title, it.Priority
	if s.Title != "" {
		title = s.Title
	}
	if s.Priority != "" {
		priority = s.Priority
	}
	closedAt := it.ClosedAt
	if s.State == stateClosed && closedAt.IsZero() {
		closedAt = s.ClosedAt
	}
	cl := it.Closure
	if s.Closure.As != "" {
		cl = s.Closure
	}
	if s.State != stateClosed {
		closedAt, cl = time.Time{}, closure{}
	}
	if title == it.Title && priority == it.Priority && s.State == it.State && closedAt.Equal(it.ClosedAt) && cl == it.Closure {
		return false, false, nil
	}
	_, err = r.db.Exec(ctx, `UPDATE pmbot_action_items SET title = ?, priority = ?, state = ?, closed_at = ?,
		closed_as = ?, closed_by = ?, fixed_by_pull = ?, decline_reason = ?
		WHERE repo_id = ? AND item_key = ?`, title, priority, s.State, unixOrZero(closedAt),
		cl.As, cl.By, cl.Pull, cl.Reason, it.RepoID, it.Key)
	if err != nil {
		return false, false, fmt.Errorf("update action item %s: %w", it.Key, err)
	}
	return true, it.State == stateOpen && s.State == stateClosed, nil
}

// markRemoved notes that the latest version of its postmortem no longer
// lists the item.
func (r records) markRemoved(ctx context.Context, it actionItem, at time.Time) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_items SET removed_at = ? WHERE repo_id = ? AND item_key = ? AND removed_at = 0`,
		at.Unix(), it.RepoID, it.Key)
	if err != nil {
		return fmt.Errorf("record action item %s as removed: %w", it.Key, err)
	}
	return nil
}

func (r records) setReminder(ctx context.Context, it actionItem, key string, at time.Time) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_items SET reminder_key = ?, reminded_at = ? WHERE repo_id = ? AND item_key = ?`,
		key, at.Unix(), it.RepoID, it.Key)
	if err != nil {
		return fmt.Errorf("record reminder on #%d: %w", it.Issue, err)
	}
	return nil
}

func (r records) setEscalation(ctx context.Context, it actionItem, key string) error {
	_, err := r.db.Exec(ctx, `UPDATE pmbot_action_items SET escalation_key = ? WHERE repo_id = ? AND item_key = ?`,
		key, it.RepoID, it.Key)
	if err != nil {
		return fmt.Errorf("record escalation of #%d: %w", it.Issue, err)
	}
	return nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// reposWithItems lists repositories that have action items or merged
// postmortems, from the app's repository records.
func (r records) reposWithItems(ctx context.Context) ([]store.Repository, error) {
	all, err := r.db.Repositories(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := r.db.Query(ctx, `SELECT repo_id FROM pmbot_action_items UNION SELECT repo_id FROM pmbot_action_postmortems
		UNION SELECT repo_id FROM pmbot_action_merges`)
	if err != nil {
		return nil, fmt.Errorf("list repositories with action items: %w", err)
	}
	defer rows.Close()
	has := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list repositories with action items: %w", err)
		}
		has[id] = true
	}
	var out []store.Repository
	for _, repo := range all {
		if has[repo.ID] {
			out = append(out, repo)
		}
	}
	return out, rows.Err()
}
