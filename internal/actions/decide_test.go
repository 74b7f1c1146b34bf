package actions

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

func testPolicy(t *testing.T, yaml string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(".github/postmortem.yml", []byte(yaml))
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return p
}

func TestPlanItemsDecidesWhichItemsAreFollowed(t *testing.T) {
	merged := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := merged.Add(time.Hour)
	const path = "postmortems/a.md"
	key := func(slug string) string { return path + "#" + slug }
	for _, tc := range []struct {
		name        string
		policy      string
		parsed      []analysis.ActionItem
		known       []actionItem
		wantKeys    []string
		wantRemoved []string
		wantDue     map[string]string
		wantRefs    map[string]string
		wantDone    int
	}{
		{
			name:     "every listed item, due by priority",
			parsed:   []analysis.ActionItem{{Title: "Add retries", Priority: "P1"}, {Title: "Alert", Due: "2026-05-01"}},
			wantKeys: []string{key("add-retries"), key("alert")},
			wantDue:  map[string]string{key("add-retries"): "2026-03-15", key("alert"): "2026-05-01"},
		},
		{
			name:     "done before the merge without an issue is not followed",
			parsed:   []analysis.ActionItem{{Title: "Add retries", Done: true}, {Title: "Alert"}},
			wantKeys: []string{key("alert")},
			wantDone: 1,
		},
		{
			name:     "done but naming its issue is followed through that issue",
			parsed:   []analysis.ActionItem{{Title: "Add retries", Done: true, IssueRef: "#12"}},
			wantKeys: []string{key("add-retries")},
			wantRefs: map[string]string{key("add-retries"): "#12"},
		},
		{
			name:     "a recorded item keeps its first default due date",
			parsed:   []analysis.ActionItem{{Title: "Add retries", Priority: "P1"}},
			known:    []actionItem{{Key: key("add-retries"), Due: time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)}},
			wantKeys: []string{key("add-retries")},
			wantDue:  map[string]string{key("add-retries"): "2026-02-20"},
		},
		{
			name:        "a recorded item no longer listed is removed",
			parsed:      []analysis.ActionItem{{Title: "Alert"}},
			known:       []actionItem{{Key: key("add-retries")}, {Key: key("gone-before"), Removed: true}},
			wantKeys:    []string{key("alert")},
			wantRemoved: []string{key("add-retries")},
		},
		{
			name:     "items past the cap are not followed",
			policy:   "action_items:\n  max_per_postmortem: 2\n",
			parsed:   []analysis.ActionItem{{Title: "One"}, {Title: "Two"}, {Title: "Three"}},
			wantKeys: []string{key("one"), key("two")},
		},
		{
			name:     "two items with one title get numbered keys",
			parsed:   []analysis.ActionItem{{Title: "Fix it"}, {Title: "Fix it"}},
			wantKeys: []string{key("fix-it"), key("fix-it-2")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := testPolicy(t, tc.policy)
			got := planItems(planInput{RepoID: 1, Path: path, Incident: 7, Merged: merged, Now: now, Parsed: tc.parsed, Known: tc.known, Policy: pol})
			var keys, removed []string
			for _, it := range got.Items {
				keys = append(keys, it.Key)
				if it.Incident != 7 || it.Path != path || !it.CreatedAt.Equal(now) {
					t.Errorf("item %s: incident %d path %s created %v", it.Key, it.Incident, it.Path, it.CreatedAt)
				}
				if want, ok := tc.wantDue[it.Key]; ok && it.Due.Format(time.DateOnly) != want {
					t.Errorf("item %s due %s, want %s", it.Key, it.Due.Format(time.DateOnly), want)
				}
				if want := tc.wantRefs[it.Key]; got.Refs[it.Key] != want {
					t.Errorf("item %s refers to %q, want %q", it.Key, got.Refs[it.Key], want)
				}
			}
			for _, it := range got.Removed {
				removed = append(removed, it.Key)
			}
			if !slices.Equal(keys, tc.wantKeys) || !slices.Equal(removed, tc.wantRemoved) {
				t.Errorf("followed %q removed %q, want %q and %q", keys, removed, tc.wantKeys, tc.wantRemoved)
			}
			if got.Listed != len(tc.parsed) || got.Done != tc.wantDone {
				t.Errorf("listed %d done %d, want %d and %d", got.Listed, got.Done, len(tc.parsed), tc.wantDone)
			}
		})
	}
}

