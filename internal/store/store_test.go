package store_test

import (
	"context"
	"errors"
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

func TestDeliveryPayloadIsStoredOnceAndPruned(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDelivery(ctx, "d1", "issues", []byte(`{"a":1}`), 100); err != nil {
		t.Fatal(err)
	}
	// A redelivery keeps the first copy.
	if err := db.SaveDelivery(ctx, "d1", "issues", []byte(`{"a":2}`), 200); err != nil {
		t.Fatal(err)
	}
	got, err := db.DeliveryPayload(ctx, "d1")
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("payload = %q, %v", got, err)
	}
	if err := db.SaveDelivery(ctx, "d2", "issues", []byte(`{}`), 300); err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneDeliveries(ctx, 150)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if _, err := db.DeliveryPayload(ctx, "d1"); !errors.Is(err, store.ErrNoDelivery) {
		t.Fatalf("pruned payload still readable: %v", err)
	}
	if _, err := db.DeliveryPayload(ctx, "d2"); err != nil {
		t.Fatalf("recent payload pruned: %v", err)
	}
}
