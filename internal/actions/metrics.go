package actions

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// itemMetrics exports open and overdue action items (counted from the
// database at scrape time) and how long items took to close.
type itemMetrics struct {
	h           *Handler
	open        *prometheus.Desc
	overdue     *prometheus.Desc
	timeToClose prometheus.Histogram
}

func newItemMetrics(h *Handler) *itemMetrics {
	return &itemMetrics{
		h:       h,
		open:    prometheus.NewDesc("postmortem_bot_action_items_open", "Action-item issues that are open.", nil, nil),
		overdue: prometheus.NewDesc("postmortem_bot_action_items_overdue", "Open action-item issues past their due date.", nil, nil),
		timeToClose: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "postmortem_bot_action_item_time_to_close_seconds",
			Help:    "Time from an action item's issue being tracked to its closing.",
			Buckets: []float64{86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 60 * 86400, 90 * 86400, 180 * 86400},
		}),
	}
}

func (m *itemMetrics) register(reg prometheus.Registerer) error {
	if err := reg.Register(m.timeToClose); err != nil {
		return err
	}
	return reg.Register(m)
}

// Describe implements prometheus.Collector.
func (m *itemMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.open
	ch <- m.overdue
}

// Collect implements prometheus.Collector.
func (m *itemMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var open, overdue int64
	err := m.h.env.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0)
		FROM pmbot_action_items WHERE state = ? AND removed_at = 0`, m.h.env.Clock.Now().Unix(), stateOpen).Scan(&open, &overdue)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.open, err)
		ch <- prometheus.NewInvalidMetric(m.overdue, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(m.open, prometheus.GaugeValue, float64(open))
	ch <- prometheus.MustNewConstMetric(m.overdue, prometheus.GaugeValue, float64(overdue))
}

func (m *itemMetrics) observeClose(it actionItem, closedAt, now time.Time) {
	if closedAt.IsZero() {
		closedAt = now
	}
	if d := closedAt.Sub(it.CreatedAt); d >= 0 {
		m.timeToClose.Observe(d.Seconds())
	}
}
