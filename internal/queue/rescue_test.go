package queue

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

// sleepArgs is a job that takes its time, or until its context ends.
type sleepArgs struct {
	For time.Duration `json:"for"`
}

func (sleepArgs) Kind() string { return "queue_test_sleep" }

type sleepWorker struct {
	river.WorkerDefaults[sleepArgs]
}

func (sleepWorker) Work(ctx context.Context, job *river.Job[sleepArgs]) error {
	select {
	case <-time.After(job.Args.For):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func newTestClient(t *testing.T, db *store.DB, m *metrics.Metrics, workers int) Client {
	t.Helper()
	w := river.NewWorkers()
	river.AddWorker(w, sleepWorker{})
	c, err := New(db, Options{Workers: w, MaxWorkers: workers, RetryBase: 50 * time.Millisecond,
		PollInterval: 100 * time.Millisecond, Metrics: m, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// crashWhileRunning leaves a job as a process killed in the middle of it
// does: marked running, attempted just now, by a client that is gone; on
// PostgreSQL the dead process also still holds River's leadership until it
// expires.
func crashWhileRunning(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	var err error
	if db.Dialect == store.Postgres {
		_, err = db.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now(),
			attempted_by = ARRAY['crashed-replica'] WHERE id = ?`, id)
		if err == nil {
			_, err = db.Exec(ctx, `INSERT INTO river_leader (elected_at, expires_at, leader_id, name)
				VALUES (now(), now() + interval '15 seconds', 'crashed-replica', 'default')`)
		}
	} else {
		_, err = db.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
			attempted_at = datetime('now', 'subsec') WHERE id = ?`, id)
	}
	if err != nil {
		t.Fatalf("leave job %d running: %v", id, err)
	}
}

// TestJobLeftRunningByACrashCompletesWithinAMinute measures how long after a
// restart a job a crash interrupted completes: at once on SQLite (the new
// process resumes every running job), within River's rescue window on
// PostgreSQL (where a running job may belong to a live replica).
func TestJobLeftRunningByACrashCompletesWithinAMinute(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	inserter := newTestClient(t, db, nil, 0)
	res, err := inserter.Insert(ctx, sleepArgs{For: 10 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	crashWhileRunning(t, db, res.Job.ID)

	m := metrics.New()
	c := newTestClient(t, db, m, 2)
	restarted := time.Now()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	var job *rivertype.JobRow
	for time.Since(restarted) < 90*time.Second {
		list, err := c.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateCompleted, rivertype.JobStateDiscarded))
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Jobs) == 1 {
			job = list.Jobs[0]
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	took := time.Since(restarted)
	if job == nil {
		t.Fatalf("the job a crash left running did not finish within 90s of the restart")
	}
	t.Logf("%s: the job a crash left running completed %s after the restart", db.Dialect, took.Round(100*time.Millisecond))
	if job.State != rivertype.JobStateCompleted || job.Attempt != 2 {
		t.Errorf("job ended %s on attempt %d, want completed on attempt 2", job.State, job.Attempt)
	}
	limit := time.Minute
	if db.Dialect == store.SQLite {
		limit = 5 * time.Second
	}
	if took > limit {
		t.Errorf("recovery took %s, want under %s", took, limit)
	}
	if got := total(t, m, "postmortem_bot_jobs_resumed_total"); got != 1 {
		t.Errorf("postmortem_bot_jobs_resumed_total = %v, want 1", got)
	}
}

func TestCrashDuringLastAttemptDiscardsTheJobOnSQLite(t *testing.T) {
	db := openDB(t)
	if db.Dialect != store.SQLite {
		t.Skip("the startup resume is SQLite's; PostgreSQL leaves it to River's rescuer")
	}
	ctx := context.Background()
	inserter := newTestClient(t, db, nil, 0)
	res, err := inserter.Insert(ctx, sleepArgs{}, &river.InsertOpts{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	crashWhileRunning(t, db, res.Job.ID)
	m := metrics.New()
	if err := resumeOrphans(ctx, db, m, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	list, err := inserter.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded))
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Jobs) != 1 || list.Jobs[0].FinalizedAt == nil {
		t.Fatalf("discarded jobs = %+v, want the one whose last attempt crashed", list.Jobs)
	}
	if got := total(t, m, "postmortem_bot_jobs_total"); got != 1 {
		t.Errorf("discarded count = %v, want 1", got)
	}
}

func TestSlowJobIsLoggedAndCountedWhileItRuns(t *testing.T) {
	logs := &syncWriter{b: &strings.Builder{}}
	m := metrics.New()
	w := &watchdog{metrics: m, log: zerolog.New(logs), slowAfter: 50 * time.Millisecond}
	job := &rivertype.JobRow{ID: 7, Kind: "queue_test_sleep", Attempt: 1, EncodedArgs: []byte(`{}`)}
	sawCount := 0.0
	err := w.Work(context.Background(), job, func(context.Context) error {
		time.Sleep(200 * time.Millisecond)
		sawCount = total(t, m, "postmortem_bot_jobs_slow_total")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sawCount != 1 {
		t.Errorf("postmortem_bot_jobs_slow_total while the job ran = %v, want 1", sawCount)
	}
	if !strings.Contains(logs.String(), "running longer than expected") || !strings.Contains(logs.String(), `"job_id":7`) {
		t.Errorf("no log line for the slow job:\n%s", logs.String())
	}

	// A quick job is neither logged nor counted.
	logs.Reset()
	if err := w.Work(context.Background(), job, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if got := total(t, m, "postmortem_bot_jobs_slow_total"); got != 1 || logs.Len() != 0 {
		t.Errorf("a quick job changed the slow count to %v or logged %q", got, logs.String())
	}
}

func TestRescuedJobRetriesAtOnceOthersBackOff(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	for _, tc := range []struct {
		name      string
		attempted *time.Time
		atOnce    bool
	}{
		{"failed quickly", at(time.Second), false},
		{"timed out", at(JobTimeout), false},
		{"rescued after a crash", at(rescueAfter), true},
		{"never attempted", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := retryRescuedAtOnce(&rivertype.JobRow{Attempt: 1, AttemptedAt: tc.attempted}, now)
			if ok != tc.atOnce || (ok && !got.Equal(now)) {
				t.Errorf("retryRescuedAtOnce = %v, %v; want at once: %v", got, ok, tc.atOnce)
			}
		})
	}
	if rescueAfter <= JobTimeout || rescueAfter+30*time.Second > 65*time.Second {
		t.Errorf("rescueAfter %s must exceed JobTimeout %s and leave River's 30s rescuer interval within a minute", rescueAfter, JobTimeout)
	}
}

// syncWriter guards a builder written from a timer goroutine.
type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (w *syncWriter) Len() int { return len(w.String()) }

func (w *syncWriter) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Reset()
}

// total sums every series of a counter on the registry.
func total(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			sum += s.GetCounter().GetValue()
		}
	}
	return sum
}

// TestJobTimeoutStopsAJob runs a job that would take longer than
// JobTimeout: River cancels its context at the timeout, the attempt ends
// with the deadline error and the job is retried.
func TestJobTimeoutStopsAJob(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for JobTimeout")
	}
	t.Parallel()
	db := openDB(t)
	ctx := context.Background()
	c := newTestClient(t, db, nil, 1)
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.StopAndCancel(context.Background()) })
	started := time.Now()
	res, err := c.Insert(ctx, sleepArgs{For: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for time.Since(started) < JobTimeout+10*time.Second {
		list, err := c.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateRetryable, rivertype.JobStateAvailable, rivertype.JobStateRunning))
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range list.Jobs {
			if j.ID == res.Job.ID && len(j.Errors) > 0 {
				took := time.Since(started)
				if !strings.Contains(j.Errors[0].Error, "deadline exceeded") || took < JobTimeout {
					t.Fatalf("the attempt ended after %s with %q, want the job timeout (%s)", took, j.Errors[0].Error, JobTimeout)
				}
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("a job sleeping an hour was not stopped within %s", JobTimeout+10*time.Second)
}

// TestOverdueJobsAreVisibleInMetrics leaves a job marked running for longer
// than the timeout, as a crashed replica does on PostgreSQL until River's
// rescuer takes it: /metrics counts it until it is taken up again.
func TestOverdueJobsAreVisibleInMetrics(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	inserter := newTestClient(t, db, nil, 0)
	res, err := inserter.Insert(ctx, sleepArgs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	crashWhileRunning(t, db, res.Job.ID)
	m := metrics.New()
	newTestClient(t, db, m, 1) // not started: nothing takes the job up yet
	if got := gauge(t, m, "postmortem_bot_jobs_overdue"); got != 0 {
		t.Fatalf("a job running for less than the timeout counts as overdue: %v", got)
	}
	ago := time.Now().Add(-JobTimeout - time.Second).UTC()
	if db.Dialect == store.Postgres {
		_, err = db.Exec(ctx, `UPDATE river_job SET attempted_at = ? WHERE id = ?`, ago, res.Job.ID)
	} else {
		_, err = db.Exec(ctx, `UPDATE river_job SET attempted_at = ? WHERE id = ?`, ago.Format("2006-01-02 15:04:05.000"), res.Job.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := gauge(t, m, "postmortem_bot_jobs_overdue"); got != 1 {
		t.Errorf("postmortem_bot_jobs_overdue = %v, want 1", got)
	}
}

// gauge sums every series of a gauge on the registry.
func gauge(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() == name {
			for _, s := range f.GetMetric() {
				sum += s.GetGauge().GetValue()
			}
		}
	}
	return sum
}
