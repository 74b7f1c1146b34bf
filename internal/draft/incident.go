// Package draft turns an incident's record into the first draft of its
// postmortem: a Markdown file rendered from a Go template. It is pure: no GitHub types.
package draft

import (
	"fmt"
	"sort"
	"time"
)

// Incident is what the bot knows about an incident issue when it drafts the postmortem.
type Incident struct {
	Number     int
	Title      string
	URL        string
	Repository string // owner/name
	Severity   string // the severity label in force, "" when none
	Labels     []string
	Responders []string // assignee logins, without "@"
	OpenedAt   time.Time
	LabeledAt  *time.Time // when the issue was labelled as an incident
	ClosedAt   *time.Time
	Timeline   []TimelineEntry
	// TimelineTruncated counts the timeline events left out of Timeline.
	TimelineTruncated int
	// Related are earlier incidents that look like the same failure.
	Related []RelatedIncident
	// RelatedNotCompared counts earlier incidents the search had no time
	// to read yet, so Related was found among the others only.
	RelatedNotCompared int
	// Changes are the pull requests merged and deployments made in the
	// ChangesWindow before the incident started, newest first (0 window:
	// the list is off); ChangesTruncated counts those left out.
	Changes          []Change
	ChangesWindow    time.Duration
	ChangesTruncated int
}

// TimelineEntry is one event on the incident issue.
type TimelineEntry struct {
	At    time.Time
	Actor string // login, without "@"
	// Kind is one of opened, labeled, unlabeled, assigned, unassigned,
	// commented, cross-referenced, referenced, closed, reopened, renamed.
	Kind string
	// Text is the event's detail: the label, the assignee, the comment body,
	// the referencing issue or commit, the new title.
	Text string
	// SourceRepo and SourcePrivate describe a cross-reference's source: the
	// repository (owner/name) of the issue or pull request that mentioned
	// the incident, and whether it is private. A draft shows a reference
	// from a private repository only when it is the incident's own.
	SourceRepo    string
	SourcePrivate bool
}

// Duration is how long the incident was open, or 0 when that is not known
// (the issue is still open or its opening time is missing).
func (inc Incident) Duration() time.Duration {
	if inc.ClosedAt == nil || inc.OpenedAt.IsZero() || inc.ClosedAt.Before(inc.OpenedAt) {
		return 0
	}
	return inc.ClosedAt.Sub(inc.OpenedAt)
}

// LimitTimeline keeps the earliest limit events of the timeline and counts the
// rest in TimelineTruncated. A limit below zero keeps everything.
func (inc *Incident) LimitTimeline(limit int) {
	if limit < 0 || len(inc.Timeline) <= limit {
		return
	}
	sorted := sortedTimeline(inc.Timeline)
	inc.TimelineTruncated += len(sorted) - limit
	inc.Timeline = sorted[:limit]
}

// FileNameData is what a policy's postmortem file name template may use.
type FileNameData struct {
	Date   string // incident start, YYYY-MM-DD in UTC
	Slug   string // slug of the title, see Slug
	Number int    // incident issue number
}

// FileNameData gives the values for naming this incident's postmortem file.
// A title with nothing to slug falls back to "incident-<number>".
func (inc Incident) FileNameData() FileNameData {
	slug := slugOrEmpty(inc.Title)
	if slug == "" {
		slug = fmt.Sprintf("incident-%d", inc.Number)
	}
	date := ""
	if !inc.OpenedAt.IsZero() {
		date = inc.OpenedAt.UTC().Format(time.DateOnly)
	}
	return FileNameData{Date: date, Slug: slug, Number: inc.Number}
}

// sortedTimeline returns a copy of entries in time order; events at the same
// instant keep their order.
func sortedTimeline(entries []TimelineEntry) []TimelineEntry {
	out := append([]TimelineEntry(nil), entries...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
