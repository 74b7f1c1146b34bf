package actions

import (
	"context"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// refreshIncident brings the incident's tracking comment up to date (one
// comment, edited in place) and, the first time every item is closed, says
// so, labels the incident complete and closes it if the policy asks. The
// caller holds the incident's lease (withIncident).
func (s *session) refreshIncident(ctx context.Context, number int) error {
	if number == 0 {
		return nil
	}
	h, c, repoID := s.h, s.c, s.ref.RepoID
	all, err := h.records.ofIncident(ctx, repoID, number)
	if err != nil {
		return err
	}
	var items, removed []actionItem
	for _, it := range all {
		if it.Removed && (it.State == stateOpen || it.State == stateClosed) {
			removed = append(removed, it)
		}
		if it.tracked() {
			items = append(items, it)
		}
	}
	declinedDone := s.pol.ActionItems.DeclinedCountAsDone
	done := doneCount(items, declinedDone)
	inc, err := h.records.incident(ctx, repoID, number)
	if err != nil {
		return err
	}
	if len(items) == 0 && inc.TrackingCommentID == 0 {
		return nil
	}
	body := trackingBody(items, removed, declinedDone)
	if len(all) > 0 {
		body = fit(body, cutShort(all[0].Path, s.fileURL(all[0].Path)))
	}
	if err := s.writeTracking(ctx, inc, body); err != nil {
		return err
	}
	if len(items) == 0 || done < len(items) || inc.CompletedAt != 0 {
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
	if s.pol.ActionItems.CloseIncidentWhenDone {
		if _, err := c.EditIssue(ctx, number, repo.IssueEdit{Close: true}); err != nil {
			return err
		}
	}
	return h.records.setCompleted(ctx, repoID, number, s.now())
}

// writeTracking edits the remembered tracking comment, or finds it by its
// marker, or posts it; a comment someone deleted is posted again.
func (s *session) writeTracking(ctx context.Context, inc incident, body string) error {
	h, c := s.h, s.c
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
