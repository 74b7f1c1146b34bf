package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/queue"
)

// recordingWriter remembers each transaction; deliveries named "poison"
// fail any transaction they are in.
type recordingWriter struct {
	mu      sync.Mutex
	batches [][]string
	release chan struct{}
	entered chan struct{}
}

func (w *recordingWriter) WriteDeliveries(_ context.Context, batch []queue.StoredDelivery) error {
	if w.entered != nil {
		select {
		case w.entered <- struct{}{}:
		default:
		}
	}
	if w.release != nil {
		<-w.release
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var ids []string
	for _, d := range batch {
		ids = append(ids, d.ID)
	}
	w.batches = append(w.batches, ids)
	for _, id := range ids {
		if id == "poison" {
			return errors.New("constraint violated")
		}
	}
	return nil
}

func TestConcurrentDeliveriesShareATransactionAndCopiesAreWrittenOnce(t *testing.T) {
	w := &recordingWriter{release: make(chan struct{}), entered: make(chan struct{}, 1)}
	c := newCommitter(w, nil)
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(w.release) }) }
	defer c.close()
	defer release()
	// The first delivery holds the writer while the others queue up.
	results := make(chan error, 20)
	go func() { results <- c.store(context.Background(), queue.StoredDelivery{ID: "first"}) }()
	<-w.entered
	for i := 0; i < 19; i++ {
		id := fmt.Sprintf("d%d", i%10) // every id twice
		go func() { results <- c.store(context.Background(), queue.StoredDelivery{ID: id}) }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(c.pending) < 19 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d deliveries queued behind the first", len(c.pending))
		}
		time.Sleep(time.Millisecond)
	}
	release()
	for i := 0; i < 20; i++ {
		if err := <-results; err != nil {
			t.Errorf("store: %v", err)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	written := map[string]int{}
	for _, b := range w.batches {
		for _, id := range b {
			written[id]++
		}
	}
	for id, n := range written {
		if n != 1 {
			t.Errorf("delivery %s written %d times", id, n)
		}
	}
	if len(written) != 11 {
		t.Errorf("%d distinct deliveries written, want 11", len(written))
	}
	if len(w.batches) != 2 {
		t.Errorf("20 concurrent deliveries took %d transactions, want 2 (the first, then all that queued behind it)", len(w.batches))
	}
}

func TestOneBadDeliveryDoesNotFailItsBatch(t *testing.T) {
	w := &recordingWriter{}
	c := newCommitter(w, nil)
	defer c.close()
	err := c.commitForTest([]string{"a", "poison", "b"})
	if err["a"] != nil || err["b"] != nil {
		t.Errorf("good deliveries failed with the bad one: %v", err)
	}
	if err["poison"] == nil {
		t.Error("the bad delivery was reported stored")
	}
}

// commitForTest commits ids as one batch and returns each one's result.
func (c *committer) commitForTest(ids []string) map[string]error {
	batch := make([]*pendingDelivery, len(ids))
	for i, id := range ids {
		batch[i] = &pendingDelivery{d: queue.StoredDelivery{ID: id}, result: make(chan error, 1)}
	}
	c.commit(batch)
	out := map[string]error{}
	for _, p := range batch {
		out[p.d.ID] = <-p.result
	}
	return out
}