func TestReassignmentDecidesBodyAndAssignees(t *testing.T) {
	const key = "postmortems/a.md#add-retries"
	body := func(owner string) string {
		it := actionItem{Key: key, Path: "postmortems/a.md", Owner: owner, Due: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
		return issueBody(it, issueSource{WebURL: "https://github.com", Owner: "acme", Repo: "shop", Path: it.Path, SHA: "abc"})
	}
	for _, tc := range []struct {
		name          string
		issue         repo.Issue
		byApp         bool
		item          actionItem
		wantBody      string // "" for no change
		wantAssignees []string
		noAssignees   bool
		wantNotApps   bool
	}{
		{
			name:  "user to user: the app's assignee is replaced, people's stay",
			issue: repo.Issue{Body: body("@alice"), Assignees: []string{"alice", "dave"}}, byApp: true,
			item:     actionItem{Key: key, Owner: "@carol", AssignedLogin: "alice"},
			wantBody: body("@carol"), wantAssignees: []string{"dave", "carol"},
		},
		{
			name:  "user to team: the body changes, the assignees stay",
			issue: repo.Issue{Body: body("@alice"), Assignees: []string{"alice"}}, byApp: true,
			item:     actionItem{Key: key, Owner: "@acme/sre", AssignedLogin: "alice"},
			wantBody: body("@acme/sre"), noAssignees: true,
		},
		{
			name:  "already in line: nothing changes",
			issue: repo.Issue{Body: body("@carol"), Assignees: []string{"carol"}}, byApp: true,
			item:        actionItem{Key: key, Owner: "@carol", AssignedLogin: "carol"},
			noAssignees: true,
		},
		{
			name:  "someone else's issue with the app's marker: nothing changes",
			issue: repo.Issue{Body: body("@alice"), Assignees: []string{"alice"}}, byApp: false,
			item:        actionItem{Key: key, Owner: "@carol", AssignedLogin: "alice"},
			noAssignees: true, wantNotApps: true,
		},
		{
			name:  "an issue adopted by reference: nothing changes",
			issue: repo.Issue{Body: "people's own words", Assignees: []string{"alice"}}, byApp: true,
			item:        actionItem{Key: key, Owner: "@carol"},
			noAssignees: true, wantNotApps: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reassignment(tc.issue, tc.item, tc.byApp)
			if got.NotTheApps != tc.wantNotApps {
				t.Errorf("NotTheApps = %v", got.NotTheApps)
			}
			switch {
			case tc.wantBody == "" && got.Body != nil:
				t.Errorf("body changed to:\n%s", *got.Body)
			case tc.wantBody != "" && (got.Body == nil || *got.Body != tc.wantBody):
				t.Errorf("body = %v, want:\n%s", got.Body, tc.wantBody)
			}
			switch {
			case tc.noAssignees && got.Assignees != nil:
				t.Errorf("assignees changed to %q", *got.Assignees)
			case !tc.noAssignees && (got.Assignees == nil || !slices.Equal(*got.Assignees, tc.wantAssignees)):
				t.Errorf("assignees = %v, want %q", got.Assignees, tc.wantAssignees)
			}
			if got.NotTheApps && !strings.Contains(tc.issue.Body, marker.ActionItem("postmortems/a.md", "add-retries")) && got.Body != nil {
				t.Errorf("an issue the app did not write was edited")
			}
		})
	}
}

