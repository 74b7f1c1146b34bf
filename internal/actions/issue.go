package actions

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// onIssue follows a change to an action-item issue (state, title, labels,
// deletion, transfer) or to the status issue (closed or deleted: the next
// update opens a new one).
func (h *Handler) onIssue(ctx context.Context, d *event.Delivery, r repo.Ref) error {
	var ev github.IssuesEvent
	if err := d.Decode(&ev); err != nil {
		return fmt.Errorf("decode issues event: %w: %w", errUndecodable, err)
	}
	if _, err := h.env.Open(ctx, r); err != nil {
		return err
	}
	number := ev.GetIssue().GetNumber()
	it, ok, err := h.records.byIssue(ctx, r.RepoID, number)
	if err != nil {
		return err
	}
	if !ok {
		return h.onStatusIssue(ctx, r, number, d.Action)
	}
	s, err := h.session(ctx, r, "")
	if err != nil {
		return err
	}
	err = s.withIncident(ctx, it.Incident, func() error { return s.followIssue(ctx, it.Key, d.Action) })
	if err != nil {
		return err
	}
	// Scheduled even when nothing changed: a run that crashed after
	// recording the change must still get the status issue updated.
	return h.scheduleStatus(ctx, r)
}

// followIssue records GitHub's view of an item's issue and brings the
// incident's tracking comment up to date. The tracking comment is refreshed
// even when the item did not change, for a run that crashed in between
// (it costs no request when the comment is current).
func (s *session) followIssue(ctx context.Context, key, action string) error {
	h := s.h
	// Read again under the lease: another job may have changed it.
	it, err := h.records.item(ctx, s.ref.RepoID, key)
	if err != nil {
		return err
	}
	log := s.log.With().Int("issue", it.Issue).Str("action_item", it.Key).Logger()
	st := issueState{State: stateGone}
	if action != "deleted" && action != "transferred" {
		// The payload may be older than a later change; GitHub's current
		// view decides.
		i, err := s.c.Issue(ctx, it.Issue)
		switch {
		case repo.IsGone(err):
		case err != nil:
			return err
		default:
			st = stateFrom(i, s.pol.ActionItems.Label)
			if st.State == stateClosed {
				if st.Closure, err = s.readClosure(ctx, i); err != nil {
					return err
				}
			}
		}
	}
	changed, closedNow, err := h.records.update(ctx, it, st)
	if err != nil {
		return err
	}
	if changed {
		log.Info().Str("from", it.State).Str("to", st.State).Msg("action item changed")
	}
	if closedNow {
		h.metrics.observeClose(it, st.ClosedAt, s.now())
	}
	return s.refreshIncident(ctx, it.Incident)
}

// onStatusIssue forgets a status issue that was closed, deleted or moved;
// the next update opens a new one (closing it is not a way to turn it off:
// status_issue.enabled is).
func (h *Handler) onStatusIssue(ctx context.Context, r repo.Ref, number int, action string) error {
	if action != "closed" && action != "deleted" && action != "transferred" {
		return nil
	}
	_, err := h.records.forgetStatusIssue(ctx, r.RepoID, number)
	return err
}

var priorityRE = regexp.MustCompile(`^[Pp][0-9]$`)

// priorityOf reads a priority label such as "P1" ("" when there is none).
func priorityOf(labels []string) string {
	for _, l := range labels {
		if priorityRE.MatchString(l) {
			return strings.ToUpper(l)
		}
	}
	return ""
}
