package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/event"
)

// ErrCredentialsRejected means GitHub refused the configured App ID and key.
var ErrCredentialsRejected = errors.New("GitHub rejected the app's credentials")

// checkApp authenticates as the app (GET /app) before anything else starts,
// so wrong credentials stop start-up instead of failing every job later.
// It returns the app's slug. When GitHub cannot be reached it returns why
// as unreachable and no error: the server then starts, stays unready with
// that reason, and keeps asking (learnBotLogin) rather than exiting, since
// a network outage at start should not crash-loop a deployment.
func checkApp(ctx context.Context, clients githubapp.ClientCreator, cfg config.Config) (slug string, unreachable, err error) {
	client, err := clients.NewAppClient()
	if err != nil {
		return "", nil, errors.New("GITHUB_APP_PRIVATE_KEY: not an RSA private key; use the .pem file GitHub generated for the app (\"Generate a private key\" on the app's page)")
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	app, _, err := client.Apps.Get(ctx, "")
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		switch ge.Response.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			return "", nil, fmt.Errorf("%w (GET %s/app: %d %s): check that GITHUB_APP_INTEGRATION_ID (%d) is the App ID and GITHUB_APP_PRIVATE_KEY is a private key generated for that app",
				ErrCredentialsRejected, trimSlash(cfg.GitHub.V3APIURL), ge.Response.StatusCode, ge.Message, cfg.GitHub.App.IntegrationID)
		}
	}
	if err != nil {
		return "", fmt.Errorf("GitHub not reachable yet (GET /app): %w", err), nil
	}
	return app.GetSlug(), nil, nil
}

// githubReady is the reason the server is not ready because of GitHub, or "".
func (s *Server) githubReady() string {
	if p := s.githubProblem.Load(); p != nil {
		return *p
	}
	return ""
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// pingLog confirms GitHub's ping, sent when the app or its webhook is
// created. It only logs; the ping needs no job.
type pingLog struct {
	appID int64
	log   zerolog.Logger
}

func (*pingLog) Name() string     { return "ping" }
func (*pingLog) Events() []string { return []string{"ping"} }

// Wants logs the confirmation while GitHub waits for the answer and asks
// for no job.
func (p *pingLog) Wants(d *event.Delivery) bool {
	var ping struct {
		Zen    string `json:"zen"`
		HookID int64  `json:"hook_id"`
		Hook   struct {
			Type   string `json:"type"`
			AppID  int64  `json:"app_id"`
			Config struct {
				URL string `json:"url"`
			} `json:"config"`
		} `json:"hook"`
	}
	if err := d.Decode(&ping); err != nil {
		p.log.Warn().Str("delivery_id", d.ID).Msg("ping: payload is not GitHub's ping")
		return false
	}
	ev := p.log.Info()
	msg := "ping: GitHub reaches this server's webhook"
	if ping.Hook.AppID != 0 && ping.Hook.AppID != p.appID {
		ev = p.log.Warn()
		msg = "ping: the webhook belongs to another app than the configured GITHUB_APP_INTEGRATION_ID"
	}
	ev.Str("delivery_id", d.ID).Int64("app_id", ping.Hook.AppID).Int64("configured_app_id", p.appID).
		Int64("hook_id", ping.HookID).Str("hook_type", ping.Hook.Type).Str("hook_url", ping.Hook.Config.URL).Msg(msg)
	return false
}

func (*pingLog) Work(context.Context, *event.Delivery) error { return nil }

// quietLibraryLines drops go-githubapp's own per-delivery line ("Received
// webhook event"): its field names (github_delivery_id, github_event_type)
// are not the ones the rest of the app logs with (delivery_id, event), and
// deliveries are already counted by event and outcome in /metrics.
type quietLibraryLines struct{}

func (quietLibraryLines) Run(e *zerolog.Event, _ zerolog.Level, msg string) {
	if msg == "Received webhook event" {
		e.Discard()
	}
}
