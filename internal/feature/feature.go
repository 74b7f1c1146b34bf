// Package feature is what every product feature (incident drafts, the
// postmortem check, action-item tracking) is built from: the shared
// environment it runs in and the interface the server wires it by.
package feature

import (
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/clock"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
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
