// Package incident turns an issue labelled as an incident into a pull request
// proposing its postmortem, answers /postmortem commands and reminds closed
// incidents whose postmortem is overdue.
package incident

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/lease"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// Handler is the incident feature.
type Handler struct {
	env     *feature.Env
	db      incidents
	related relatedIndex
}

// New builds the incident feature.
func New(env *feature.Env) *Handler {
	h := &Handler{env: env, db: incidents{db: env.DB}, related: relatedIndex{db: env.DB}}
	if env.Metrics != nil {
		if err := env.Metrics.Registry.Register(newRepeatMetrics(env.DB)); err != nil {
			env.Logger.Warn().Err(err).Msg("repeat-incident metrics are not exported")
		}
	}
	return h
}

// Name is part of every job's uniqueness key.
func (*Handler) Name() string { return "incident" }

// Events are the webhooks the feature reads.
func (*Handler) Events() []string { return []string{"issues", "issue_comment"} }

// Wants keeps label and close events on issues and /postmortem commands.
func (*Handler) Wants(d *event.Delivery) bool {
	if d.InstallationID == 0 || d.RepoID == 0 {
		return false
	}
	switch d.Event {
	case "issues":
		var ev github.IssuesEvent
		if d.Decode(&ev) != nil || ev.Issue == nil || ev.Issue.IsPullRequest() {
			return false
		}
		switch d.Action {
		case "labeled":
			return ev.Label.GetName() != ""
		case "closed":
			return len(ev.Issue.Labels) > 0
		}
	case "issue_comment":
		var ev github.IssueCommentEvent
		if d.Action != "created" || d.Decode(&ev) != nil || ev.Issue == nil || ev.Issue.IsPullRequest() {
			return false
		}
		_, ok := parseCommand(ev.Comment.GetBody())
		return ok
	}
	return false
}

// Work handles one delivery. Its outcome is decided once, here, from the
// kind of error (outcome).
func (h *Handler) Work(ctx context.Context, d *event.Delivery) error {
	return h.outcome(ctx, h.work(ctx, d))
}

func (h *Handler) work(ctx context.Context, d *event.Delivery) error {
	switch d.Event {
	case "issues":
		var ev github.IssuesEvent
		if err := d.Decode(&ev); err != nil {
			return fmt.Errorf("decode issues event: %w: %w", errUnusable, err)
		}
		key := h.keyOf(d, ev.Issue.GetNumber())
		switch d.Action {
		case "labeled":
			return h.withSession(ctx, key, ev.Repo, ev.Issue, func(s *session) error { return s.onLabeled(ctx, ev.Label.GetName()) })
		case "closed":
			return h.withSession(ctx, key, ev.Repo, ev.Issue, func(s *session) error { return s.onClosed(ctx) })
		}
	case "issue_comment":
		var ev github.IssueCommentEvent
		if err := d.Decode(&ev); err != nil {
			return fmt.Errorf("decode issue_comment event: %w: %w", errUnusable, err)
		}
		cmd, ok := parseCommand(ev.Comment.GetBody())
		if !ok {
			return nil
		}
		key := h.keyOf(d, ev.Issue.GetNumber())
		return h.withSession(ctx, key, ev.Repo, ev.Issue, func(s *session) error {
			return s.onCommand(ctx, ev.Comment.GetID(), ev.Comment.GetUser().GetLogin(), cmd)
		})
	}
	return nil
}

// errUnusable says a delivery cannot be acted on (its payload does not
// decode, or names no issue): retrying cannot change that.
var errUnusable = errors.New("unusable delivery")

// outcome is the one place where the feature decides a job's fate from the
// kind of error its helpers returned: an unusable delivery cancels the job,
// another job holding the incident's lease makes it wait a moment, anything
// else (rate limits included, which the queue snoozes) is retried. A broken
// policy is not an error here: the session reports it on the incident.
func (h *Handler) outcome(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errUnusable):
		return river.JobCancel(err)
	case errors.Is(err, lease.ErrBusy):
		zerolog.Ctx(ctx).Debug().Msg("another job is working on this incident; waiting for it")
		return river.JobSnooze(busyWait())
	}
	return err
}

func (h *Handler) keyOf(d *event.Delivery, number int) incidentKey {
	return incidentKey{InstallationID: d.InstallationID, RepoID: d.RepoID, Owner: d.Owner, Name: d.Repo, Number: number}
}

// withSession runs fn while holding the incident's lease, so that label
// events, commands and redeliveries for one incident take turns. A job that
// finds the lease taken gets lease.ErrBusy (and waits: outcome).
func (h *Handler) withSession(ctx context.Context, key incidentKey, ghRepo *github.Repository, iss *github.Issue, fn func(s *session) error) error {
	if key.Number == 0 || iss == nil {
		return fmt.Errorf("delivery for %s/%s names no issue: %w", key.Owner, key.Name, errUnusable)
	}
	log := zerolog.Ctx(ctx).With().Int("issue", key.Number).Logger()
	ctx = log.WithContext(ctx)
	client, err := h.env.Open(ctx, repo.Ref{InstallationID: key.InstallationID, RepoID: key.RepoID, Owner: key.Owner, Name: key.Name})
	if err != nil {
		return err
	}
	release, err := h.db.lease(ctx, key, h.env.Clock.Now())
	if err != nil {
		return err
	}
	defer release()
	s := &session{
		h: h, api: client, key: key,
		issue: iss, defaultBranch: ghRepo.GetDefaultBranch(), log: log,
	}
	return fn(s)
}

// busyWait spreads out jobs waiting for the same incident.
func busyWait() time.Duration {
	n, _ := rand.Int(rand.Reader, big.NewInt(400))
	return 200*time.Millisecond + time.Duration(n.Int64())*time.Millisecond
}
