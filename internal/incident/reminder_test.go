package incident_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/incident"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

func runReminders(t *testing.T, h *servertest.Harness) {
	t.Helper()
	if _, err := h.Server.Jobs().Insert(context.Background(), incident.ReminderArgs{}, nil); err != nil {
		t.Fatalf("insert reminder job: %v", err)
	}
	h.WaitIdle()
}

func reminders(h *servertest.Harness, n int) int {
	return len(botComments(h, n, "<!-- postmortem-bot:reminder -->"))
}

func TestOverduePostmortemGetsOneReminderPerInterval(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	h.GitHub.CloseIssue(owner, repo, n, "mkaur")
	deliver(t, h, "issues", h.GitHub.IssueWebhook("closed", owner, repo, n, "mkaur", nil))
	h.WaitIdle()
	c := botComments(h, n, "incident-pr")
	if len(c) != 1 || !strings.Contains(c[0].Body, "due on **2026-03-09**") {
		t.Fatalf("closing the incident did not restate the due date: %+v", c)
	}

	runReminders(t, h) // not due yet
	if got := reminders(h, n); got != 0 {
		t.Fatalf("reminders before the due date = %d", got)
	}
	h.Clock.Advance(5*24*time.Hour + time.Hour) // past due
	runReminders(t, h)
	runReminders(t, h) // same interval: nothing more
	if got := reminders(h, n); got != 1 {
		t.Fatalf("reminders after the due date = %d, want 1", got)
	}
	h.Clock.Advance(2*24*time.Hour + time.Minute) // the default interval is 2 days
	runReminders(t, h)
	if got := reminders(h, n); got != 2 {
		t.Fatalf("reminders after another interval = %d, want 2", got)
	}

	h.GitHub.MergePull(owner, repo, 2, "mkaur")
	h.Clock.Advance(3 * 24 * time.Hour)
	runReminders(t, h)
	if got := reminders(h, n); got != 2 {
		t.Errorf("reminders after the postmortem merged = %d, want still 2", got)
	}
}

func TestOpenIncidentIsNeverReminded(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	h.Clock.Advance(30 * 24 * time.Hour)
	runReminders(t, h)
	if got := reminders(h, n); got != 0 {
		t.Errorf("an open incident got %d reminders", got)
	}
}
