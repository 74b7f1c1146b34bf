package lease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/lease"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
	"github.com/postmortem-bot/postmortem-bot/internal/store/storetest"
)

func TestLeaseIsExclusiveAndExpiresWithTheJobTimeout(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO pmbot_incidents (repo_id, number, installation_id, owner, name, updated_at)
		VALUES (1, 7, 1, 'acme', 'shop', 0)`); err != nil {
		t.Fatal(err)
	}
	row := lease.Row{Table: "pmbot_incidents", KeyCol: "number", RepoID: 1, Key: 7}
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

	release, err := lease.Take(ctx, db, row, now)
	if err != nil {
		t.Fatalf("first take: %v", err)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		busy bool
	}{
		{"while held", now.Add(time.Second), true},
		{"just before the job timeout", now.Add(queue.JobTimeout - time.Second), true},
		{"once the job that took it has timed out", now.Add(queue.JobTimeout + time.Second), false},
	} {
		rel, err := lease.Take(ctx, db, row, tc.at)
		if busy := errors.Is(err, lease.ErrBusy); busy != tc.busy || (!busy && err != nil) {
			t.Fatalf("%s: err %v, want busy %v", tc.name, err, tc.busy)
		}
		if rel != nil {
			defer rel()
		}
	}
	// The first holder's release after its lease was taken over changes nothing.
	release()
	if _, err := lease.Take(ctx, db, row, now.Add(queue.JobTimeout+2*time.Second)); !errors.Is(err, lease.ErrBusy) {
		t.Fatalf("a stale holder's release freed the new holder's lease: %v", err)
	}
}
