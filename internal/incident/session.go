package incident

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// session is one job's work on one incident, holding its lease. It reads
// each thing from GitHub at most once.
type session struct {
	h             *Handler
	api           *repo.Client
	key           incidentKey
	issue         *github.Issue
	defaultBranch string
	log           zerolog.Logger

	events []*github.Timeline
	loaded bool
}

// timeline reads the incident's timeline once per session.
func (s *session) timeline(ctx context.Context) ([]*github.Timeline, error) {
	if s.loaded {
		return s.events, nil
	}
	events, err := s.api.Timeline(ctx, s.key.Number)
	if err != nil {
		return nil, err
	}
	s.events, s.loaded = events, true
	return events, nil
}

func (s *session) comments(ctx context.Context) ([]repo.Comment, error) {
	events, err := s.timeline(ctx)
	if err != nil {
		return nil, err
	}
	return commentsIn(events), nil
}

// upsertComment makes sure the bot's comment carrying marker says body:
// it posts it once, edits it when it says something else, else leaves it.
func (s *session) upsertComment(ctx context.Context, marker, body string) error {
	comments, err := s.comments(ctx)
	if err != nil {
		return err
	}
	c, ok, err := s.api.FindMarked(comments, marker)
	if err != nil {
		return err
	}
	if ok {
		if c.Body == body {
			return nil
		}
		return s.api.EditComment(ctx, c.ID, body)
	}
	_, err = s.api.CreateComment(ctx, s.key.Number, body)
	return err
}

// loadPolicy fetches the repository's policy. An invalid policy file is
// reported on the incident (ok false) and never replaced by the defaults.
func (s *session) loadPolicy(ctx context.Context) (p *policy.Policy, ok bool, err error) {
	p, _, err = s.api.Policy(ctx, "")
	var perr *policy.Error
	if errors.As(err, &perr) {
		s.log.Info().Str("problem", perr.Error()).Msg("invalid postmortem policy; reporting it on the incident")
		return nil, false, s.reportConfigError(ctx, perr)
	}
	if err != nil {
		return nil, false, err
	}
	return p, true, nil
}

func (s *session) reportConfigError(ctx context.Context, perr *policy.Error) error {
	if err := s.upsertComment(ctx, configErrorMarker, configErrorComment(perr)); err != nil {
		return fmt.Errorf("report invalid configuration on %s: %w", s.key, err)
	}
	return nil
}

// onLabeled drafts the postmortem when the label added marks an incident.
func (s *session) onLabeled(ctx context.Context, label string) error {
	row, found, err := s.h.db.get(ctx, s.key.RepoID, s.key.Number)
	if err != nil {
		return err
	}
	if found && row.State != stateDrafting && row.PRNumber != 0 {
		s.log.Debug().Str("state", row.State).Int("pull", row.PRNumber).Msg("incident already handled; nothing to do")
		return nil
	}
	if hasLabel(labelNames(s.issue), skippedLabel) {
		return nil
	}
	p, ok, err := s.loadPolicy(ctx)
	if err != nil || !ok {
		return err
	}
	if !p.IsIncident([]string{label}) {
		return nil
	}
	_, err = s.propose(ctx, p)
	return err
}

// onClosed restates the due date on the incident comment now that the
// incident has closed.
func (s *session) onClosed(ctx context.Context) error {
	row, found, err := s.h.db.get(ctx, s.key.RepoID, s.key.Number)
	if err != nil || !found || row.State != stateProposed {
		return err
	}
	p, ok, err := s.loadPolicy(ctx)
	if err != nil || !ok {
		return err
	}
	_, err = s.propose(ctx, p)
	return err
}
