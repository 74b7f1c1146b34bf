package actions_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/incident"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

const fourItems = `- [ ] Add a retry budget (owner: @alice, due: 2026-03-10, priority: P1)
- [ ] Rewrite the cache layer (owner: @bob, due: 2026-04-20, priority: P2)
- [ ] Page the on-call on checkout errors (owner: @bob, due: 2026-04-20, priority: P2)
- [ ] Retire the v1 checkout (owner: @carol, due: 2026-04-20, priority: P3)`

// TestItemsShowFixedDeclinedAndClosedApart closes one item by merging a
// pull request that fixes it, declines one with the command (delivered
// twice), one by closing it as not planned with a comment, and closes one by
// hand: the tracking comment and the status issue tell the three apart.
func TestItemsShowFixedDeclinedAndClosedApart(t *testing.T) {
	t.Parallel()
	w := startBoth(t) // the command belongs to the incident feature
	w.deliverMerge(t, path, postmortem(fourItems))
	retry := w.issueTitled(t, "Add a retry budget")
	cache := w.issueTitled(t, "Rewrite the cache layer")
	page := w.issueTitled(t, "Page the on-call on checkout errors")
	retire := w.issueTitled(t, "Retire the v1 checkout")

	// Fixed: a pull request that closes it merges.
	w.GitHub.CommitFile(owner, repo, "retry-budget", "retry.go", []byte("package retry\n"), "Add a retry budget")
	fix := w.GitHub.OpenPullWithBody(owner, repo, "retry-budget", "main", "Add a retry budget", fmt.Sprintf("Fixes #%d", retry.Number), "alice")
	w.GitHub.MergePull(owner, repo, fix, "bob")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, retry.Number, "bob", nil))
	w.WaitIdle()

	// Declined with the command, by someone with write access; the
	// comment is delivered twice.
	cmd := w.GitHub.Comment(owner, repo, w.incident, "carol", fmt.Sprintf("/postmortem decline #%d the cache is replaced next quarter, ask @dave", cache.Number))
	for range 2 {
		w.Deliver("issue_comment", w.GitHub.IssueCommentWebhook(owner, repo, w.incident, cmd))
		w.WaitIdle()
	}
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, cache.Number, w.GitHub.BotLogin(), nil))
	w.WaitIdle()

	// Declined by hand: closed as not planned, the reason in a comment.
	w.GitHub.Comment(owner, repo, retire.Number, "carol", "v1 is switched off on Friday.")
	w.GitHub.CloseIssueAs(owner, repo, retire.Number, "carol", "not_planned")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, retire.Number, "carol", nil))
	w.WaitIdle()

	// Closed by hand, nothing merged.
	w.closeItem(page.Number)

	if i := w.issueTitled(t, "Rewrite the cache layer"); i.State != "closed" || i.StateReason != "not_planned" {
		t.Errorf("declined item's issue is %s (%s), want closed as not_planned", i.State, i.StateReason)
	}
	if notes := w.commentsWith(cache.Number, "Declined with `/postmortem decline`"); len(notes) != 1 {
		t.Errorf("%d decline notes on #%d, want exactly 1", len(notes), cache.Number)
	}
	if replies := w.commentsWith(w.incident, "Recorded: the corrective action"); len(replies) != 1 {
		t.Errorf("%d replies to the decline command, want exactly 1", len(replies))
	}
	body := w.tracking(t)
	for _, want := range []string{
		fmt.Sprintf("- [x] #%d Add a retry budget — @alice, due 2026-03-10 — **fixed** by #%d", retry.Number, fix),
		fmt.Sprintf("- [x] #%d Rewrite the cache layer — @bob, due 2026-04-20 — **declined** by carol: the cache is replaced next quarter, ask @\u200ddave", cache.Number),
		fmt.Sprintf("- [x] #%d Retire the v1 checkout — @carol, due 2026-04-20 — **declined** by carol: v1 is switched off on Friday.", retire.Number),
		fmt.Sprintf("- [x] #%d Page the on-call on checkout errors — @bob, due 2026-04-20 — **closed** without a merged fix", page.Number),
		"4 of 4 closed: 1 fixed, 2 declined, 1 closed without a merged fix. All corrective actions are done.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("tracking comment lacks %q:\n%s", want, body)
		}
	}
	st := w.openStatus(t)
	for _, want := range []string{"| 0 | 1 | 2 | 1 |", "### Declined", fmt.Sprintf("- #%d Retire the v1 checkout — **declined** by carol", retire.Number)} {
		if !strings.Contains(st.Body, want) {
			t.Errorf("status issue lacks %q:\n%s", want, st.Body)
		}
	}
}

// TestDeclinedItemsCanHoldTheIncidentOpen: with declined_count_as_done
// false, an incident whose last open item is declined is not complete.
func TestDeclinedItemsCanHoldTheIncidentOpen(t *testing.T) {
	t.Parallel()
	w := startBothWith(t, "action_items:\n  declined_count_as_done: false\n")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget")
	alert := w.issueTitled(t, "Alert on checkout errors")
	w.closeItem(retry.Number)
	w.GitHub.CloseIssueAs(owner, repo, alert.Number, "carol", "not_planned")
	w.Deliver("issues", w.GitHub.IssueWebhook("closed", owner, repo, alert.Number, "carol", nil))
	w.WaitIdle()
	body := w.tracking(t)
	if !strings.Contains(body, fmt.Sprintf("- [ ] #%d Alert on checkout errors", alert.Number)) || !strings.Contains(body, "Declined items do not count as done") {
		t.Errorf("tracking comment:\n%s", body)
	}
	if done := w.commentsWith(w.incident, "The follow-up is complete."); len(done) != 0 {
		t.Errorf("incident was declared complete with a declined item: %d completion comments", len(done))
	}
}

func startBoth(t *testing.T) *world { return startBothWith(t, "") }

// startBothWith runs the action-items and incident features together.
func startBothWith(t *testing.T, policyYAML string) *world {
	t.Helper()
	w := startWith(t, policyYAML, servertest.Options{Features: func(env *feature.Env) ([]feature.Feature, error) {
		return []feature.Feature{actions.NewWithOptions(env, actions.Options{}), incident.New(env)}, nil
	}})
	return w
}

// TestReconciliationReadsHowAMissedClosingHappened: an item's issue closed
// as not planned while no webhook reached the app is shown as declined
// after the daily reconciliation, with the reason from the closer's comment.
func TestReconciliationReadsHowAMissedClosingHappened(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	w.deliverMerge(t, path, postmortem(twoItems))
	alert := w.issueTitled(t, "Alert on checkout errors")
	w.GitHub.Comment(owner, repo, alert.Number, "carol", "The new dashboard covers it.")
	w.GitHub.CloseIssueAs(owner, repo, alert.Number, "carol", "not_planned")
	w.run(t, actions.ReconcileArgs{})
	want := fmt.Sprintf("- [x] #%d Alert on checkout errors — @bob, due 2026-04-20 — **declined** by carol: The new dashboard covers it.", alert.Number)
	if body := w.tracking(t); !strings.Contains(body, want) {
		t.Errorf("tracking comment lacks %q:\n%s", want, body)
	}
}
