// Package metrics holds the Prometheus collectors the app exports on
// /metrics. Each server has its own registry, so tests can run several.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the app's collectors.
type Metrics struct {
	Registry *prometheus.Registry

	// Deliveries counts webhook deliveries by event and outcome: queued,
	// ignored (no handler wants it), own (sent by this app), rejected.
	Deliveries *prometheus.CounterVec
	// AckSeconds is how long GitHub waited for each acknowledgement.
	AckSeconds *prometheus.HistogramVec
	// Jobs counts finished job attempts by kind and outcome: completed,
	// retried, snoozed (rate limited), discarded.
	Jobs *prometheus.CounterVec
	// GitHubRequests counts calls to GitHub by method and status code.
	GitHubRequests *prometheus.CounterVec
}

// New creates the collectors on a fresh registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postmortem_bot_webhook_deliveries_total",
			Help: "Webhook deliveries by event type and outcome (queued, ignored, own, rejected).",
		}, []string{"event", "outcome"}),
		AckSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "postmortem_bot_webhook_ack_seconds",
			Help:    "Time from receiving a webhook to acknowledging it.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"status"}),
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postmortem_bot_jobs_total",
			Help: "Job attempts by kind and outcome (completed, retried, snoozed, discarded).",
		}, []string{"kind", "handler", "outcome"}),
		GitHubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "postmortem_bot_github_requests_total",
			Help: "Requests to the GitHub API by method and status code.",
		}, []string{"method", "status"}),
	}
	reg.MustRegister(m.Deliveries, m.AckSeconds, m.Jobs, m.GitHubRequests)
	return m
}
