package actions

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
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
	if _, err := h.open(ctx, r); err != nil {
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
	c, pol, err := h.clientWithPolicy(ctx, r, "")
	if err != nil {
		return err
	}
	err = h.withIncident(ctx, r.RepoID, it.Incident, func() error {
		return h.followIssue(ctx, c, pol, r.RepoID, it.Key, d.Action)
	})
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
func (h *Handler) followIssue(ctx context.Context, c *repo.Client, pol *policy.Policy, repoID int64, key, action string) error {
	// Read again under the lease: another job may have changed it.
	it, err := h.records.item(ctx, repoID, key)
	if err != nil {
		return err
	}
	log := zerolog.Ctx(ctx).With().Int("issue", it.Issue).Str("action_item", it.Key).Logger()
	s := issueState{State: stateGone}
	if action != "deleted" && action != "transferred" {
		// The payload may be older than a later change; GitHub's current
		// view decides.
		i, err := c.Issue(ctx, it.Issue)
		switch {
		case repo.IsGone(err):
		case err != nil:
			return err
		default:
			s = stateFrom(i, pol.ActionItems.Label)
		}
	}
	changed, closedNow, err := h.records.update(ctx, it, s)
	if err != nil {
		return err
	}
	if changed {
		log.Info().Str("from", it.State).Str("to", s.State).Msg("action item changed")
	}
	if closedNow {
		h.metrics.observeClose(it, s.ClosedAt, h.env.Clock.Now())
	}
	return h.refreshIncident(ctx, c, pol, it.RepoID, it.Incident)
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
