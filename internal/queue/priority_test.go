package queue

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
)

func TestUrgencyPutsWorkThatAnswersAPersonFirst(t *testing.T) {
	cases := []struct {
		event, action string
		want          int
	}{
		{"issues", "labeled", PriorityUrgent},
		{"issues", "unlabeled", PriorityUrgent},
		{"issue_comment", "created", PriorityUrgent},
		{"pull_request", "opened", PriorityUrgent},
		{"pull_request", "synchronize", PriorityUrgent},
		{"check_run", "rerequested", PriorityUrgent},
		{"issues", "closed", PriorityNormal},
		{"issues", "edited", PriorityNormal},
		{"pull_request", "closed", PriorityNormal},
		{"installation", "created", PriorityNormal},
	}
	for _, tc := range cases {
		if got := Urgency(&event.Delivery{Event: tc.event, Action: tc.action}); got != tc.want {
			t.Errorf("%s.%s: priority %d, want %d", tc.event, tc.action, got, tc.want)
		}
	}
}

func TestABurstFromOneRepositoryDropsBehindOthers(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	p := NewPriorities()
	p.now = func() time.Time { return now }
	label := func(repo int64) int {
		return p.ForDelivery(&event.Delivery{Event: "issues", Action: "labeled", RepoID: repo})
	}
	for i := 0; i < int(p.Burst); i++ {
		if got := label(1); got != PriorityUrgent {
			t.Fatalf("delivery %d of a repository within its budget: priority %d", i, got)
		}
	}
	if got := label(1); got != PriorityNormal {
		t.Errorf("over budget: priority %d, want %d", got, PriorityNormal)
	}
	if got := p.ForDelivery(&event.Delivery{Event: "issues", Action: "closed", RepoID: 1}); got != PriorityBurst {
		t.Errorf("normal work over budget: priority %d, want %d", got, PriorityBurst)
	}
	if got := label(2); got != PriorityUrgent {
		t.Errorf("another repository during the burst: priority %d, want urgent", got)
	}
	now = now.Add(time.Second)
	if got := label(1); got != PriorityUrgent {
		t.Errorf("a second later the budget has refilled a little: priority %d, want urgent", got)
	}
}

func TestPeriodicWorkIsQueuedLast(t *testing.T) {
	params := []*rivertype.JobInsertParams{
		{Kind: "action_items_reminders", Priority: 1},
		{Kind: "incident_postmortem_reminders", Priority: 1},
		{Kind: EventArgs{}.Kind(), Priority: 1},
		{Kind: "postmortem_check_review", Priority: 1},
	}
	_, err := (&backgroundLast{}).InsertMany(context.Background(), params, func(context.Context) ([]*rivertype.JobInsertResult, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []int{PriorityBackground, PriorityBackground, 1, 1}
	for i, p := range params {
		if p.Priority != want[i] {
			t.Errorf("%s: priority %d, want %d", p.Kind, p.Priority, want[i])
		}
	}
}

func TestUndecidedDeliveriesRankBelowConfirmedWorkAndSpendNoBudget(t *testing.T) {
	cases := []struct {
		event, action string
		want          int
	}{
		{"issues", "labeled", PriorityNormal},
		{"pull_request", "opened", PriorityNormal},
		{"issues", "closed", PriorityBurst},
	}
	for _, tc := range cases {
		if got := ForUndecided(&event.Delivery{Event: tc.event, Action: tc.action, RepoID: 1}); got != tc.want {
			t.Errorf("undecided %s.%s: priority %d, want %d", tc.event, tc.action, got, tc.want)
		}
	}
	p := NewPriorities()
	for i := 0; i < 10*int(p.Burst); i++ {
		ForUndecided(&event.Delivery{Event: "issues", Action: "labeled", RepoID: 1})
	}
	if got := p.ForDelivery(&event.Delivery{Event: "issues", Action: "labeled", RepoID: 1}); got != PriorityUrgent {
		t.Errorf("confirmed label after an undecided burst: priority %d, want urgent (budget untouched)", got)
	}
}
