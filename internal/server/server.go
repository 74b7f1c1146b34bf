// Package server wires the app once, top to bottom: config → GitHub client
// creator → database and job queue → features → gin router. Reading New
// tells you the whole app.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/clock"
	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/policyfacts"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/setup"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
	"github.com/postmortem-bot/postmortem-bot/internal/webhook"
)

// WebhookPath is where GitHub delivers webhooks.
const WebhookPath = githubapp.DefaultWebhookRoute

// Options configure a server. Only Config is required.
type Options struct {
	Config config.Config
	Logger zerolog.Logger
	Clock  clock.Clock
	// Features builds the product's features; nil means all of them.
	Features func(env *feature.Env) ([]feature.Feature, error)
	// NoJobs makes the server store deliveries without running any job
	// (tests use it to stop a server with work still queued).
	NoJobs bool
	// RetryBase is the first retry delay of a failed job (default 5 s).
	RetryBase time.Duration
	// MaxAttempts is how often a failing job runs before it is discarded.
	MaxAttempts int
	// PollInterval is how often idle workers look for due retries (1 s).
	PollInterval time.Duration
	// JobTimeout shortens how long a job may run (tests only; at most and
	// by default queue.JobTimeout).
	JobTimeout time.Duration
}

// Server is a running postmortem-bot.
type Server struct {
	cfg     config.Config
	log     zerolog.Logger
	db      *store.DB
	jobs    queue.Client
	intake  *webhook.Intake
	router  *gin.Engine
	metrics *metrics.Metrics
	env     *feature.Env
	botName atomic.Pointer[string]
	// githubProblem says why GitHub could not be asked at start (startup.go).
	githubProblem atomic.Pointer[string]
	noJobs        bool
	facts         *policyfacts.Cache
	// adminAddr is where the admin listener listens, once it does.
	adminAddr atomic.Pointer[string]
}

// New builds the server: it opens and migrates the database and wires
// every feature. It does not listen or run jobs yet.
func New(ctx context.Context, o Options) (*Server, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	s := &Server{cfg: o.Config, log: o.Logger, metrics: metrics.New(), noJobs: o.NoJobs}
	policy.AllowRemotes(o.Config.PolicyRemotes)

	clients, err := ghclient.NewCreator(o.Config.GitHub, s.metrics)
	if err != nil {
		return nil, fmt.Errorf("github client creator: %w", err)
	}
	slug, unreachable, err := checkApp(ctx, clients, o.Config) // startup.go
	if err != nil {
		return nil, err
	}
	if unreachable != nil {
		reason := unreachable.Error()
		s.githubProblem.Store(&reason)
		o.Logger.Warn().Err(unreachable).Msg("starting unready: GitHub did not answer GET /app; retrying")
	}

	s.db, err = store.Open(o.Logger.WithContext(ctx), o.Config.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if err := s.db.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("database: %w", err)
	}

	lazy := &queue.Lazy{}
	s.env = &feature.Env{
		GitHub: clients, DB: s.db, Jobs: lazy, Clock: o.Clock, Metrics: s.metrics,
		Logger: o.Logger, BotLogin: s.BotLogin, WebURL: o.Config.GitHub.WebURL,
	}
	build := o.Features
	if build == nil {
		build = ProductFeatures
	}
	features, err := build(s.env)
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("features: %w", err)
	}

	handlers := make([]event.Handler, 0, len(features)+1)
	handlers = append(handlers, &pingLog{appID: o.Config.GitHub.App.IntegrationID, log: o.Logger})
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	for _, f := range features {
		handlers = append(handlers, f)
		if r, ok := f.(feature.JobRunner); ok {
			if err := r.RegisterWorkers(workers); err != nil {
				s.db.Close()
				return nil, fmt.Errorf("feature %s: %w", f.Name(), err)
			}
			periodic = append(periodic, r.PeriodicJobs()...)
		}
	}
	s.facts = policyfacts.New(policyfacts.Options{GitHub: clients, Logger: o.Logger})
	if err := river.AddWorkerSafely(workers, queue.NewEventWorker(learnPolicies(handlers, s.facts), s.db)); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &queue.PruneWorker{Store: s.db}); err != nil {
		s.db.Close()
		return nil, err
	}
	periodic = append(periodic, queue.PrunePeriodic())
	maxWorkers := o.Config.Workers
	if o.NoJobs {
		maxWorkers = 0
	}
	s.jobs, err = queue.New(s.db, queue.Options{
		Workers: workers, Periodic: periodic, MaxWorkers: maxWorkers, RetryBase: o.RetryBase, MaxAttempts: o.MaxAttempts, PollInterval: o.PollInterval,
		JobTimeout: o.JobTimeout, Metrics: s.metrics, Logger: o.Logger,
	})
	if err != nil {
		s.db.Close()
		return nil, err
	}
	lazy.Set(s.jobs)

	s.intake = webhook.New(webhook.Options{
		Secret: o.Config.GitHub.App.WebhookSecret, Handlers: handlers, Writer: queue.NewDeliveryWriter(s.db, s.jobs),
		Metrics: s.metrics, Priorities: queue.NewPriorities(),
		Facts: s.facts,
	})
	if o.Config.AppSlug == "" {
		o.Config.AppSlug = slug
	}
	if o.Config.AppSlug != "" {
		s.setBot(o.Config.AppSlug)
	}
	s.router = s.routes()
	return s, nil
}

