package incident

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// indexEntry is one earlier incident in pmbot_related_index.
type indexEntry struct {
	Number         int
	IssueUpdatedAt int64
	Title, Text    string
	Labels, Files  []string
	Reverted       []string
	Postmortem     string
	IndexedAt      int64
}

// relatedIndex is the app's small index of earlier incidents, and its
// record of repeat incidents.
type relatedIndex struct{ db *store.DB }

func lines(list []string) string { return strings.Join(list, "\n") }

func unlines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (x relatedIndex) get(ctx context.Context, repoID int64, number int) (indexEntry, bool, error) {
	var e indexEntry
	var labels, files, reverted string
	err := x.db.QueryRow(ctx, `SELECT number, issue_updated_at, title, body_text, labels, files, reverted, postmortem_path, indexed_at
		FROM pmbot_related_index WHERE repo_id = ? AND number = ?`, repoID, number).
		Scan(&e.Number, &e.IssueUpdatedAt, &e.Title, &e.Text, &labels, &files, &reverted, &e.Postmortem, &e.IndexedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return indexEntry{}, false, nil
	}
	if err != nil {
		return indexEntry{}, false, fmt.Errorf("read the related-incident index for #%d: %w", number, err)
	}
	e.Labels, e.Files, e.Reverted = unlines(labels), unlines(files), unlines(reverted)
	return e, true, nil
}

func (x relatedIndex) put(ctx context.Context, repoID int64, e indexEntry) error {
	_, err := x.db.Exec(ctx, `INSERT INTO pmbot_related_index
		(repo_id, number, issue_updated_at, title, body_text, labels, files, reverted, postmortem_path, indexed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (repo_id, number) DO UPDATE SET issue_updated_at = excluded.issue_updated_at, title = excluded.title,
			body_text = excluded.body_text, labels = excluded.labels, files = excluded.files, reverted = excluded.reverted,
			postmortem_path = excluded.postmortem_path, indexed_at = excluded.indexed_at`,
		repoID, e.Number, e.IssueUpdatedAt, e.Title, e.Text, lines(e.Labels), lines(e.Files), lines(e.Reverted), e.Postmortem, e.IndexedAt)
	if err != nil {
		return fmt.Errorf("index incident #%d: %w", e.Number, err)
	}
	return nil
}

// noteRepeat records, once, that incident number repeats earlier.
// earlierRepo is "owner/name" when the earlier incident is in another
// repository; open names its open action-item issues ("#5", "o/r#5").
func (x relatedIndex) noteRepeat(ctx context.Context, repoID int64, number int, title, earlierRepo string, earlier int, open []string, at time.Time) error {
	_, err := x.db.Exec(ctx, `INSERT INTO pmbot_incident_repeats (repo_id, number, title, earlier_repo, earlier, open_actions, noted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, number) DO NOTHING`,
		repoID, number, title, earlierRepo, earlier, strings.Join(open, " "), at.Unix())
	if err != nil {
		return fmt.Errorf("record incident #%d as a repeat of #%d: %w", number, earlier, err)
	}
	return nil
}

// repeatMetrics exports the repeat incidents recorded, counted from the
// database at scrape time (so redeliveries and retries never count twice).
type repeatMetrics struct {
	db   *store.DB
	desc *prometheus.Desc
}

func newRepeatMetrics(db *store.DB) *repeatMetrics {
	return &repeatMetrics{db: db, desc: prometheus.NewDesc("postmortem_bot_repeat_incidents",
		"Incidents declared while an earlier incident that looks like the same failure still had open corrective actions.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (m *repeatMetrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.desc }

// Collect implements prometheus.Collector.
func (m *repeatMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var n int64
	if err := m.db.QueryRow(ctx, `SELECT COUNT(*) FROM pmbot_incident_repeats`).Scan(&n); err != nil {
		ch <- prometheus.NewInvalidMetric(m.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, float64(n))
}
