package store_test

import (
	"context"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/store"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

func TestMigrateTwiceIsANoOp(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t)
	for i := 0; i < 2; i++ {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Ready(ctx); err == nil {
			t.Fatal("Ready before Migrate must fail")
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate run %d: %v", i+1, err)
		}
		if err := db.Ready(ctx); err != nil {
			t.Fatalf("ready: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pmbot_schema_migrations WHERE version = ?`, 1).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("migration 1 recorded %d times", n)
		}
		if _, err := db.Exec(ctx, `SELECT COUNT(*) FROM river_job`); err != nil {
			t.Fatalf("river tables missing: %v", err)
		}
		db.Close()
	}
}

func TestRebindNumbersPlaceholdersOnPostgres(t *testing.T) {
	pg := &store.DB{Dialect: store.Postgres}
	if got := pg.Rebind("a = ? AND b = ?"); got != "a = $1 AND b = $2" {
		t.Fatalf("got %q", got)
	}
	lite := &store.DB{Dialect: store.SQLite}
	if got := lite.Rebind("a = ?"); got != "a = ?" {
		t.Fatalf("got %q", got)
	}
}
