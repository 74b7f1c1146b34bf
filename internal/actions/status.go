package actions

import (
	"context"
	"fmt"
	"strings"

	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// StatusArgs asks for the repository's status issue to be rewritten.
type StatusArgs struct {
	Repo repo.Ref `json:"repo" river:"unique"`
}

// Kind names the job kind in River's table.
func (StatusArgs) Kind() string { return "action_items_status" }

type statusWorker struct {
	river.WorkerDefaults[StatusArgs]
	h *Handler
}

// Work rewrites the status issue; the feature's outcome switch decides
// what a failure means.
func (w *statusWorker) Work(ctx context.Context, job *river.Job[StatusArgs]) error {
	return w.h.outcome(ctx, w.h.updateStatus(ctx, job.Args.Repo))
}

// updateStatus rewrites the status issue from the database. When the
// database changed while it ran, the job runs again shortly (the change's
// own update was folded into this running job).
func (h *Handler) updateStatus(ctx context.Context, r repo.Ref) error {
	before, err := h.records.status(ctx, r.RepoID)
	if err != nil {
		return err
	}
	s, err := h.session(ctx, r, "")
	if err != nil {
		return err
	}
	pol := s.pol
	if !pol.ActionItems.StatusIssue.Enabled {
		return h.scheduleOrgStatus(ctx, r)
	}
	items, err := h.records.ofRepo(ctx, r.RepoID)
	if err != nil {
		return err
	}
	titles := map[int]string{}
	for _, it := range items {
		if _, ok := titles[it.Incident]; !ok && it.Incident > 0 {
			inc, err := h.records.incident(ctx, r.RepoID, it.Incident)
			if err != nil {
				return err
			}
			titles[it.Incident] = inc.Title
		}
	}
	repeats, err := h.records.repeats(ctx, r.RepoID)
	if err != nil {
		return err
	}
	body := fit(statusBody(items, titles, repeats, s.now()), cutShort("the issues labelled "+pol.ActionItems.Label, s.labelURL()))
	number, err := s.writeStatus(ctx, before, body)
	if err != nil {
		return err
	}
	if err := h.records.setStatus(ctx, r.RepoID, number, body); err != nil {
		return err
	}
	after, err := h.records.status(ctx, r.RepoID)
	if err != nil {
		return err
	}
	if after.Dirty != before.Dirty {
		return river.JobSnooze(h.opts.StatusDelay)
	}
	return h.scheduleOrgStatus(ctx, r)
}

// writeStatus edits the status issue, or opens a new one when there is
// none or someone closed or deleted it. It returns the issue's number.
func (s *session) writeStatus(ctx context.Context, rec statusRecord, body string) (int, error) {
	return s.writeMarked(ctx, rec, body, s.pol.ActionItems.StatusIssue.Title, statusMarker)
}

// writeMarked is writeStatus for any status issue the app finds by the
// marker its body carries (the repository's, or the organisation's).
func (s *session) writeMarked(ctx context.Context, rec statusRecord, body, title, statusMarker string) (int, error) {
	c := s.c
	if rec.Issue != 0 {
		if body == rec.Body {
			return rec.Issue, nil
		}
		i, err := c.EditIssue(ctx, rec.Issue, repo.IssueEdit{Body: &body})
		switch {
		case err == nil && i.State == "open":
			return rec.Issue, nil
		case err != nil && !repo.IsGone(err):
			return 0, err
		}
	}
	// A crash between opening the issue and recording it leaves an open
	// issue with the marker: adopt it rather than open a second.
	open, err := c.AppIssuesMarked(ctx, repo.IssueQuery{State: "open"}, func(b string) string {
		if strings.Contains(b, statusMarker) {
			return statusMarker
		}
		return ""
	})
	if err != nil {
		return 0, err
	}
	if i, ok := open[statusMarker]; ok && i.Number != rec.Issue {
		if _, err := c.EditIssue(ctx, i.Number, repo.IssueEdit{Body: &body}); err != nil {
			return 0, err
		}
		return i.Number, nil
	}
	i, err := c.CreateIssue(ctx, repo.NewIssue{Title: title, Body: body})
	if err != nil {
		return 0, fmt.Errorf("open status issue: %w", err)
	}
	return i.Number, nil
}
