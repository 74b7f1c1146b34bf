package actions_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
)

const twoItems = `- [ ] Add a retry budget (owner: @alice, due: 2026-03-10, priority: P1)
- [ ] Alert on checkout errors (owner: @bob, due: 2026-04-20, priority: P2)`

func TestClosingAndReopeningItemUpdatesTrackingAndStatus(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	firstID := w.trackingComments()[0].ID

	w.closeItem(retry.Number)
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("- [x] #%d Add a retry budget", retry.Number)) || !strings.Contains(body, "1 of 2 closed: 0 fixed, 0 declined, 1 closed without a merged fix.") {
		t.Errorf("after closing, tracking comment:\n%s", body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 1") || !strings.Contains(st.Body, "| 1 | 0 | 0 | 1 |") {
		t.Errorf("after closing, status issue:\n%s", st.Body)
	}

	w.reopenItem(retry.Number)
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("- [ ] #%d Add a retry budget", retry.Number)) || !strings.Contains(body, "0 of 2 closed.") {
		t.Errorf("after reopening, tracking comment:\n%s", body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 2") {
		t.Errorf("after reopening, status issue:\n%s", st.Body)
	}
	if id := w.trackingComments()[0].ID; id != firstID {
		t.Errorf("tracking comment was reposted (%d, was %d), want it edited in place", id, firstID)
	}
}

func TestAllItemsClosedCompletesIncidentOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  close_incident_when_done: true\n")
	w.deliverMerge(t, path, postmortem(twoItems))
	for _, i := range w.actionIssues() {
		w.closeItem(i.Number)
	}
	// A redelivered close must not say it again.
	last := w.actionIssues()[1].Number
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, last, "alice", nil))
	w.WaitIdle()

	if n := len(w.commentsWith(w.incident, "corrective actions of this incident's postmortem are closed")); n != 1 {
		t.Errorf("%d completion comments, want exactly 1", n)
	}
	inc, _ := w.GitHub.Issue(owner, repo, w.incident)
	if !slices.Contains(inc.Labels, "postmortem-complete") || inc.State != "closed" {
		t.Errorf("incident: labels %v state %s, want postmortem-complete and closed", inc.Labels, inc.State)
	}
	if body := w.tracking(t); !strings.Contains(body, "2 of 2 closed: 0 fixed, 0 declined, 2 closed without a merged fix. All corrective actions are done.") {
		t.Errorf("tracking comment:\n%s", body)
	}
}

func TestClosedStatusIssueIsReplacedOnNextUpdate(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	first := w.openStatus(t)
	w.GitHub.CloseIssue(owner, repo, first.Number, "carol")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, first.Number, "carol", nil))
	w.WaitIdle()

	w.closeItem(w.issueTitled(t, "Add a retry budget").Number)
	second := w.openStatus(t)
	if second.Number == first.Number || !strings.Contains(second.Body, "**Open:** 1") {
		t.Errorf("status issue after the first was closed: #%d (first #%d):\n%s", second.Number, first.Number, second.Body)
	}
	if old, _ := w.GitHub.Issue(owner, repo, first.Number); old.State != "closed" {
		t.Errorf("the closed status issue was reopened")
	}
}

func TestDeletedStatusIssueIsReplacedOnNextUpdate(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	first := w.openStatus(t)
	// GitHub answers 410 Gone for a deleted issue; no webhook reached us.
	w.GitHub.FailNext(1, http.StatusGone, func(method, p string) bool {
		return method == http.MethodPatch && p == fmt.Sprintf("/repos/acme/shop/issues/%d", first.Number)
	})
	w.GitHub.CloseIssue(owner, repo, first.Number, "carol") // stands in for the deletion in listings
	w.closeItem(w.issueTitled(t, "Add a retry budget").Number)
	assertGone(t, w, first.Number)
	second := w.openStatus(t)
	if second.Number == first.Number || !strings.Contains(second.Body, "**Open:** 1") {
		t.Errorf("status issue after the first was deleted: #%d (first #%d):\n%s", second.Number, first.Number, second.Body)
	}
}

func TestReconciliationHealsAMissedWebhook(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	w.GitHub.CloseIssue(owner, repo, retry.Number, "alice") // the webhook never arrives

	w.run(t, actions.ReconcileArgs{})
	if body := w.tracking(t); !strings.Contains(body, fmt.Sprintf("- [x] #%d Add a retry budget", retry.Number)) {
		t.Errorf("tracking comment after reconciliation:\n%s", body)
	}
	if st := w.openStatus(t); !strings.Contains(st.Body, "**Open:** 1") {
		t.Errorf("status issue after reconciliation:\n%s", st.Body)
	}
}

