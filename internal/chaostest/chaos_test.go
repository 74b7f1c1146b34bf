package chaostest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

// The long run: go test ./internal/chaostest -chaos.long (or CHAOS_LONG=1),
// with TEST_DATABASE_URL for PostgreSQL. CHAOS_SEED=n runs that seed alone,
// CHAOS_DB=sqlite or postgres that database alone.
var long = flag.Bool("chaos.long", os.Getenv("CHAOS_LONG") != "", "run the long chaos test: 10 seeds on SQLite and PostgreSQL")

// TestChaos runs the server through one seeded run of faults and crashes
// and fails on any duplicated or missing effect, or on effects that are
// not all there within a minute of the last fault and restart.
func TestChaos(t *testing.T) {
	seed := uint64(1)
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED: %v", err)
		}
		seed = n
	}
	p := plan{Seed: seed, Incidents: 4, Crashes: 2, Faults: 6 * time.Second}
	dbURL := storetest.URL(t)
	chaos(t, p, dbURL, strings.HasPrefix(dbURL, "postgres"))
}

// TestChaosLong is ten seeds on each database, with more incidents, three
// crashes per run and longer faults.
func TestChaosLong(t *testing.T) {
	if !*long {
		t.Skip("the long chaos run needs -chaos.long or CHAOS_LONG=1")
	}
	dbs := []string{"sqlite"}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbs = append(dbs, "postgres")
	} else {
		t.Log("TEST_DATABASE_URL is not set: PostgreSQL is not run")
	}
	for _, db := range dbs {
		if only := os.Getenv("CHAOS_DB"); only != "" && only != db {
			continue
		}
		t.Run(db, func(t *testing.T) {
			for seed := uint64(1); seed <= 10; seed++ {
				if only := os.Getenv("CHAOS_SEED"); only != "" && only != strconv.FormatUint(seed, 10) {
					continue
				}
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
					t.Parallel()
					p := plan{Seed: seed, Incidents: 6, Crashes: 3, Faults: 12 * time.Second}
					if db == "postgres" {
						chaos(t, p, storetest.URL(t), true)
					} else {
						chaos(t, p, "sqlite://"+filepath.Join(t.TempDir(), "chaos.db"), false)
					}
				})
			}
		})
	}
}

func chaos(t *testing.T, p plan, dbURL string, pg bool) {
	r := newRun(t, p, dbURL, pg)
	res := r.exec()
	db := "sqlite"
	if pg {
		db = "postgres"
	}
	t.Logf("%s seed %d: %d incidents, %d crashes (%d left a job running), %d faults; every effect present %s after the last restart, %s after the last fault and restart",
		db, p.Seed, p.Incidents, res.crashes, res.midJob, res.faults, res.settledAfterRestart.Round(100*time.Millisecond), res.settledAfterLastFault.Round(100*time.Millisecond))
	failed := false
	if len(res.duplicated) > 0 {
		t.Errorf("duplicated effects (seed %d):\n  %s", p.Seed, strings.Join(res.duplicated, "\n  "))
		failed = true
	}
	if len(res.missing) > 0 {
		t.Errorf("missing effects (seed %d):\n  %s", p.Seed, strings.Join(res.missing, "\n  "))
		failed = true
	}
	if res.settledAfterRestart < 0 {
		t.Errorf("effects were not all present within %s of the last fault and restart (seed %d)", settleWithin, p.Seed)
		failed = true
	} else if min(res.settledAfterRestart, res.settledAfterLastFault) > settleWithin {
		t.Errorf("effects took %s after the last restart, %s after the last fault; want at most %s after both", res.settledAfterRestart, res.settledAfterLastFault, settleWithin)
		failed = true
	}
	if res.crashes < p.Crashes {
		t.Errorf("only %d of %d planned crashes happened (seed %d)", res.crashes, p.Crashes, p.Seed)
		failed = true
	}
	if failed || testing.Verbose() {
		t.Logf("run (seed %d):\n%s", p.Seed, strings.Join(r.trace, "\n"))
	}
	if failed {
		t.Logf("jobs not completed:\n%s", strings.Join(r.unfinished(), "\n"))
	}
}
