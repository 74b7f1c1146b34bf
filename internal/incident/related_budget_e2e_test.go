package incident_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// The twin of the incidents these tests label: the same failure in the
// same words.
const (
	twinTitle = "Search index empty after the nightly reindex"
	twinBody  = "The nightly reindex swapped the search alias to an index with no documents; the builder never checked the document count."
)

// seedEarlierIncidents records count earlier incidents the app never saw
// (labelled before it was installed): the first, the oldest, is the twin
// when twin is set, the others unrelated failures. It returns their numbers,
// oldest first.
func seedEarlierIncidents(h *servertest.Harness, count int, twin bool) []int {
	words := []string{"disk", "certificate", "dns", "queue", "cache", "quota", "cron", "vpn", "ldap", "smtp",
		"kafka", "redis", "cdn", "billing", "oauth", "gpu", "backup", "ntp", "proxy", "firewall", "ssh", "s3"}
	var out []int
	for k := range count {
		seed := fakegithub.IssueSeed{Title: fmt.Sprintf("%s outage %d", words[k%len(words)], k),
			Body: fmt.Sprintf("The %s failed for tenant %d.", words[k%len(words)], k), Labels: []string{"incident"}, Author: "pagerbot"}
		if k == 0 && twin {
			seed.Title, seed.Body = twinTitle, twinBody
		}
		out = append(out, h.GitHub.CreateIssue(owner, repo, seed))
		h.Clock.Advance(time.Minute)
	}
	return out
}

// labelTwinIncident opens and labels an incident like the twin, and
// returns its draft.
func labelTwinIncident(t *testing.T, h *servertest.Harness) (int, string) {
	t.Helper()
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Empty search results after the nightly reindex",
		Body: "The reindex swapped the search alias to an index with no documents again.", Author: "pagerbot"})
	h.Clock.Advance(time.Minute)
	h.GitHub.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	label(t, h, n)
	return n, draftOf(t, h, n)
}

// draftOf is the postmortem draft on incident n's pull request.
func draftOf(t *testing.T, h *servertest.Harness, n int) string {
	t.Helper()
	for _, p := range h.GitHub.Pulls(owner, repo) {
		if p.Head != "postmortem/incident-"+strconv.Itoa(n) {
			continue
		}
		for _, f := range h.GitHub.FilesAt(owner, repo, p.Head, "postmortems") {
			if content, ok := h.GitHub.FileAt(owner, repo, p.Head, f); ok {
				return string(content)
			}
		}
	}
	t.Fatalf("incident #%d has no postmortem pull request with a draft", n)
	return ""
}

// timelineReads counts the reads of the timelines of the given issues.
func timelineReads(h *servertest.Harness, numbers []int) int {
	n := 0
	for _, r := range h.GitHub.Requests() {
		for _, i := range numbers {
			if r.Method == "GET" && r.Path == fmt.Sprintf("/repos/%s/%s/issues/%d/timeline", owner, repo, i) {
				n++
			}
		}
	}
	return n
}

var notComparedNote = regexp.MustCompile(`_(\d+) earlier incidents? (?:was|were) not compared yet`)

// notCompared is the number the draft's partial-search note gives, 0
// without the note.
func notCompared(t *testing.T, doc string) int {
	t.Helper()
	m := notComparedNote.FindStringSubmatch(doc)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// assertNoFailedAttempt checks every job completed on its first attempt
// with no error recorded in its row.
func assertNoFailedAttempt(t *testing.T, h *servertest.Harness) {
	t.Helper()
	jobs, err := h.Server.JobsIn(context.Background(), rivertype.JobStateCompleted, rivertype.JobStateDiscarded,
		rivertype.JobStateCancelled, rivertype.JobStateRetryable)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || len(j.Errors) != 0 {
			var errs []string
			for _, e := range j.Errors {
				errs = append(errs, e.Error)
			}
			t.Errorf("job %s#%d: %s after %d attempts, errors: %s", j.Kind, j.ID, j.State, j.Attempt, strings.Join(errs, "; "))
		}
	}
}

// catchUpRuns counts the runs of the completed catch-up indexing jobs (a
// job runs again by snoozing); each must have run at background priority.
func catchUpRuns(t *testing.T, h *servertest.Harness) (jobs, runs int) {
	t.Helper()
	rows, err := h.Server.JobsIn(context.Background(), rivertype.JobStateCompleted)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range rows {
		if j.Kind != "incident_related_index" {
			continue
		}
		var meta struct {
			Snoozes int `json:"snoozes"`
		}
		if err := json.Unmarshal(j.Metadata, &meta); err != nil {
			t.Fatal(err)
		}
		jobs++
		runs += 1 + meta.Snoozes
		if j.Priority != queue.PriorityBackground {
			t.Errorf("catch-up job #%d ran at priority %d, want %d", j.ID, j.Priority, queue.PriorityBackground)
		}
	}
	return jobs, runs
}

