package draft

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTimelineRowsEscapeCommentText(t *testing.T) {
	inc := Incident{Timeline: []TimelineEntry{{
		At: at("2024-05-14T09:21:33Z"), Actor: "jdoe", Kind: "commented",
		Text: "a | b <script> *bold* _it_ [link](x) `code` \\ ~~gone~~",
	}}}
	row := inc.TimelineRows()[0]
	want := "commented: a \\| b \\<script\\> \\*bold\\* \\_it\\_ \\[link\\](x) \\`code\\` \\\\ \\~\\~gone\\~\\~"
	if row.Event != want {
		t.Errorf("Event = %q\nwant    %q", row.Event, want)
	}
	if row.Actor != "@jdoe" || row.Time != "2024-05-14 09:21 UTC" {
		t.Errorf("row = %+v", row)
	}
}

func TestTimelineRowsKeepFirstLineOfCommentsOnly(t *testing.T) {
	inc := Incident{Timeline: []TimelineEntry{{
		At: at("2024-05-14T09:00:00Z"), Actor: "a", Kind: "commented",
		Text: "\n\r\n   First   real\tline\r\nsecond line\n| a | table |",
	}}}
	if got := inc.TimelineRows()[0].Event; got != "commented: First real line" {
		t.Errorf("Event = %q", got)
	}
}

func TestTimelineRowsShortenLongComments(t *testing.T) {
	long := strings.Repeat("word ", 60)
	inc := Incident{Timeline: []TimelineEntry{{At: at("2024-05-14T09:00:00Z"), Kind: "commented", Text: long}}}
	ev := strings.TrimPrefix(inc.TimelineRows()[0].Event, "commented: ")
	if n := utf8.RuneCountInString(ev); n > maxEventText {
		t.Errorf("event text has %d runes, want at most %d: %q", n, maxEventText, ev)
	}
	if !strings.HasSuffix(ev, "word…") {
		t.Errorf("want a cut at a word boundary marked with …, got %q", ev)
	}
}

func TestTimelineRowsSortByTimeAndDescribeEachKind(t *testing.T) {
	base := at("2024-05-14T09:00:00Z")
	inc := Incident{Timeline: []TimelineEntry{
		{At: base.Add(5 * time.Minute), Actor: "ops", Kind: "closed"},
		{At: base, Actor: "ops", Kind: "opened"},
		{At: base.Add(time.Minute), Actor: "ops", Kind: "unlabeled", Text: "sev|2"},
		{At: base.Add(2 * time.Minute), Actor: "ops", Kind: "unassigned", Text: "@bob"},
		{At: base.Add(3 * time.Minute), Actor: "", Kind: "referenced", Text: "abc1234"},
		{At: base.Add(4 * time.Minute), Actor: "ops", Kind: "transferred", Text: "to acme/other"},
		{At: base.Add(4 * time.Minute), Actor: "ops", Kind: "reopened"},
	}}
	var got []string
	for _, r := range inc.TimelineRows() {
		got = append(got, r.Actor+" "+r.Event)
	}
	want := []string{
		"@ops opened the incident",
		"@ops removed label `sev\\|2`",
		"@ops unassigned @bob",
		" referenced in commit abc1234",
		"@ops transferred to acme/other",
		"@ops reopened the incident",
		"@ops closed the incident",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLimitTimelineKeepsEarliestAndCountsTheRest(t *testing.T) {
	base := at("2024-05-14T09:00:00Z")
	inc := Incident{TimelineTruncated: 2}
	for i := 5; i > 0; i-- {
		inc.Timeline = append(inc.Timeline, TimelineEntry{At: base.Add(time.Duration(i) * time.Minute), Kind: "commented"})
	}
	inc.LimitTimeline(3)
	if len(inc.Timeline) != 3 || inc.TimelineTruncated != 4 {
		t.Fatalf("kept %d, truncated %d; want 3 and 4", len(inc.Timeline), inc.TimelineTruncated)
	}
	if !inc.Timeline[0].At.Equal(base.Add(time.Minute)) || !inc.Timeline[2].At.Equal(base.Add(3*time.Minute)) {
		t.Errorf("kept the wrong events: %v", inc.Timeline)
	}
	inc.LimitTimeline(10)
	if len(inc.Timeline) != 3 || inc.TimelineTruncated != 4 {
		t.Errorf("a limit above the length changed the timeline")
	}
}
