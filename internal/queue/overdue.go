package queue

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
)

// overdueJobs counts, when /metrics is read, the jobs marked running for
// longer than JobTimeout: on PostgreSQL the ones a crashed replica left
// until River's rescuer takes them up again, anywhere a job that ignores
// its timeout. Normally zero.
type overdueJobs struct {
	jobs Client
	desc *prometheus.Desc
}

func registerOverdue(m *metrics.Metrics, jobs Client) error {
	o := &overdueJobs{jobs: jobs, desc: prometheus.NewDesc("postmortem_bot_jobs_overdue",
		"Jobs marked running for longer than the job timeout (left by a crash, or ignoring their timeout), by kind.",
		[]string{"kind"}, nil)}
	err := m.Registry.Register(o)
	if errors.As(err, new(prometheus.AlreadyRegisteredError)) {
		return nil
	}
	return err
}

func (o *overdueJobs) Describe(ch chan<- *prometheus.Desc) { ch <- o.desc }

func (o *overdueJobs) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	overdue, err := OverdueJobs(ctx, o.jobs, time.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(o.desc, err)
		return
	}
	byKind := map[string]int{}
	for _, j := range overdue {
		byKind[j.Kind]++
	}
	for kind, n := range byKind {
		ch <- prometheus.MustNewConstMetric(o.desc, prometheus.GaugeValue, float64(n), kind)
	}
}
