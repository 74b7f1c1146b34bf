package server_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/server"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
	"github.com/postmortem-bot/postmortem-bot/internal/webhook"
)

// post sends a webhook whose body comes from r, with the given headers.
func post(t *testing.T, url, eventType, signature string, body io.Reader, length int64) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+server.WebhookPath, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Delivery", servertest.NewDeliveryID())
	if eventType != "" {
		req.Header.Set("X-GitHub-Event", eventType)
	}
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	return http.DefaultClient.Do(req)
}

// endless is a body that never ends, unless the server stops reading it.
type endless struct{ read atomic.Int64 }

func (e *endless) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	for i := range p {
		p[i] = ' '
	}
	e.read.Add(int64(len(p)))
	return len(p), nil
}

func TestRequestsRefusedFromTheirHeadersAreAnsweredWithoutReadingTheBody(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	cases := []struct {
		name, event, signature string
		want                   int
	}{
		{"unsigned", "issues", "", http.StatusUnauthorized},
		{"malformed signature", "issues", "sha256=nothex", http.StatusUnauthorized},
		{"event nothing reads", "star", "", http.StatusOK},
		{"no event header", "", servertest.Sign(servertest.Secret, []byte("{}")), http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := &endless{}
			done := make(chan struct{})
			var resp *http.Response
			var err error
			go func() {
				defer close(done)
				resp, err = post(t, h.URL, tc.event, tc.signature, body, -1)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the server waited for a body it should have refused from the headers")
			}
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	// A declared size over GitHub's cap is refused before reading too.
	resp, err := post(t, h.URL, "issues", servertest.Sign(servertest.Secret, nil), io.LimitReader(&endless{}, webhook.MaxBody+1), webhook.MaxBody+1)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("declared oversize: status %d, want 413", resp.StatusCode)
		}
	}
}

// TestForgedBigBodiesDoNotExhaustMemory sends 20 concurrent 25 MB bodies
// with a wrong signature: each must be read to be judged, but only a
// bounded number are held at once; the rest are told to come back later.
// Before, every body was read whole first (740 MB for 20).
func TestForgedBigBodiesDoNotExhaustMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 500 MB over loopback")
	}
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	body := make([]byte, webhook.MaxBody-1024)
	_, _ = rand.Read(body)
	forged := servertest.Sign("not-the-secret", body)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()

	var wg sync.WaitGroup
	statuses := make([]int, 20)
	retryAfter := make([]string, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := post(t, h.URL, "issues", forged, bytes.NewReader(body), int64(len(body)))
			if err != nil {
				// The server may close a connection whose body it refused.
				statuses[i] = -1
				return
			}
			statuses[i] = resp.StatusCode
			retryAfter[i] = resp.Header.Get("Retry-After")
			resp.Body.Close()
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled

	// The test process holds the 25 MB body it sends; the server may hold
	// its 32 MB budget of unverified bytes, plus the HTTP buffers.
	const bound = 100 << 20
	if grew := int64(peak.Load()) - int64(base.HeapInuse); grew > bound {
		t.Errorf("heap grew by %d MB for 20 forged 25 MB bodies; bound %d MB", grew>>20, bound>>20)
	}
	t.Logf("heap grew by %d MB at most; statuses %v", (int64(peak.Load())-int64(base.HeapInuse))>>20, statuses)
	unauthorized := 0
	for i, s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			unauthorized++
		case http.StatusServiceUnavailable:
			if retryAfter[i] == "" {
				t.Errorf("request %d: 503 without Retry-After", i)
			}
		case -1:
		default:
			t.Errorf("request %d: status %d, want 401 or 503", i, s)
		}
	}
	if unauthorized == 0 {
		t.Error("no forged body was read and refused as forged")
	}
	if got := unfinished(t, h); got != 0 {
		t.Errorf("%d jobs stored for forged deliveries", got)
	}
	// And a genuine delivery still gets through afterwards.
	_, good := seed(t, h.GitHub)
	if resp := h.Deliver("issues", good); resp.StatusCode != http.StatusAccepted {
		t.Errorf("genuine delivery after the flood: status %d, want 202", resp.StatusCode)
	}
}

func TestPublicPortServesNoMetricsAndNoDatabaseErrors(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Features: withAcknowledger})
	h.Deliver("ping", h.GitHub.Webhook("ping", "", nil))
	if code, _ := h.Get("/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", code)
	}
	if code, body := h.GetAdmin("/metrics"); code != http.StatusOK || !strings.Contains(body, "postmortem_bot_webhook_ack_seconds") {
		t.Errorf("admin /metrics: %d, missing ack histogram", code)
	}
	// Break the database under the server.
	if err := h.Server.DB().SQL.Close(); err != nil {
		t.Fatal(err)
	}
	code, body := h.Get("/readyz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("public /readyz with a closed database: %d", code)
	}
	if strings.Contains(body, "sql") || !strings.Contains(body, "database unavailable") {
		t.Errorf("public /readyz leaks detail or gives no reason: %s", body)
	}
	code, body = h.GetAdmin("/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "closed") {
		t.Errorf("admin /readyz should give the reason: %d %s", code, body)
	}
}
