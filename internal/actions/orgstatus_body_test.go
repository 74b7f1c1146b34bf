package actions

import (
	"strings"
	"testing"
	"time"
)

func TestOrgStatusBody(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	recent, old := now.Add(-10*24*time.Hour), now.Add(-200*24*time.Hour)
	repos := []repoItems{
		{Name: "acme/shop", Items: []actionItem{
			{Issue: 1, Owner: "@alice", AssignedLogin: "alice", State: stateOpen, Due: now.Add(-time.Hour), CreatedAt: recent},
			{Issue: 2, State: stateClosed, Closure: closure{As: closedDeclined}, CreatedAt: recent},
			{Issue: 3, State: stateClosed, CreatedAt: old},
			{Issue: 4, State: stateOpen, Removed: true, CreatedAt: recent},
		}, Repeats: []repeat{{Number: 9, Earlier: 3, EarlierRepo: "acme/web", Title: "Again @ceo", OpenActions: "acme/web#5"}}},
		{Name: "acme/web", Items: []actionItem{{Issue: 5, Owner: "@acme/sre", State: stateOpen, Due: now.Add(time.Hour), CreatedAt: recent}}},
	}
	body := orgStatusBody(repos, now)
	for _, want := range []string{
		"| acme/shop | 1 | 1 | 1 | 1 |",
		"| acme/web | 1 | 0 | 0 | 0 |",
		"| @alice | 1 | 1 |",
		"| @acme/sre | 1 | 0 |",
		"| acme/shop#9 Again @\u200dceo | acme/web#3 | acme/web#5 |",
		"1 of 3 corrective actions tracked in the last 90 days are closed (33%).",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("lacks %q:\n%s", want, body)
		}
	}
	if empty := orgStatusBody(nil, now); !strings.Contains(empty, "No corrective action was tracked in the last 90 days.") {
		t.Errorf("empty body:\n%s", empty)
	}
}
