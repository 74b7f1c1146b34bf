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

	postmortembot "github.com/postmortem-bot/postmortem-bot"
	"github.com/postmortem-bot/postmortem-bot/internal/setup"
)

// ServeSetup runs a server that has no GitHub App yet (setup mode): it
// serves the setup page, answers the webhook path with 503 and readiness
// with "setup mode". When the page completes GitHub's manifest flow it
// builds the full server with the new credentials and hands it the same
// listener, so webhooks are taken without a restart. It returns when ctx
// ends, like Serve.
func ServeSetup(ctx context.Context, o Options, ln net.Listener) error {
	started := make(chan *Server, 1)
	reg, err := setup.New(setup.Options{
		WebURL: o.Config.GitHub.WebURL, APIURL: o.Config.GitHub.V3APIURL, PublicURL: o.Config.PublicURL, WebhookURL: o.Config.WebhookURL,
		DataDir: o.Config.DataDir, AppManifest: postmortembot.AppManifest, Logger: o.Logger,
		Registered: func(ctx context.Context, c *setup.Credentials) error {
			cfg := o.Config
			c.Apply(&cfg)
			full := o
			full.Config = cfg
			srv, err := New(ctx, full)
			if err != nil {
				return err
			}
			started <- srv
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("setup page: %w", err)
	}

	var current atomic.Value // http.Handler
	current.Store(setupRoutes(reg))
	hl := &handoverListener{Listener: ln}
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { current.Load().(http.Handler).ServeHTTP(w, r) }),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(hl) }()
	o.Logger.Warn().Str("setup_url", reg.SetupURL()).Str("addr", ln.Addr().String()).
		Msg("no GitHub App configured: open the setup URL to register one (only this log shows it)")

	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		return ln.Close()
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case full := <-started:
		// Requests that arrive during the handover already reach the full
		// server's routes.
		current.Store(full.Handler())
		o.Logger.Info().Msg("setup done: taking webhooks with the new app's credentials")
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = srv.Shutdown(shut)
		cancel()
		if err := hl.resume(); err != nil {
			return fmt.Errorf("hand the listener to the server: %w", err)
		}
		return full.Serve(ctx, ln)
	}
}

func setupRoutes(reg *setup.Registrar) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/setup", gin.WrapF(reg.Page))
	r.GET(setup.CallbackPath, gin.WrapF(reg.Callback))
	r.POST(WebhookPath, func(c *gin.Context) {
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "this server has no GitHub App yet; finish setup first"})
	})
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "setup mode: no GitHub App registered yet"})
	})
	return r
}

// handoverListener lets the setup page's HTTP server stop accepting without
// closing the socket, so the full server continues on the same one and no
// delivery meets a closed port.
type handoverListener struct {
	net.Listener
	stopped atomic.Bool
}

type deadliner interface{ SetDeadline(time.Time) error }

func (l *handoverListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && l.stopped.Load() {
		return nil, net.ErrClosed
	}
	return c, err
}

// Close stops Accept by a deadline in the past instead of closing.
func (l *handoverListener) Close() error {
	l.stopped.Store(true)
	if d, ok := l.Listener.(deadliner); ok {
		return d.SetDeadline(time.Now())
	}
	return l.Listener.Close()
}

// resume clears the deadline so the next server can accept again.
func (l *handoverListener) resume() error {
	if d, ok := l.Listener.(deadliner); ok {
		return d.SetDeadline(time.Time{})
	}
	return errors.New("listener cannot be handed over")
}