func TestRemindersComeOncePerIntervalAndEscalate(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  reminder_interval_days: 7\n  escalate_after_days: 14\n  escalation_team: \"@acme/leads\"\n")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget") // due 2026-03-10
	alert := w.issueTitled(t, "Alert on checkout errors")
	reminders := func(n int) int { return len(w.commentsWith(n, "postmortem-bot:reminder")) }

	w.run(t, actions.RemindersArgs{}) // not due yet
	if reminders(retry.Number) != 0 {
		t.Fatalf("reminded before the due date")
	}
	w.Clock.Advance(7 * 24 * time.Hour) // 2026-03-11: one day overdue
	w.GitHub.SetClock(w.Clock.Now)
	w.run(t, actions.RemindersArgs{})
	w.run(t, actions.RemindersArgs{}) // the same day again
	if got := reminders(retry.Number); got != 1 {
		t.Fatalf("%d reminders on the overdue item, want 1", got)
	}
	if c := w.commentsWith(retry.Number, "postmortem-bot:reminder")[0]; !strings.Contains(c.Body, "@alice") {
		t.Errorf("reminder does not mention the owner:\n%s", c.Body)
	}
	if reminders(alert.Number) != 0 {
		t.Errorf("reminded on an item that is not overdue")
	}

	w.Clock.Advance(3 * 24 * time.Hour) // still within the interval
	w.run(t, actions.RemindersArgs{})
	if got := reminders(retry.Number); got != 1 {
		t.Fatalf("%d reminders within one interval, want 1", got)
	}
	w.Clock.Advance(4 * 24 * time.Hour) // 8 days overdue: next interval
	w.run(t, actions.RemindersArgs{})
	if got := reminders(retry.Number); got != 2 {
		t.Fatalf("%d reminders after a second interval, want 2", got)
	}

	status := w.openStatus(t)
	escalations := func() []string {
		var out []string
		for _, c := range w.commentsWith(status.Number, "@acme/leads") {
			out = append(out, c.Body)
		}
		return out
	}
	if len(escalations()) != 0 {
		t.Fatalf("escalated before escalate_after_days")
	}
	w.Clock.Advance(7 * 24 * time.Hour) // 15 days overdue
	w.run(t, actions.RemindersArgs{})
	w.run(t, actions.RemindersArgs{})
	got := escalations()
	if len(got) != 1 || !strings.Contains(got[0], fmt.Sprintf("#%d Add a retry budget", retry.Number)) {
		t.Fatalf("escalations on the status issue: %q, want exactly one naming #%d", got, retry.Number)
	}
}

func TestTwoItemsClosedAtOnceCompleteTheIncidentOnce(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  close_incident_when_done: true\n")
	w.deliverMerge(t, path, postmortem(twoItems))
	items := w.actionIssues()
	// One merged fix closes both issues: both webhooks arrive together.
	var payloads [][]byte
	for _, i := range items {
		w.GitHub.CloseIssue(owner, repo, i.Number, "alice")
		payloads = append(payloads, w.GitHub.IssueWebhook("closed", owner, repo, i.Number, "alice", nil))
	}
	var wg sync.WaitGroup
	for _, p := range payloads {
		wg.Add(1)
		go func() { defer wg.Done(); w.Deliver("issues", p) }()
	}
	wg.Wait()
	w.WaitIdle()

	if n := len(w.commentsWith(w.incident, "corrective actions of this incident's postmortem are closed")); n != 1 {
		t.Errorf("%d completion comments, want exactly 1", n)
	}
	if body := w.tracking(t); !strings.Contains(body, "2 of 2 closed: ") {
		t.Errorf("tracking comment after both closed:\n%s", body)
	}
}

// assertGone checks GitHub did answer 410 Gone for the status issue, so a
// test of a deleted issue did not pass through the closed-issue path alone.
func assertGone(t *testing.T, w *world, number int) {
	t.Helper()
	for _, r := range w.GitHub.Requests() {
		if r.Status == http.StatusGone && r.Path == fmt.Sprintf("/repos/acme/shop/issues/%d", number) {
			return
		}
	}
	t.Fatalf("GitHub never answered 410 for status issue #%d: the deletion was not exercised", number)
}