func TestDueNoticesDecideRemindersAndEscalations(t *testing.T) {
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	ai := policy.ActionItems{ReminderIntervalDays: 7, EscalateAfterDays: 14, EscalationTeam: "@acme/leads"}
	open := actionItem{Key: "a#x", Issue: 5, State: stateOpen, Due: due}
	day := 24 * time.Hour
	for _, tc := range []struct {
		name                    string
		item                    actionItem
		ai                      policy.ActionItems
		now                     time.Time
		wantRemind, wantEscalte string
	}{
		{"not due yet", open, ai, due.Add(-day), "", ""},
		{"one day overdue", open, ai, due.Add(day), "2026-03-10/0", ""},
		{"already reminded this interval", withKeys(open, "2026-03-10/0", ""), ai, due.Add(3 * day), "", ""},
		{"next interval", withKeys(open, "2026-03-10/0", ""), ai, due.Add(8 * day), "2026-03-10/1", ""},
		{"past escalate_after_days", withKeys(open, "2026-03-10/2", ""), ai, due.Add(15 * day), "", "2026-03-10/0"},
		{"escalated this interval", withKeys(open, "2026-03-10/2", "2026-03-10/0"), ai, due.Add(16 * day), "", ""},
		{"reminders off", open, policy.ActionItems{}, due.Add(30 * day), "", ""},
		{"closed items are left alone", actionItem{Key: "a#x", Issue: 5, State: stateClosed, Due: due}, ai, due.Add(30 * day), "", ""},
		{"removed items are left alone", actionItem{Key: "a#x", Issue: 5, State: stateOpen, Due: due, Removed: true}, ai, due.Add(30 * day), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, es := dueNotices([]actionItem{tc.item}, tc.ai, tc.now)
			gotR, gotE := "", ""
			if len(rs) == 1 {
				gotR = rs[0].Key
			}
			if len(es) == 1 {
				gotE = es[0].Key
			}
			if len(rs) > 1 || len(es) > 1 || gotR != tc.wantRemind || gotE != tc.wantEscalte {
				t.Errorf("reminders %v escalations %v, want %q and %q", rs, es, tc.wantRemind, tc.wantEscalte)
			}
		})
	}
}

func withKeys(it actionItem, reminder, escalation string) actionItem {
	it.ReminderKey, it.EscalationKey = reminder, escalation
	return it
}

func TestStatusIssueShows(t *testing.T) {
	now := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	created := now.Add(-10 * 24 * time.Hour)
	items := []actionItem{
		{Issue: 11, Incident: 3, Title: "Add retries", Owner: "@alice", AssignedLogin: "alice", State: stateOpen, Due: now.Add(-2 * 24 * time.Hour), CreatedAt: created},
		{Issue: 12, Incident: 3, Title: "Alert | page", State: stateOpen, Due: now.Add(24 * time.Hour), CreatedAt: created.Add(time.Hour)},
		{Issue: 13, Incident: 4, Title: "Done thing", Owner: "@bob", State: stateClosed, Due: now, CreatedAt: created},
		{Issue: 16, Incident: 4, Title: "Shipped thing", State: stateClosed, Due: now, CreatedAt: created, Closure: closure{As: closedFixed, Pull: 40}},
		{Issue: 17, Incident: 4, Title: "Won't do", State: stateClosed, Due: now, CreatedAt: created,
			Closure: closure{As: closedDeclined, By: "carol", Reason: "superseded by @dave's plan"}},
		{Issue: 14, Incident: 4, Title: "Dropped", State: stateDropped, Due: now, CreatedAt: created},
		{Issue: 15, Incident: 4, Title: "No longer listed", State: stateOpen, Removed: true, Due: now, CreatedAt: created},
	}
	repeats := []repeat{{Number: 9, Earlier: 3, Title: "Checkout outage again", OpenActions: "#11 #12"}}
	body := statusBody(items, map[int]string{3: "Checkout outage @ceo", 4: "Search down"}, repeats, now)
	for _, tc := range []struct {
		name string
		want string
		in   bool
	}{
		{"counts", "**Open:** 2 · **Overdue:** 1 · **Without owner:** 1 · **Oldest open:** #11, 10 days", true},
		{"overdue row", "| #11 Add retries | @alice | 2026-03-30 | 2 days |", true},
		{"unowned item", "- #12 Alert | page", true},
		{"per incident, title neutralised", "| #3 Checkout outage @\u200dceo | 2 | 0 | 0 | 0 |", true},
		{"fixed, declined and closed counted apart", "| #4 Search down | 0 | 1 | 1 | 1 |", true},
		{"declined listed with who and why", "- #17 Won't do — **declined** by carol: superseded by @\u200ddave's plan", true},
		{"a raw mention from a reason", "@dave", false},
		{"repeat incidents", "| #9 Checkout outage again | #3 | #11 #12 |", true},
		{"dropped items are not shown", "Dropped", false},
		{"removed items are not shown", "No longer listed", false},
		{"a raw mention from a title", "@ceo", false},
	} {
		if strings.Contains(body, tc.want) != tc.in {
			t.Errorf("%s: contains %q = %v, want %v; body:\n%s", tc.name, tc.want, !tc.in, tc.in, body)
		}
	}
}