func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), s.requestLogger())
	s.intake.Route(r, WebhookPath)
	r.GET("/setup", gin.WrapF(setup.Closed))
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readiness(false))
	return r
}

// requestLogger puts the server's logger in each request's context.
func (s *Server) requestLogger() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request = c.Request.WithContext(s.log.Hook(quietLibraryLines{}).WithContext(c.Request.Context()))
		c.Next()
	}
}

// Handler is the HTTP side of the server.
func (s *Server) Handler() http.Handler { return s.router }

// Jobs lets callers (and tests) insert jobs.
func (s *Server) Jobs() queue.Inserter { return s.jobs }

// DB is the server's database.
func (s *Server) DB() *store.DB { return s.db }

// Metrics are the server's collectors.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// BotLogin is the app's bot user, or "" while it is not known yet.
func (s *Server) BotLogin() string {
	if p := s.botName.Load(); p != nil {
		return *p
	}
	return ""
}

func (s *Server) setBot(slug string) {
	login := slug + "[bot]"
	s.botName.Store(&login)
	s.intake.SetBotLogin(login)
}

// learnBotLogin asks GitHub for the app's slug until it answers.
func (s *Server) learnBotLogin(ctx context.Context) {
	wait := time.Second
	for s.BotLogin() == "" || s.githubReady() != "" {
		slug, err := ghclient.AppSlug(ctx, s.env.GitHub)
		if err == nil && slug != "" {
			s.githubProblem.Store(nil)
			s.setBot(slug)
			s.log.Info().Str("bot", s.BotLogin()).Msg("learned the app's bot login")
			return
		}
		s.log.Warn().Err(err).Msg("could not learn the app's slug; its own events are not filtered yet")
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Minute)
	}
}

// Serve runs jobs and answers HTTP on ln until ctx is cancelled, then shuts
// down gracefully: it stops taking requests, lets running jobs finish within
// the shutdown timeout, and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.db.Close()
	admin, err := s.listenAdmin()
	if err != nil {
		return err
	}
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	if !s.noJobs {
		if err := s.jobs.Start(runCtx); err != nil {
			return fmt.Errorf("start job queue: %w", err)
		}
	}
	go s.learnBotLogin(runCtx)

	srv := &http.Server{Handler: s.router, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.Info().Str("addr", ln.Addr().String()).Str("database", string(s.db.Dialect)).Msg("postmortem-bot listening")

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	timeout := s.cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s.log.Info().Dur("timeout", timeout).Msg("shutting down: no new requests, letting running jobs finish")
	if err := srv.Shutdown(shutCtx); err != nil {
		s.log.Warn().Err(err).Msg("HTTP shutdown")
	}
	s.intake.Close()
	s.facts.Close()
	if admin != nil {
		_ = admin.Shutdown(shutCtx)
	}
	if !s.noJobs {
		if err := s.jobs.Stop(shutCtx); err != nil {
			s.log.Warn().Err(err).Msg("jobs did not finish in time; cancelling them (they will run again on the next start)")
			hard, cancelHard := context.WithTimeout(context.Background(), 5*time.Second)
			_ = s.jobs.StopAndCancel(hard)
			cancelHard()
		}
	}
	stopRun()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// listenAdmin starts the admin listener (metrics, detailed readiness) when
// ADMIN_LISTEN_ADDR names one.
func (s *Server) listenAdmin() (*http.Server, error) {
	if s.cfg.AdminListenAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", s.cfg.AdminListenAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on ADMIN_LISTEN_ADDR %s: %w", s.cfg.AdminListenAddr, err)
	}
	addr := ln.Addr().String()
	s.adminAddr.Store(&addr)
	srv := &http.Server{Handler: s.adminRoutes(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	s.log.Info().Str("addr", addr).Msg("admin listener (metrics, readiness detail)")
	return srv, nil
}

// AdminAddr is the admin listener's address, or "" when there is none (yet).
func (s *Server) AdminAddr() string {
	if p := s.adminAddr.Load(); p != nil {
		return *p
	}
	return ""
}

// Run listens on the configured address and serves until ctx is cancelled.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.ListenAddr)
	if err != nil {
		s.db.Close()
		return fmt.Errorf("listen on %s: %w", s.cfg.ListenAddr, err)
	}
	return s.Serve(ctx, ln)
}

// UnfinishedJobs lists jobs that are not completed, discarded or cancelled
// and are due within the next few seconds (tests wait for them).
func (s *Server) UnfinishedJobs(ctx context.Context) ([]*rivertype.JobRow, error) {
	res, err := s.jobs.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable,
			rivertype.JobStateScheduled, rivertype.JobStatePending).First(1000))
	if err != nil {
		return nil, err
	}
	var out []*rivertype.JobRow
	soon := time.Now().Add(5 * time.Second)
	for _, j := range res.Jobs {
		if j.ScheduledAt.Before(soon) {
			out = append(out, j)
		}
	}
	return out, nil
}

// JobsIn lists jobs in the given states (tests read outcomes with it).
func (s *Server) JobsIn(ctx context.Context, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
	res, err := s.jobs.JobList(ctx, river.NewJobListParams().States(states...).First(10000))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}
