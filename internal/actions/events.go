package actions

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// onIssue follows a change to an action-item issue (state, title, labels,
// deletion, transfer) or to the status issue (closed or deleted: the next
// update opens a new one).
func (h *Handler) onIssue(ctx context.Context, d *event.Delivery) error {
	var ev github.IssuesEvent
	if err := d.Decode(&ev); err != nil {
		return fmt.Errorf("decode issues event: %w", err)
	}
	number := ev.GetIssue().GetNumber()
	r := repoRef{InstallationID: d.InstallationID, RepoID: d.RepoID, Owner: d.Owner, Repo: d.Repo}
	it, ok, err := h.records.byIssue(ctx, r.RepoID, number)
	if err != nil {
		return err
	}
	if !ok {
		return h.onStatusIssue(ctx, r, number, d.Action)
	}
	log := zerolog.Ctx(ctx).With().Int("issue", number).Str("action_item", it.Key).Logger()
	c, err := h.client(r)
	if err != nil {
		return err
	}
	pol, err := h.policyOf(ctx, c, "")
	if err != nil {
		return err
	}
	var s issueState
	if d.Action == "deleted" || d.Action == "transferred" {
		s = issueState{State: stateGone}
	} else {
		// The payload may be older than a later change; GitHub's current
		// view decides.
		i, err := c.issue(ctx, number)
		switch {
		case ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410):
			s = issueState{State: stateGone}
		case err != nil:
			return err
		default:
			s = issueState{State: stateOf(i, pol.ActionItems.Label), Title: i.Title, Priority: priorityOf(i.Labels), ClosedAt: i.ClosedAt}
		}
	}
	changed, closedNow, err := h.records.update(ctx, it, s)
	if err != nil || !changed {
		return err
	}
	log.Info().Str("from", it.State).Str("to", s.State).Msg("action item changed")
	if closedNow {
		h.metrics.observeClose(it, s.ClosedAt, h.env.Clock.Now())
	}
	if err := h.refreshIncident(ctx, c, pol, r.RepoID, it.Incident); err != nil {
		return err
	}
	return h.scheduleStatus(ctx, r)
}

// onStatusIssue forgets a status issue that was closed, deleted or moved;
// the next update opens a new one (closing it is not a way to turn it off:
// status_issue.enabled is).
func (h *Handler) onStatusIssue(ctx context.Context, r repoRef, number int, action string) error {
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
