package actions

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFitKeepsBodiesUnderGitHubsLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var many []actionItem
	for i := 1; i <= 400; i++ {
		many = append(many, actionItem{Issue: i, Title: fmt.Sprintf("Fix thing %d: %s", i, strings.Repeat("é", 240)),
			Owner: "@alice", AssignedLogin: "alice", State: stateOpen, Due: now.Add(-48 * time.Hour), CreatedAt: now.Add(-72 * time.Hour)})
	}
	tail := cutShort("postmortems/x.md", "https://github.com/acme/shop/blob/HEAD/postmortems/x.md")
	for _, tc := range []struct {
		name    string
		body    string
		cut     bool
		keepsAt string // text the fitted body must still start with
	}{
		{"short body stays as is", trackingBody(many[:3], nil, true), false, trackingMarker},
		{"long tracking list", trackingBody(many, nil, true), true, trackingMarker},
		{"long status issue", statusBody(many, map[int]string{}, nil, now), true, statusMarker},
		{"long escalation", escalationBody("@acme/leads", escalationsOf(many), now), true, "<!-- postmortem-bot:escalation #1 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fit(tc.body, tail)
			if n := utf8.RuneCountInString(got); n > 65536 {
				t.Fatalf("%d characters, over GitHub's 65536", n)
			}
			if !utf8.ValidString(got) || !strings.HasPrefix(got, tc.keepsAt) {
				t.Fatalf("fitted body is not valid UTF-8 or lost its start")
			}
			if cut := strings.HasSuffix(got, tail); cut != tc.cut {
				t.Fatalf("cut = %v, want %v (body of %d bytes)", cut, tc.cut, len(tc.body))
			}
			if !tc.cut && got != tc.body {
				t.Fatalf("a body under the limit was changed")
			}
		})
	}
}

func escalationsOf(items []actionItem) []escalation {
	out := make([]escalation, len(items))
	for i, it := range items {
		out[i] = escalation{Item: it, Key: "2026-04-29/0"}
	}
	return out
}

func TestOwnerIsMentionedOnlyWhenValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		it   actionItem
		want string
	}{
		{"assigned user", actionItem{Owner: "@alice", AssignedLogin: "alice"}, "@alice"},
		{"user GitHub did not accept as assignee", actionItem{Owner: "@stranger"}, "@\u200dstranger"},
		{"team named by the postmortem", actionItem{Owner: "@acme/sre"}, "@acme/sre"},
		{"no owner", actionItem{}, "no owner"},
	} {
		if got := ownerText(tc.it); got != tc.want {
			t.Errorf("%s: ownerText = %q, want %q", tc.name, got, tc.want)
		}
	}
}
