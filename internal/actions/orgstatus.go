package actions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// orgRepo is the repository holding an owner's organisation-wide files.
const orgRepo = ".github"

// OrgStatusArgs asks for an owner's organisation status issue to be
// rewritten (in its .github repository, when that repository's policy
// enables action_items.org_status_issue).
type OrgStatusArgs struct {
	InstallationID int64  `json:"installation_id" river:"unique"`
	Owner          string `json:"owner" river:"unique"`
}

// Kind names the job kind in River's table.
func (OrgStatusArgs) Kind() string { return "action_items_org_status" }

type orgStatusWorker struct {
	river.WorkerDefaults[OrgStatusArgs]
	h *Handler
}

// Work rewrites the organisation status issue.
func (w *orgStatusWorker) Work(ctx context.Context, job *river.Job[OrgStatusArgs]) error {
	return w.h.outcome(ctx, w.h.updateOrgStatus(ctx, job.Args))
}

// scheduleOrgStatus queues one organisation status update for the coming
// few seconds (a burst of repository updates becomes one edit). A change
// that lands while an update runs may wait for the next one (at the latest
// the daily reconciliation's).
func (h *Handler) scheduleOrgStatus(ctx context.Context, r repo.Ref) error {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
	if h.opts.StatusDelay > 0 {
		opts.ScheduledAt = time.Now().Add(h.opts.StatusDelay)
	}
	if _, err := h.env.Jobs.Insert(ctx, OrgStatusArgs{InstallationID: r.InstallationID, Owner: r.Owner}, opts); err != nil {
		return fmt.Errorf("queue organisation status update for %s: %w", r.Owner, err)
	}
	return nil
}

// repoItems is one repository's items and repeat incidents, for the
// organisation status issue.
type repoItems struct {
	Name    string // owner/name
	Items   []actionItem
	Repeats []repeat
}

// updateOrgStatus rewrites the owner's organisation status issue from the
// database, when its .github repository is one the app works in and its
// policy enables it.
func (h *Handler) updateOrgStatus(ctx context.Context, a OrgStatusArgs) error {
	all, err := h.env.DB.Repositories(ctx)
	if err != nil {
		return err
	}
	var home *repo.Ref
	var repos []repo.Ref
	for _, r := range all {
		if r.InstallationID != a.InstallationID || !strings.EqualFold(r.Owner, a.Owner) {
			continue
		}
		ref := repo.Ref{InstallationID: r.InstallationID, RepoID: r.ID, Owner: r.Owner, Name: r.Name}
		repos = append(repos, ref)
		if strings.EqualFold(r.Name, orgRepo) {
			home = &ref
		}
	}
	if home == nil {
		return nil // the app does not work in the owner's .github repository
	}
	s, err := h.session(ctx, *home, "")
	if err != nil {
		return err
	}
	if !s.pol.ActionItems.OrgStatusIssue.Enabled {
		return nil
	}
	sort.Slice(repos, func(i, j int) bool { return repos[i].Name < repos[j].Name })
	var data []repoItems
	for _, r := range repos {
		items, err := h.records.ofRepo(ctx, r.RepoID)
		if err != nil {
			return err
		}
		repeats, err := h.records.repeats(ctx, r.RepoID)
		if err != nil {
			return err
		}
		if len(items) > 0 || len(repeats) > 0 {
			data = append(data, repoItems{Name: r.String(), Items: items, Repeats: repeats})
		}
	}
	body := fit(orgStatusBody(data, s.now()), "…and more: this list is cut short to stay under GitHub's limit.\n")
	rec, err := h.records.orgStatus(ctx, a.InstallationID, a.Owner)
	if err != nil {
		return err
	}
	number, err := s.writeMarked(ctx, rec, body, s.pol.ActionItems.OrgStatusIssue.Title, marker.OrgStatus)
	if err != nil {
		return err
	}
	return h.records.setOrgStatus(ctx, a.InstallationID, a.Owner, number, body)
}

