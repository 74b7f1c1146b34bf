// Package feature is what every product feature (incident drafts, the
// postmortem check, action-item tracking) is built from: the shared
// environment it runs in and the interface the server wires it by.
package feature

import (
	"context"
	"fmt"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/clock"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// Env is what features share. Build one per server.
type Env struct {
	// GitHub creates installation clients (cached, conditional reads).
	GitHub githubapp.ClientCreator
	DB     *store.DB
	// Jobs inserts follow-up jobs. It is usable once the server has started.
	Jobs    queue.Inserter
	Clock   clock.Clock
	Metrics *metrics.Metrics
	Logger  zerolog.Logger
	// BotLogin returns the app's own bot login ("<slug>[bot]"), or "" while
	// it is not known yet.
	BotLogin func() string
	// WebURL is GitHub's web address (https://github.com or GHES).
	WebURL string
}

// Feature turns webhooks into work.
type Feature interface {
	event.Handler
}

// JobRunner is a feature with job kinds of its own (follow-ups, periodic
// work). The server registers its workers and periodic jobs.
type JobRunner interface {
	RegisterWorkers(w *river.Workers) error
	PeriodicJobs() []*river.PeriodicJob
}

// RepoOf names the repository a delivery comes from.
func RepoOf(d *event.Delivery) repo.Ref {
	return repo.Ref{InstallationID: d.InstallationID, RepoID: d.RepoID, Owner: d.Owner, Name: d.Repo}
}

// Client opens the app's client for a repository, as its installation.
func (e *Env) Client(r repo.Ref) (*repo.Client, error) {
	gh, err := e.GitHub.NewInstallationClient(r.InstallationID)
	if err != nil {
		return nil, fmt.Errorf("installation client for %s: %w", r, err)
	}
	login := ""
	if e.BotLogin != nil {
		login = e.BotLogin()
	}
	return repo.New(gh, r.Owner, r.Name, login), nil
}

// Open is what every job on a delivery starts with: it records the
// repository (the daily jobs find it there) and opens its client.
func (e *Env) Open(ctx context.Context, r repo.Ref) (*repo.Client, error) {
	if err := e.DB.RecordRepository(ctx, r.InstallationID, r.RepoID, r.Owner, r.Name, e.Clock.Now().Unix()); err != nil {
		return nil, err
	}
	return e.Client(r)
}
