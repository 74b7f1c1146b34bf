package incident

import (
	"context"
	"time"
)

// The related search reads earlier incidents it has not indexed (or whose
// entry is due again) only while the incident's job can spare the time: the
// draft pull request, the most urgent thing the app does, must never wait
// on it. Entries already indexed are compared as they are; the ones not
// reached are left for later runs and the draft says how many.
const (
	// maxIndexTime is the longest one run spends (re)indexing, whatever
	// the job's deadline.
	maxIndexTime = 4 * time.Second
	// maxIndexedPerRun caps the entries one run (re)indexes: a cold
	// repository costs at most 5 × this many requests for the search.
	maxIndexedPerRun = 10
)

// indexBudget is what one run of the related search may still spend on
// (re)indexing earlier incidents.
type indexBudget struct {
	until time.Time // stop starting new entries at this instant
	left  int       // entries it may still (re)index
	// notCompared counts earlier incidents skipped because they were
	// never indexed and the budget ran out first.
	notCompared int
	indexed     int // entries (re)indexed so far
}

// newIndexBudget gives the search half of the time the job has left when it
// starts, and at most maxIndexTime: the other half is for the draft, its
// pull request and the comments, which also wait on GitHub. Without a
// deadline only maxIndexTime applies.
func newIndexBudget(now, deadline time.Time, hasDeadline bool) indexBudget {
	until := now.Add(maxIndexTime)
	if hasDeadline {
		if half := now.Add(deadline.Sub(now) / 2); half.Before(until) {
			until = half
		}
	}
	return indexBudget{until: until, left: maxIndexedPerRun}
}

// budgetFor is the budget of a search starting now under ctx.
func budgetFor(ctx context.Context) indexBudget {
	deadline, ok := ctx.Deadline()
	return newIndexBudget(time.Now(), deadline, ok)
}

// take reports whether one more entry may be (re)indexed at now, and counts
// it when it may.
func (b *indexBudget) take(now time.Time) bool {
	if b.left <= 0 || !now.Before(b.until) {
		return false
	}
	b.left--
	return true
}

// entryState is how an earlier incident stands in the index.
type entryState int

const (
	entryCurrent entryState = iota // indexed and up to date
	entryDue                       // indexed, but the issue changed or its postmortem may have merged since
	entryMissing                   // never indexed
)

// entryStateOf says whether an index entry can be used as it is.
func entryStateOf(e indexEntry, found bool, issueUpdatedAt, now int64) entryState {
	switch {
	case !found:
		return entryMissing
	case e.IssueUpdatedAt == issueUpdatedAt && (e.Postmortem != "" || now-e.IndexedAt < reindexAfterSeconds):
		return entryCurrent
	default:
		return entryDue
	}
}

// indexOrder is the order in which entries are (re)indexed while the budget
// lasts: the missing ones first (a due entry is still compared as it was
// indexed, a missing one not at all), the most recent first within each, as
// states (indexed like the earlier incidents, most recent first) lists them.
func indexOrder(states []entryState) []int {
	var missing, due []int
	for i, s := range states {
		switch s {
		case entryMissing:
			missing = append(missing, i)
		case entryDue:
			due = append(due, i)
		}
	}
	return append(missing, due...)
}
