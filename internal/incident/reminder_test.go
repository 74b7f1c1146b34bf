package incident_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/incident"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
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

// closedIncidentIn opens, labels and closes an incident in repository name
// (its postmortem pull request opened) and returns its number.
func closedIncidentIn(t *testing.T, h *servertest.Harness, name string) int {
	t.Helper()
	gh := h.GitHub
	n := gh.CreateIssue(owner, name, fakegithub.IssueSeed{Title: "Search is down", Body: "Alert: search errors.",
		Labels: []string{"sev1", "incident"}, Assignees: []string{"mkaur"}, Author: "pagerbot"})
	deliver(t, h, "issues", gh.IssueWebhook("labeled", owner, name, n, "mkaur", nil))
	h.WaitIdle()
	gh.CloseIssue(owner, name, n, "mkaur")
	deliver(t, h, "issues", gh.IssueWebhook("closed", owner, name, n, "mkaur", nil))
	h.WaitIdle()
	if len(gh.Pulls(owner, name)) != 1 {
		t.Fatalf("%s/%s: the incident got no postmortem pull request", owner, name)
	}
	return n
}

// The hourly sweep queues one job per repository: a broken policy cancels
// that repository's job only, and a second sweep the same hour queues none.
func TestReminderSweepRunsOneJobPerRepositoryAndCancelsOnlyTheBrokenOne(t *testing.T) {
	h := start(t)
	const broken = "search"
	h.GitHub.AddRepo(owner, broken)
	h.GitHub.SetPermission(owner, broken, "mkaur", "write")
	shopN := closedIncidentIn(t, h, repo)
	brokenN := closedIncidentIn(t, h, broken)
	h.GitHub.CommitFile(owner, broken, "main", ".github/postmortem.yml", []byte("postmortem: [\n"), "break the policy")

	h.Clock.Advance(6 * 24 * time.Hour) // past due in both
	runReminders(t, h)
	runReminders(t, h) // the same hour again
	if got := reminders(h, shopN); got != 1 {
		t.Errorf("%d reminders in %s/%s, want 1", got, owner, repo)
	}
	for _, c := range h.GitHub.Comments(owner, broken, brokenN) {
		if strings.Contains(c.Body, "<!-- postmortem-bot:reminder -->") {
			t.Errorf("reminded in %s/%s although its policy is broken", owner, broken)
		}
	}

	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		t.Fatal(err)
	}
	byRepo := map[string][]*rivertype.JobRow{}
	for _, j := range jobs {
		var args incident.ReminderArgs
		if j.Kind == (incident.ReminderArgs{}).Kind() && json.Unmarshal(j.EncodedArgs, &args) == nil && args.Repo != nil {
			byRepo[args.Repo.Name] = append(byRepo[args.Repo.Name], j)
		}
	}
	want := map[string]rivertype.JobState{repo: rivertype.JobStateCompleted, broken: rivertype.JobStateCancelled}
	if len(byRepo) != len(want) {
		t.Errorf("reminder jobs for %d repositories, want %d", len(byRepo), len(want))
	}
	for name, state := range want {
		js := byRepo[name]
		if len(js) != 1 || js[0].State != state || js[0].Priority != queue.PriorityBackground {
			for _, j := range js {
				t.Logf("%s: %s priority %d", name, j.State, j.Priority)
			}
			t.Errorf("%s/%s: %d reminder jobs, want one %s at priority %d", owner, name, len(js), state, queue.PriorityBackground)
		}
	}
}
