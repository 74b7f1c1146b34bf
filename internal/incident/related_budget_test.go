package incident

import (
	"slices"
	"testing"
	"time"
)

func TestIndexBudgetEndsAtHalfTheJobOrFourSeconds(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		deadline    time.Time
		hasDeadline bool
		want        time.Duration
	}{
		{"a fresh 10 s job: the fixed share is sooner", now.Add(10 * time.Second), true, 4 * time.Second},
		{"6 s left: half of them", now.Add(6 * time.Second), true, 3 * time.Second},
		{"8 s left: half equals the share", now.Add(8 * time.Second), true, 4 * time.Second},
		{"no deadline: the fixed share", time.Time{}, false, 4 * time.Second},
		{"deadline passed: nothing", now.Add(-time.Second), true, -500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newIndexBudget(now, tc.deadline, tc.hasDeadline)
			if got := b.until.Sub(now); got != tc.want {
				t.Errorf("budget ends after %v, want %v", got, tc.want)
			}
			if b.left != maxIndexedPerRun {
				t.Errorf("entries allowed = %d, want %d", b.left, maxIndexedPerRun)
			}
		})
	}
}

func TestIndexBudgetTake(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	b := newIndexBudget(now, now.Add(10*time.Second), true)
	for i := range maxIndexedPerRun {
		if !b.take(now.Add(time.Duration(i) * time.Millisecond)) {
			t.Fatalf("entry %d refused within the budget", i+1)
		}
	}
	if b.take(now) {
		t.Errorf("entry %d allowed over the cap of %d", maxIndexedPerRun+1, maxIndexedPerRun)
	}
	b = newIndexBudget(now, now.Add(10*time.Second), true)
	if !b.take(now.Add(3999 * time.Millisecond)) {
		t.Errorf("refused just before the budget ends")
	}
	if b.take(now.Add(4 * time.Second)) {
		t.Errorf("allowed once the budget ended")
	}
	if b.left != maxIndexedPerRun-1 {
		t.Errorf("a refused entry was counted: %d left", b.left)
	}
}

func TestEntryState(t *testing.T) {
	const updated, now = 1000, 100000
	for _, tc := range []struct {
		name  string
		e     indexEntry
		found bool
		want  entryState
	}{
		{"never indexed", indexEntry{}, false, entryMissing},
		{"with its postmortem, unchanged", indexEntry{IssueUpdatedAt: updated, Postmortem: "p.md", IndexedAt: 1}, true, entryCurrent},
		{"without postmortem, read within the hour", indexEntry{IssueUpdatedAt: updated, IndexedAt: now - reindexAfterSeconds + 1}, true, entryCurrent},
		{"without postmortem, read an hour ago", indexEntry{IssueUpdatedAt: updated, IndexedAt: now - reindexAfterSeconds}, true, entryDue},
		{"issue changed since", indexEntry{IssueUpdatedAt: updated - 1, Postmortem: "p.md", IndexedAt: now}, true, entryDue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := entryStateOf(tc.e, tc.found, updated, now); got != tc.want {
				t.Errorf("state = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestIndexOrderReadsMissingEntriesFirst(t *testing.T) {
	for _, tc := range []struct {
		name   string
		states []entryState
		want   []int
	}{
		{"none", nil, nil},
		{"all current", []entryState{entryCurrent, entryCurrent}, nil},
		{"missing before due, most recent first", []entryState{entryDue, entryCurrent, entryMissing, entryDue, entryMissing}, []int{2, 4, 0, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := indexOrder(tc.states); !slices.Equal(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
		})
	}
}
