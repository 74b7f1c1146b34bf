package incident_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// GitHub sometimes carries out a request and still answers 502 (a gateway
// timeout): the job cannot tell whether it created the thing. These tests
// lose the answer to each creating request and check the retry adopts what
// was created instead of creating it again.

func posting(path string) func(method, p string) bool {
	return func(method, p string) bool { return method == http.MethodPost && p == path }
}

// assertAnswerLost checks the fake did lose an answer, so the test covered
// what it says.
func assertAnswerLost(t *testing.T, h *servertest.Harness) {
	t.Helper()
	for _, r := range h.GitHub.Requests() {
		if r.Status == http.StatusBadGateway {
			return
		}
	}
	t.Fatal("no answer was lost: the step never ran")
}

func TestLostAnswerToEachStepStillGivesOneProposal(t *testing.T) {
	steps := map[string]func(method, path string) bool{
		"branch":  posting("/repos/acme/shop/git/refs"),
		"pull":    posting("/repos/acme/shop/pulls"),
		"comment": posting("/repos/acme/shop/issues/1/comments"),
		"labels":  func(m, p string) bool { return m == http.MethodPatch && p == "/repos/acme/shop/issues/2" },
		"draft": func(m, p string) bool {
			return m == http.MethodPut && strings.HasPrefix(p, "/repos/acme/shop/contents/postmortems/")
		},
	}
	for name, step := range steps {
		t.Run(name, func(t *testing.T) {
			h := start(t)
			n := openIncident(t, h, "sev1")
			h.GitHub.LoseNextResponse(1, http.StatusBadGateway, step)
			label(t, h, n)
			assertAnswerLost(t, h)
			onlyPull(t, h)
			var branches []string
			for _, b := range h.GitHub.Branches(owner, repo) {
				if strings.HasPrefix(b, "postmortem/") {
					branches = append(branches, b)
				}
			}
			if len(branches) != 1 {
				t.Errorf("postmortem branches = %v, want one", branches)
			}
			if c := botComments(h, n, "<!-- postmortem-bot:incident-pr -->"); len(c) != 1 {
				t.Errorf("incident comments = %d, want 1", len(c))
			}
			if files := postmortemsOn(h, branch, draftPath); len(files) != 1 {
				t.Errorf("the draft is not on the branch")
			}
			pr := onlyPull(t, h)
			if strings.Join(pr.Labels, ",") != "postmortem" || strings.Join(pr.Assignees, ",") != "mkaur" {
				t.Errorf("labels %v, assignees %v", pr.Labels, pr.Assignees)
			}
		})
	}
}

func TestLostAnswerToACommandReplyGivesOneReply(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	h.GitHub.LoseNextResponse(1, http.StatusBadGateway, posting("/repos/acme/shop/issues/1/comments"))
	id := command(t, h, n, "jdoe", "/postmortem")
	assertAnswerLost(t, h)
	if body := onlyReply(t, h, n, id); !strings.Contains(body, "is in #2") {
		t.Errorf("reply = %q", body)
	}
}

func TestLostAnswerToAReminderGivesOneReminder(t *testing.T) {
	h := start(t)
	n := overdueIncident(t, h)
	h.GitHub.LoseNextResponse(1, http.StatusBadGateway, posting("/repos/acme/shop/issues/1/comments"))
	runReminders(t, h)
	assertAnswerLost(t, h)
	runReminders(t, h)
	if got := reminders(h, n); got != 1 {
		t.Errorf("reminders = %d, want 1", got)
	}
	h.Clock.Advance(2*24*time.Hour + time.Minute)
	runReminders(t, h)
	if got := reminders(h, n); got != 2 {
		t.Errorf("reminders after another interval = %d, want 2", got)
	}
}

func TestRefusedReminderIsPostedByTheRetry(t *testing.T) {
	h := start(t)
	n := overdueIncident(t, h)
	h.GitHub.FailNext(1, http.StatusBadGateway, posting("/repos/acme/shop/issues/1/comments"))
	runReminders(t, h) // the failed attempt, then River's retry
	if got := reminders(h, n); got != 1 {
		t.Errorf("reminders = %d, want the retry's one", got)
	}
	// The incident comment, then the refused reminder and the retried one.
	if got := h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/issues/1/comments"); got != 3 {
		t.Errorf("comment posts = %d, want 3", got)
	}
}

// overdueIncident is a sev1 incident with its draft PR, closed and now an
// hour past its postmortem's due date (5 days after closing).
func overdueIncident(t *testing.T, h *servertest.Harness) int {
	t.Helper()
	n := openIncident(t, h, "sev1")
	label(t, h, n)
	h.GitHub.CloseIssue(owner, repo, n, "mkaur")
	deliver(t, h, "issues", h.GitHub.IssueWebhook("closed", owner, repo, n, "mkaur", nil))
	h.WaitIdle()
	h.Clock.Advance(5*24*time.Hour + time.Hour)
	return n
}
