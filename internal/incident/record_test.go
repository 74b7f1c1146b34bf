package incident

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

func TestParseCommandReadsTheFirstLine(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
		want command
	}{
		{"/postmortem", true, command{Verb: "open"}},
		{"\n  /postmortem  \nthanks", true, command{Verb: "open"}},
		{"/postmortem skip duplicate of #12", true, command{Verb: "skip", Reason: "duplicate of #12"}},
		{"/postmortem SKIP", true, command{Verb: "skip"}},
		{"/postmortem please", true, command{Verb: "help"}},
		{"/postmortem decline #14 we retire the service in June", true, command{Verb: "decline", Target: 14, Reason: "we retire the service in June"}},
		{"/postmortem Decline #14", true, command{Verb: "decline", Target: 14}},
		{"/postmortem decline 14 no hash", true, command{Verb: "decline"}},
		{"/postmortem decline", true, command{Verb: "decline"}},
		{"/postmortems", false, command{}},
		{"we need a /postmortem", false, command{}},
		{"", false, command{}},
	} {
		got, ok := parseCommand(tc.body)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v, %v", tc.body, got, ok, tc.want, tc.ok)
		}
	}
}

func ts(s string) *github.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &github.Timestamp{Time: t}
}

func TestRecordDraftsTheTimelineWithoutTheBotsOwnComments(t *testing.T) {
	p, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	p.Postmortem.TimelineLimit = 5
	user := func(l string) *github.User { return &github.User{Login: github.String(l)} }
	iss := &github.Issue{
		Number: github.Int(7), Title: github.String("Queue stuck"), State: github.String("closed"),
		CreatedAt: ts("2026-01-02T10:00:00Z"), ClosedAt: ts("2026-01-02T12:30:00Z"), User: user("pagerbot"),
		Labels:    []*github.Label{{Name: github.String("incident")}, {Name: github.String("sev3")}},
		Assignees: []*github.User{user("ana")},
	}
	ev := func(kind, at string) *github.Timeline {
		return &github.Timeline{Event: github.String(kind), CreatedAt: ts(at), Actor: user("ana")}
	}
	labeled := ev("labeled", "2026-01-02T10:01:00Z")
	labeled.Label = &github.Label{Name: github.String("incident")}
	comment := ev("commented", "2026-01-02T10:05:00Z")
	comment.Body, comment.User, comment.ID = github.String("Restarted the consumer.\nmore"), user("ana"), github.Int64(11)
	botNote := ev("commented", "2026-01-02T10:06:00Z")
	botNote.Body, botNote.User, botNote.ID = github.String(incidentPRMarker+"\nsee #8"), user("pmbot[bot]"), github.Int64(12)
	xref := ev("cross-referenced", "2026-01-02T10:10:00Z")
	xref.Source = &github.Source{Issue: &github.Issue{Number: github.Int(9), Title: github.String("Fix consumer"),
		PullRequestLinks: &github.PullRequestLinks{URL: github.String("x")}}}
	ref := ev("referenced", "2026-01-02T10:20:00Z")
	ref.CommitID = github.String("0123456789abcdef")
	closed := ev("closed", "2026-01-02T12:30:00Z")
	subscribed := ev("subscribed", "2026-01-02T12:31:00Z")

	events := []*github.Timeline{labeled, comment, botNote, xref, ref, closed, subscribed}
	inc := readRecord(iss, events, "acme/shop", p, "pmbot[bot]")

	if inc.Severity != "sev3" || strings.Join(inc.Responders, ",") != "ana" {
		t.Errorf("incident = %+v", inc)
	}
	if inc.LabeledAt == nil || !inc.LabeledAt.Equal(labeled.CreatedAt.Time) {
		t.Errorf("labelled at %v, want the incident label's %v", inc.LabeledAt, labeled.CreatedAt.Time)
	}
	if inc.ClosedAt == nil || !inc.ClosedAt.Equal(iss.ClosedAt.Time) || !inc.OpenedAt.Equal(iss.CreatedAt.Time) {
		t.Errorf("opened %v closed %v, want %v and %v", inc.OpenedAt, inc.ClosedAt, iss.CreatedAt.Time, iss.ClosedAt.Time)
	}
	var kinds []string
	for _, e := range inc.Timeline {
		kinds = append(kinds, e.Kind+":"+e.Text)
	}
	want := "opened:,labeled:incident,commented:Restarted the consumer.\nmore,cross-referenced:pull request #9: Fix consumer,referenced:0123456"
	if strings.Join(kinds, ",") != want {
		t.Errorf("timeline = %q\nwant       %q", strings.Join(kinds, ","), want)
	}
	if inc.TimelineTruncated != 1 {
		t.Errorf("truncated = %d, want 1 (the close, beyond the limit of 5)", inc.TimelineTruncated)
	}
	if c := commentsIn(events); len(c) != 2 || c[1].Author != "pmbot[bot]" {
		t.Errorf("comments = %+v", c)
	}
}
