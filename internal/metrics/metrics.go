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
	// JobsSlow counts jobs still running after the queue's SlowJobAfter.
	JobsSlow *prometheus.CounterVec
	// JobsStuck counts jobs that did not return at their timeout.
	JobsStuck *prometheus.CounterVec
	// JobsResumed counts jobs a crash left running that were taken up
	// again: at startup (SQLite) or by River's rescuer (PostgreSQL).
	JobsResumed *prometheus.CounterVec
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
	m.JobsSlow = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "postmortem_bot_jobs_slow_total",
		Help: "Jobs still running longer than expected (half their timeout), by kind and handler.",
	}, []string{"kind", "handler"})
	m.JobsStuck = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "postmortem_bot_jobs_stuck_total",
		Help: "Jobs that did not stop at their timeout and keep a worker busy, by kind.",
	}, []string{"kind"})
	m.JobsResumed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "postmortem_bot_jobs_resumed_total",
		Help: "Jobs a crash left running that were taken up again, by kind and how (startup, rescued).",
	}, []string{"kind", "how"})
	reg.MustRegister(m.Deliveries, m.AckSeconds, m.Jobs, m.GitHubRequests)
	reg.MustRegister(m.JobsSlow, m.JobsStuck, m.JobsResumed)
	return m
}