// TestSlowRelatedSearchDoesNotHoldUpTheDraft: in a repository with 20
// earlier incidents the app has not indexed, and a GitHub taking 700 ms to
// answer each of their timelines (reading them all would take 14 s, past
// the job's 10 s), the draft pull request is opened by the first attempt of
// the job, its Related Incidents section saying how many earlier incidents
// were not compared; background jobs index the rest, so the next incident
// compares them all.
func TestSlowRelatedSearchDoesNotHoldUpTheDraft(t *testing.T) {
	if testing.Short() {
		t.Skip("waits on a slow GitHub for seconds")
	}
	h := start(t)
	earlier := seedEarlierIncidents(h, 20, false)
	slow := map[string]bool{}
	for _, n := range earlier {
		slow[fmt.Sprintf("/repos/%s/%s/issues/%d/timeline", owner, repo, n)] = true
	}
	h.GitHub.DelayNext(1000, 700*time.Millisecond, func(method, path string) bool { return method == "GET" && slow[path] })

	_, doc := labelTwinIncident(t, h)
	assertNoFailedAttempt(t, h)
	firstLeft := notCompared(t, doc)
	t.Logf("first draft: %d of %d earlier incidents not compared", firstLeft, len(earlier))
	if firstLeft == 0 || firstLeft >= len(earlier) {
		t.Fatalf("first draft: %d earlier incidents not compared, want some of the %d but not all:\n%s", firstLeft, len(earlier), doc)
	}
	if !strings.Contains(doc, "## Related Incidents") {
		t.Errorf("the partial search's note is not under Related Incidents:\n%s", doc)
	}
	if jobs, runs := catchUpRuns(t, h); jobs != 1 {
		t.Errorf("%d catch-up indexing jobs (%d runs) after the partial search, want one", jobs, runs)
	}
	for _, n := range earlier {
		if timelineReads(h, []int{n}) == 0 {
			t.Errorf("earlier incident #%d was never read", n)
		}
	}

	_, doc = labelTwinIncident(t, h)
	assertNoFailedAttempt(t, h)
	if left := notCompared(t, doc); left != 0 {
		t.Errorf("the next incident left %d earlier incidents not compared, want none:\n%s", left, doc)
	}
}

// TestRelatedSearchIndexesAtMostTenEarlierIncidentsPerRun: with a fast
// GitHub, a repository with 25 earlier incidents gets 10 of them indexed by
// its first incident (the most recent ones; the oldest, the twin, is among
// the 15 left and noted), then the rest by one background job running
// twice, at most 10 a run (the 15 and the first incident itself); the next
// incident reads none of them again and finds the twin.
func TestRelatedSearchIndexesAtMostTenEarlierIncidentsPerRun(t *testing.T) {
	h := start(t)
	earlier := seedEarlierIncidents(h, 25, true)
	twin := earlier[0]

	_, doc := labelTwinIncident(t, h)
	if got := notCompared(t, doc); got != 15 {
		t.Errorf("first draft notes %d not compared, want 15:\n%s", got, doc)
	}
	twinLink := fmt.Sprintf("- [#%d](", twin)
	if strings.Contains(doc, twinLink) {
		t.Errorf("the first draft names the twin #%d though it was not compared:\n%s", twin, doc)
	}
	if jobs, runs := catchUpRuns(t, h); jobs != 1 || runs != 2 {
		t.Errorf("catch-up indexing: %d jobs, %d runs, want one job running twice (16 incidents, 10 a run)", jobs, runs)
	}
	if got := timelineReads(h, earlier); got != 25 {
		t.Errorf("%d reads of the 25 earlier timelines, want each read once", got)
	}

	_, doc = labelTwinIncident(t, h)
	if got := timelineReads(h, earlier); got != 25 {
		t.Errorf("the next incident read earlier timelines again: %d reads, want 25", got)
	}
	if got := notCompared(t, doc); got != 0 {
		t.Errorf("second draft notes %d not compared, want none:\n%s", got, doc)
	}
	if !strings.Contains(doc, twinLink) {
		t.Errorf("the next draft lacks the twin #%d now compared:\n%s", twin, doc)
	}
	assertNoFailedAttempt(t, h)
}
