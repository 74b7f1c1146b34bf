package actions_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// Anyone who can comment can paste the app's hidden markers. These tests
// show that the app trusts a marker only in what its own bot wrote.

func TestSomeoneElsesMarkedCommentIsNotEditedIntoTheTrackingList(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	fake := "<!-- postmortem-bot:action-items-tracking -->\n### Corrective actions\n\nNothing to do here, all done."
	id := w.GitHub.Comment(owner, repo, w.incident, "mallory", fake)

	w.deliverMerge(t, path, postmortem(twoItems))

	bot := w.Server.BotLogin()
	var mine []fakegithub.Comment
	for _, c := range w.trackingComments() {
		switch {
		case c.ID == id:
			if c.Body != fake {
				t.Errorf("the app edited mallory's comment into its tracking list:\n%s", c.Body)
			}
		case c.Author == bot:
			mine = append(mine, c)
		}
	}
	if len(mine) != 1 || !strings.Contains(mine[0].Body, "0 of 2 closed.") {
		t.Fatalf("the app's own tracking comments: %+v, want exactly one listing both items", mine)
	}
}

func TestSomeoneElsesMarkedIssueIsNotAdoptedAsAnItemsIssue(t *testing.T) {
	t.Parallel()
	w := start(t, "")
	planted := w.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title: "Add a retry budget", Labels: []string{label}, Author: "mallory",
		Body: "<!-- postmortem-bot:action-item " + path + "#add-a-retry-budget -->\nalready handled, nothing to see",
	})

	w.deliverMerge(t, path, postmortem(twoItems))

	bot := w.Server.BotLogin()
	var opened []fakegithub.Issue
	for _, i := range w.actionIssues() {
		if i.Title == "Add a retry budget" && i.Author == bot {
			opened = append(opened, i)
		}
	}
	if len(opened) != 1 {
		t.Fatalf("the app opened %d issues for the item, want 1 of its own (mallory's #%d is not the item's)", len(opened), planted)
	}
	if body := w.tracking(t); strings.Contains(body, fmt.Sprintf("#%d ", planted)) || !strings.Contains(body, fmt.Sprintf("#%d Add a retry budget", opened[0].Number)) {
		t.Errorf("the tracking list follows mallory's issue #%d instead of the app's #%d:\n%s", planted, opened[0].Number, body)
	}
}

func TestSomeoneElsesMarkersDoNotSuppressRemindersOrEscalation(t *testing.T) {
	t.Parallel()
	w := start(t, "action_items:\n  reminder_interval_days: 7\n  escalate_after_days: 14\n  escalation_team: \"@acme/leads\"\n")
	w.deliverMerge(t, path, postmortem(twoItems))
	retry := w.issueTitled(t, "Add a retry budget") // due 2026-03-10
	status := w.openStatus(t)
	// Markers for the reminder and escalation intervals to come, planted
	// in advance where the app would look for its own.
	w.GitHub.Comment(owner, repo, retry.Number, "mallory", "<!-- postmortem-bot:reminder 2026-03-10/0 -->\n<!-- postmortem-bot:reminder 2026-03-10/1 -->")
	w.GitHub.Comment(owner, repo, status.Number, "mallory", fmt.Sprintf("<!-- postmortem-bot:escalation #%d 2026-03-10/0 -->", retry.Number))

	w.Clock.Advance(7 * 24 * time.Hour) // one day overdue
	w.GitHub.SetClock(w.Clock.Now)
	w.run(t, actions.RemindersArgs{})
	bot := w.Server.BotLogin()
	byBot := func(cs []fakegithub.Comment) int {
		n := 0
		for _, c := range cs {
			if c.Author == bot {
				n++
			}
		}
		return n
	}
	if n := byBot(w.commentsWith(retry.Number, "postmortem-bot:reminder")); n != 1 {
		t.Errorf("%d reminders by the app on the overdue item, want 1 despite mallory's markers", n)
	}
	w.Clock.Advance(14 * 24 * time.Hour) // 15 days overdue
	w.run(t, actions.RemindersArgs{})
	if n := byBot(w.commentsWith(status.Number, "@acme/leads")); n != 1 {
		t.Errorf("%d escalations by the app, want 1 despite mallory's marker", n)
	}
}
