package check_test

import (
	"fmt"
	"testing"
)

// The delivery id that de-duplicates webhooks is not covered by their
// signature: a captured body replayed under fresh ids must not publish more
// check runs than the one its content calls for.
func TestReplayedPullRequestBodyPublishesOneRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	body := h.GitHub.PullRequestWebhook("opened", owner, repo, n, "alice")
	for i := range 20 {
		if resp := h.DeliverAs("pull_request", fmt.Sprintf("replay-%d", i), body); resp.StatusCode >= 300 {
			t.Fatalf("delivery %d answered %d", i, resp.StatusCode)
		}
		if i%5 == 4 {
			h.WaitIdle()
		}
	}
	h.WaitIdle()
	onlyRun(t, h, sha)
}

// A re-run request publishes a fresh run once; the same signed request
// replayed under new delivery ids publishes nothing more.
func TestReplayedRerunRequestPublishesOneFreshRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)
	first := onlyRun(t, h, sha)

	for name, body := range map[string][]byte{
		"check_suite": h.GitHub.CheckSuiteWebhook(owner, repo, sha),
		"check_run":   h.GitHub.CheckRunWebhook(owner, repo, first.ID, "alice"),
	} {
		before := len(h.GitHub.CheckRuns(owner, repo, sha))
		for i := range 20 {
			h.DeliverAs(name, fmt.Sprintf("%s-replay-%d", name, i), body)
			if i%5 == 4 {
				h.WaitIdle()
			}
		}
		h.WaitIdle()
		if got := len(h.GitHub.CheckRuns(owner, repo, sha)) - before; got != 1 {
			t.Errorf("%s re-run request replayed 20 times published %d fresh runs, want 1", name, got)
		}
	}
}
