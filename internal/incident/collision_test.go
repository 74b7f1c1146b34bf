package incident_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// noNumberPolicy names postmortems by date and title alone, as the default
// did before file names carried the incident number.
const noNumberPolicy = "postmortem:\n  filename: \"{date}-{slug}.md\"\n"

// draftsOf returns the postmortem files an incident's PR branch adds to main.
func draftsOf(t *testing.T, h *servertest.Harness, number int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range treeFiles(t, h, fmt.Sprintf("postmortem/incident-%d", number)) {
		if !strings.HasPrefix(f, "postmortems/") {
			continue
		}
		content, _ := h.GitHub.FileAt(owner, repo, fmt.Sprintf("postmortem/incident-%d", number), f)
		if onMain, ok := h.GitHub.FileAt(owner, repo, "main", f); ok && string(onMain) == string(content) {
			continue
		}
		out[f] = string(content)
	}
	return out
}

// TestIncidentsTitledAlikeOnTheSameDayEachGetTheirOwnPR labels a second
// incident with the first one's title on the same day, after the first
// one's postmortem merged: the second gets its own PR and file, never the
// first one's, with the default file name pattern and with one that lacks
// the incident number; also when its first attempt died after creating the
// branch (which then holds the first incident's file).
func TestIncidentsTitledAlikeOnTheSameDayEachGetTheirOwnPR(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy string
		crash  bool
	}{
		{name: "default file name"},
		{name: "file name without the number", policy: noNumberPolicy},
		{name: "file name without the number, first attempt crashed", policy: noNumberPolicy, crash: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := startWith(t, servertest.Options{MaxAttempts: 1})
			if tc.policy != "" {
				h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte(tc.policy), "Postmortem policy")
			}
			first := openIncident(t, h, "sev2")
			label(t, h, first)
			firstPR := onlyPull(t, h)
			firstDrafts := draftsOf(t, h, first)
			if len(firstDrafts) != 1 {
				t.Fatalf("first incident's branch adds %d postmortems, want 1", len(firstDrafts))
			}
			h.GitHub.MergePull(owner, repo, firstPR.Number, "mkaur")

			second := openIncident(t, h, "sev2") // same title, same day
			if tc.crash {
				// The first attempt creates the branch, then dies committing the draft.
				h.GitHub.FailNext(1, http.StatusBadGateway, func(method, path string) bool {
					return method == http.MethodPut && strings.HasPrefix(path, "/repos/acme/shop/contents/postmortems/")
				})
				label(t, h, second)
				if n := len(h.GitHub.Pulls(owner, repo)); n != 1 {
					t.Fatalf("the crashed attempt left %d PRs, want the first incident's alone", n)
				}
			}
			label(t, h, second)

			pulls := h.GitHub.Pulls(owner, repo)
			if len(pulls) != 2 {
				t.Fatalf("%d pull requests for two incidents, want 2", len(pulls))
			}
			secondPR := pulls[1]
			if secondPR.Head != fmt.Sprintf("postmortem/incident-%d", second) || secondPR.Merged {
				t.Fatalf("second PR comes from %s (merged %v)", secondPR.Head, secondPR.Merged)
			}
			drafts := draftsOf(t, h, second)
			if len(drafts) != 1 {
				t.Fatalf("second incident's branch adds %v, want one postmortem", keys(drafts))
			}
			for path, content := range drafts {
				if _, taken := firstDrafts[path]; taken {
					t.Errorf("second incident's draft reuses the first one's file %s", path)
				}
				if tc.policy == noNumberPolicy && !strings.HasSuffix(path, "-2.md") {
					t.Errorf("second draft at %s, want the first one's name with -2", path)
				}
				if !strings.Contains(content, fmt.Sprintf("<!-- postmortem-bot:draft-of-incident #%d -->", second)) {
					t.Errorf("second draft lacks its incident's marker:\n%s", content)
				}
				if !strings.Contains(secondPR.Body, path) {
					t.Errorf("second PR body does not name %s:\n%s", path, secondPR.Body)
				}
				c := botComments(h, second, "<!-- postmortem-bot:incident-pr -->")
				if len(c) != 1 || !strings.Contains(c[0].Body, fmt.Sprintf("#%d", secondPR.Number)) || !strings.Contains(c[0].Body, path) {
					t.Errorf("second incident's comments = %+v, want one linking #%d and %s", c, secondPR.Number, path)
				}
			}
			for path, content := range firstDrafts {
				if onMain, _ := h.GitHub.FileAt(owner, repo, "main", path); string(onMain) != content {
					t.Errorf("the first incident's merged postmortem %s changed", path)
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// treeFiles lists every file on a branch, read through GitHub's API.
func treeFiles(t *testing.T, h *servertest.Harness, branch string) []string {
	t.Helper()
	c := github.NewClient(h.GitHub.Client()).WithAuthToken(h.GitHub.InstallationToken(1))
	base, err := url.Parse(h.GitHub.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = base
	ctx := context.Background()
	ref, _, err := c.Git.GetRef(ctx, owner, repo, "heads/"+branch)
	if err != nil {
		t.Fatalf("read branch %s: %v", branch, err)
	}
	tree, _, err := c.Git.GetTree(ctx, owner, repo, ref.GetObject().GetSHA(), true)
	if err != nil {
		t.Fatalf("read tree of %s: %v", branch, err)
	}
	var out []string
	for _, e := range tree.Entries {
		if e.GetType() == "blob" {
			out = append(out, e.GetPath())
		}
	}
	return out
}
