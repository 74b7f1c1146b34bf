package actions_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// The shipped server (every product feature, production pacing) turns a
// merged postmortem into issues.
func TestShippedServerTracksActionItemsOfAMergedPostmortem(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	h.GitHub.SetClock(h.Clock.Now)
	h.GitHub.AddInstallation(1, owner)
	h.GitHub.AddRepo(owner, repo)
	h.GitHub.SetPermission(owner, repo, "alice", "write")
	w := &world{Harness: h, incident: h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout outage", Author: "alice"})}
	w.deliverMerge(t, path, postmortem(twoItems))

	if n := len(w.actionIssues()); n != 2 {
		t.Fatalf("%d action-item issues, want 2", n)
	}
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("#%d Add a retry budget", w.issueTitled(t, "Add a retry budget").Number)) {
		t.Errorf("tracking comment:\n%s", body)
	}
	if got := h.Metric("postmortem_bot_action_items_open "); len(got) != 1 || got[0] != "postmortem_bot_action_items_open 2" {
		t.Errorf("open metric: %q", got)
	}
}
