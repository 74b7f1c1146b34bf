package actions_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestFortyItemsUnderTheContentCreationLimitAllBecomeIssuesOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	// The limit's window runs on the wall clock so the job's snooze (real
	// Retry-After seconds) lets it pass.
	w.GitHub.SetClock(func() time.Time { return time.Now().UTC() })
	var items strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&items, "- [ ] Corrective action number %d (owner: @alice, priority: P2)\n", i)
	}
	w.GitHub.LimitContentCreation(10, 2*time.Second)
	start := time.Now()
	w.deliverMerge(t, path, postmortem(items.String()))

	issues := w.actionIssues()
	if len(issues) != 40 {
		t.Fatalf("%d action-item issues, want 40", len(issues))
	}
	titles := map[string]bool{}
	for _, i := range issues {
		titles[i.Title] = true
	}
	if len(titles) != 40 {
		t.Errorf("%d distinct titles among 40 issues: duplicates were opened", len(titles))
	}
	limited := 0
	for _, r := range w.GitHub.Requests() {
		if r.Status == 403 && r.Method == "POST" {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("the secondary limit never answered: the test does not exercise it")
	}
	body := w.tracking(t)
	if !strings.Contains(body, "0 of 40 closed.") {
		t.Errorf("tracking comment:\n%s", body)
	}
	t.Logf("40 issues in %s with %d rate-limited creations; %d POST /issues in all",
		time.Since(start).Round(time.Millisecond), limited, w.countPOSTIssues())
}