// orgStatusBody is the organisation status issue: per repository the open,
// overdue and declined items and repeat incidents; open and overdue items
// by owner; and the share of the items tracked in the last 90 days that are
// closed.
func orgStatusBody(repos []repoItems, now time.Time) string {
	var b strings.Builder
	b.WriteString(marker.OrgStatus + "\n")
	b.WriteString("Corrective actions from merged postmortems in every repository postmortem-bot works in, kept up to date by postmortem-bot.\n\n")
	type ownerCounts struct{ open, overdue int }
	byOwner := map[string]*ownerCounts{}
	recent, recentClosed, repeats := 0, 0, 0
	b.WriteString("### By repository\n\n| Repository | Open | Overdue | Declined | Repeat incidents |\n|---|---|---|---|---|\n")
	for _, r := range repos {
		open, overdue, declined := 0, 0, 0
		for _, it := range r.Items {
			if !it.tracked() {
				continue
			}
			if now.Sub(it.CreatedAt) <= 90*24*time.Hour {
				recent++
				if it.State == stateClosed {
					recentClosed++
				}
			}
			if it.State == stateClosed {
				if it.Closure.As == closedDeclined {
					declined++
				}
				continue
			}
			who := ownerText(it)
			if byOwner[who] == nil {
				byOwner[who] = &ownerCounts{}
			}
			open++
			byOwner[who].open++
			if now.After(it.Due) {
				overdue++
				byOwner[who].overdue++
			}
		}
		repeats += len(r.Repeats)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", cell(r.Name), open, overdue, declined, len(r.Repeats))
	}
	if len(repos) == 0 {
		b.WriteString("| (none yet) | 0 | 0 | 0 | 0 |\n")
	}
	if len(byOwner) > 0 {
		owners := make([]string, 0, len(byOwner))
		for o := range byOwner {
			owners = append(owners, o)
		}
		sort.Strings(owners)
		b.WriteString("\n### Open by owner\n\n| Owner | Open | Overdue |\n|---|---|---|\n")
		for _, o := range owners {
			fmt.Fprintf(&b, "| %s | %d | %d |\n", o, byOwner[o].open, byOwner[o].overdue)
		}
	}
	if repeats > 0 {
		b.WriteString("\n### Repeat incidents\n\n| Incident | Looks like | Open corrective actions then |\n|---|---|---|\n")
		for _, r := range repos {
			for _, x := range r.Repeats {
				earlier := x.EarlierRepo
				if earlier == "" {
					earlier = r.Name
				}
				fmt.Fprintf(&b, "| %s#%d %s | %s#%d | %s |\n", cell(r.Name), x.Number, cell(x.Title), cell(earlier), x.Earlier, cell(x.OpenActions))
			}
		}
	}
	b.WriteString("\n### Completion over the last 90 days\n\n")
	if recent == 0 {
		b.WriteString("No corrective action was tracked in the last 90 days.\n")
	} else {
		fmt.Fprintf(&b, "%d of %d corrective actions tracked in the last 90 days are closed (%d%%).\n", recentClosed, recent, recentClosed*100/recent)
	}
	return b.String()
}

func (r records) orgStatus(ctx context.Context, installationID int64, owner string) (statusRecord, error) {
	var s statusRecord
	err := r.db.QueryRow(ctx, `SELECT issue_number, body FROM pmbot_org_status_issues WHERE installation_id = ? AND owner = ?`,
		installationID, strings.ToLower(owner)).Scan(&s.Issue, &s.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read the organisation status issue of %s: %w", owner, err)
	}
	return s, nil
}

func (r records) setOrgStatus(ctx context.Context, installationID int64, owner string, number int, body string) error {
	_, err := r.db.Exec(ctx, `INSERT INTO pmbot_org_status_issues (installation_id, owner, issue_number, body) VALUES (?, ?, ?, ?)
		ON CONFLICT (installation_id, owner) DO UPDATE SET issue_number = excluded.issue_number, body = excluded.body`,
		installationID, strings.ToLower(owner), number, body)
	if err != nil {
		return fmt.Errorf("record the organisation status issue of %s: %w", owner, err)
	}
	return nil
}
