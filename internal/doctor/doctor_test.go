package doctor

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

type pokeArgs struct{ N int }

func (pokeArgs) Kind() string { return "doctor_test_poke" }

// TestJobsListsWorkStuckOrGivenUpOn: a job left running past its timeout
// and a job discarded are both named, with the discarded one's last error;
// a database with neither says so.
func TestJobsListsWorkStuckOrGivenUpOn(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	r := &report{w: &out}
	checkJobs(ctx, r, db)
	if !strings.Contains(out.String(), "ok    jobs: none running past their timeout") {
		t.Errorf("empty job table:\n%s", out.String())
	}

	jobs, err := queue.New(db, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stuck, err := jobs.Insert(ctx, pokeArgs{N: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lost, err := jobs.Insert(ctx, pokeArgs{N: 2}, &river.InsertOpts{MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	// What a crash mid-job and a job that failed for good leave behind.
	if _, err := db.SQL.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = datetime('now', '-5 minutes') WHERE id = ?`, stuck.Job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.ExecContext(ctx, `UPDATE river_job SET state = 'discarded', attempt = 3,
		finalized_at = datetime('now', '-1 hour'),
		errors = json_array(json_object('at', '2026-11-27T10:00:00Z', 'attempt', 3, 'error', 'open postmortem PR for acme/payments#7: 502 Bad Gateway', 'trace', ''))
		WHERE id = ?`, lost.Job.ID); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	r = &report{w: &out}
	checkJobs(ctx, r, db)
	got := out.String()
	for _, want := range []string{
		"warn  jobs: 1 running past their 10s timeout",
		"doctor_test_poke #1 (attempt 1 of 12, running since",
		"warn  jobs: 1 given up on in the last 7 days",
		"doctor_test_poke #2 (attempt 3 of 3, last error: open postmortem PR for acme/payments#7: 502 Bad Gateway)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, got)
		}
	}
	if r.failed {
		t.Errorf("troubled jobs are warnings, not failures:\n%s", got)
	}
}
