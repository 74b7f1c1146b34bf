package check_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

func TestPostmortemOverTheLimitIsReportedFromItsSizeWithoutReadingIt(t *testing.T) {
	h := harness(t)
	huge := append([]byte("# Postmortem\n\n"), bytes.Repeat([]byte("Log line without blame.\n"), (analysis.MaxFileSize+1<<20)/24)...)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/huge.md": huge})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	want := fmt.Sprintf("File too large to analyse: %d bytes, limit %d.", len(huge), analysis.MaxFileSize)
	if len(run.Annotations) != 1 || !strings.HasPrefix(run.Annotations[0].Message, want) || run.Conclusion != "failure" {
		t.Fatalf("want one failing annotation %q, got %s %+v", want, run.Conclusion, run.Annotations)
	}
	// The app asked for the blob raw, so the answer's length came before
	// its content, which it never read.
	for _, r := range h.GitHub.Requests() {
		if strings.Contains(r.Path, "/git/blobs/") && !strings.Contains(r.Accept, "vnd.github.raw") {
			t.Errorf("blob read as JSON (Accept %q): its whole content is decoded before any size check", r.Accept)
		}
	}
}

func TestMoreActionItemsThanThePolicyAllowsFailTheCheck(t *testing.T) {
	h := harness(t)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("action_items:\n  max_per_postmortem: 3\n"), "policy")
	var items strings.Builder
	for i := 1; i <= 5; i++ { // clean.md lists 2 already: 7 in all
		fmt.Fprintf(&items, "- [ ] Fix thing %d (owner: @alice, due: 2026-04-01, priority: P2)\n", i)
	}
	doc := strings.Replace(string(testdata(t, "clean.md")), "## Action Items\n", "## Action Items\n\n"+items.String(), 1)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/2026-03-01-search.md": []byte(doc)})
	deliverPull(t, h, "opened", n)

	run := onlyRun(t, h, sha)
	var found []string
	for _, a := range run.Annotations {
		if a.Title == "action-items-over-limit" {
			found = append(found, a.Message)
		}
	}
	if len(found) != 1 || !strings.Contains(found[0], "lists 7 action items; the policy allows at most 3") || run.Conclusion != "failure" {
		t.Fatalf("want one failing action-items-over-limit annotation, got %s %q (all: %+v)", run.Conclusion, found, run.Annotations)
	}
}
