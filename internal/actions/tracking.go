package actions

import (
	"context"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// refreshIncident brings the incident's tracking comment up to date (one
// comment, edited in place) and, the first time every item is closed, says
// so, labels the incident complete and closes it if the policy asks. The
// caller holds the incident's lease (withIncident).
func (h *Handler) refreshIncident(ctx context.Context, c *repo.Client, pol *policy.Policy, repoID int64, number int) error {
	if number == 0 {
		return nil
	}
	all, err := h.records.ofIncident(ctx, repoID, number)
	if err != nil {
		return err
	}
	var items, removed []actionItem
	closed := 0
	for _, it := range all {
		if it.Removed && (it.State == stateOpen || it.State == stateClosed) {
			removed = append(removed, it)
		}
		if it.tracked() {
			items = append(items, it)
			if it.State == stateClosed {
				closed++
			}
		}
	}
	inc, err := h.records.incident(ctx, repoID, number)
	if err != nil {
		return err
	}
	if len(items) == 0 && inc.TrackingCommentID == 0 {
		return nil
	}
	body := trackingBody(items, removed)
	if len(all) > 0 {
		body = fit(body, cutShort(all[0].Path, h.fileURL(c, all[0].Path)))
	}
	if err := h.writeTracking(ctx, c, inc, body); err != nil {
		return err
	}
	if len(items) == 0 || closed < len(items) || inc.CompletedAt != 0 {
		return nil
	}
	if _, said, err := c.MarkedComment(ctx, number, completeMarker, time.Time{}); err != nil {
		return err
	} else if !said {
		if _, err := c.CreateComment(ctx, number, completionBody(len(items))); err != nil {
			return err
		}
	}
	if err := c.AddLabels(ctx, number, completeLabel); err != nil {
		return err
	}
	if pol.ActionItems.CloseIncidentWhenDone {
		if _, err := c.EditIssue(ctx, number, repo.IssueEdit{Close: true}); err != nil {
			return err
		}
	}
	return h.records.setCompleted(ctx, repoID, number, h.env.Clock.Now())
}

// withIncident runs fn holding the incident's lease (none for number 0), so
// jobs take turns changing its items and writing its tracking comment: two
// items closing at once cannot both post the completion or leave the older
// count behind. It returns lease.ErrBusy while another job holds it.
func (h *Handler) withIncident(ctx context.Context, repoID int64, number int, fn func() error) error {
	if number != 0 {
		release, err := h.records.leaseIncident(ctx, repoID, number, h.env.Clock.Now())
		if err != nil {
			return err
		}
		defer release()
	}
	return fn()
}

// writeTracking edits the remembered tracking comment, or finds it by its
// marker, or posts it; a comment someone deleted is posted again.
func (h *Handler) writeTracking(ctx context.Context, c *repo.Client, inc incident, body string) error {
	if inc.TrackingCommentID != 0 {
		if body == inc.TrackingBody {
			return nil
		}
		err := c.EditComment(ctx, inc.TrackingCommentID, body)
		if err == nil {
			return h.records.setTracking(ctx, inc.RepoID, inc.Number, inc.TrackingCommentID, body)
		}
		if !repo.IsGone(err) {
			return err
		}
	}
	cm, found, err := c.MarkedComment(ctx, inc.Number, trackingMarker, time.Time{})
	if err != nil {
		return err
	}
	id := cm.ID
	switch {
	case !found:
		if id, err = c.CreateComment(ctx, inc.Number, body); err != nil {
			return err
		}
	case cm.Body != body:
		if err := c.EditComment(ctx, id, body); err != nil {
			return err
		}
	}
	return h.records.setTracking(ctx, inc.RepoID, inc.Number, id, body)
}
