package server_test

import (
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// TestTwoReplicasSharingPostgresDoEachDeliveryOnce runs two servers on one
// PostgreSQL database, as two replicas behind a load balancer would, and
// sends every delivery to both at once.
func TestTwoReplicasSharingPostgresDoEachDeliveryOnce(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs TEST_DATABASE_URL (PostgreSQL): several replicas are a PostgreSQL setup")
	}
	a := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	b := servertest.Start(t, servertest.Options{Features: withAcknowledger, GitHub: a.GitHub, DatabaseURL: a.DatabaseURL, Clock: a.Clock})
	n, body := seed(t, a.GitHub)

	const deliveries = 10
	var wg sync.WaitGroup
	for i := 0; i < deliveries; i++ {
		id := servertest.NewDeliveryID()
		for _, h := range []*servertest.Harness{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if resp := h.DeliverAs("issues", id, body); resp.StatusCode != http.StatusAccepted {
					t.Errorf("status %d, want 202", resp.StatusCode)
				}
			}()
		}
	}
	wg.Wait()
	a.WaitIdle()
	b.WaitIdle()
	if c := botComments(a.GitHub, n); len(c) != deliveries {
		t.Fatalf("%d deliveries sent to two replicas: %d comments, want %d", deliveries, len(c), deliveries)
	}
}
