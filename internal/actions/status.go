package actions

import (
	"context"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// StatusArgs asks for the repository's status issue to be rewritten.
type StatusArgs struct {
	Repo repoRef `json:"repo" river:"unique"`
}

// Kind names the job kind in River's table.
func (StatusArgs) Kind() string { return "action_items_status" }

type statusWorker struct {
	river.WorkerDefaults[StatusArgs]
	h *Handler
}

func (w *statusWorker) Work(ctx context.Context, job *river.Job[StatusArgs]) error {
	return w.h.updateStatus(ctx, job.Args.Repo)
}

// updateStatus rewrites the status issue from the database. When the
// database changed while it ran, the job runs again shortly (the change's
// own update was folded into this running job).
func (h *Handler) updateStatus(ctx context.Context, r repoRef) error {
	before, err := h.records.status(ctx, r.RepoID)
	if err != nil {
		return err
	}
	c, pol, err := h.clientWithPolicy(ctx, r, "")
	if err != nil {
		return err
	}
	if !pol.ActionItems.StatusIssue.Enabled {
		return nil
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
	body := statusBody(items, titles, h.env.Clock.Now())
	number, err := h.writeStatus(ctx, c, pol.ActionItems.StatusIssue.Title, before, body)
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
	return nil
}

// writeStatus edits the status issue, or opens a new one when there is
// none or someone closed or deleted it. It returns the issue's number.
func (h *Handler) writeStatus(ctx context.Context, c repoClient, title string, rec statusRecord, body string) (int, error) {
	if rec.Issue != 0 {
		if body == rec.Body {
			return rec.Issue, nil
		}
		i, err := c.editBody(ctx, rec.Issue, body)
		switch {
		case err == nil && i.State == "open":
			return rec.Issue, nil
		case err != nil && !ghclient.IsNotFound(err) && !ghclient.IsStatus(err, 410):
			return 0, err
		}
	}
	// A crash between opening the issue and recording it leaves an open
	// issue with the marker: adopt it rather than open a second.
	opts := github.IssueListByRepoOptions{State: "open", Creator: h.env.BotLogin()}
	open, err := c.listIssues(ctx, opts)
	if err != nil {
		return 0, err
	}
	for _, i := range open {
		if i.Number != rec.Issue && containsMarker(i.Body, statusMarker) {
			if _, err := c.editBody(ctx, i.Number, body); err != nil {
				return 0, err
			}
			return i.Number, nil
		}
	}
	i, err := c.createIssue(ctx, title, body, nil, nil)
	if err != nil {
		return 0, fmt.Errorf("open status issue: %w", err)
	}
	return i.Number, nil
}
