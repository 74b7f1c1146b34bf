package incident_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// TestDraftListsChangesMergedBeforeTheIncident: a pull request merged an
// hour before the incident and a deployment are listed in the drafted
// timeline, a revert marked; one merged a week before is not.
func TestDraftListsChangesMergedBeforeTheIncident(t *testing.T) {
	h := start(t)
	gh := h.GitHub
	merge := func(branch, title, author string) int {
		gh.CommitFile(owner, repo, branch, branch+".go", []byte("package x\n"), title)
		n := gh.OpenPull(owner, repo, branch, "main", title, author)
		gh.MergePull(owner, repo, n, author)
		return n
	}
	old := merge("old-change", "Tune the cache @team", "dana")
	h.Clock.Advance(7 * 24 * time.Hour)
	recent := merge("raise-retries", "Raise checkout retries for @oncall", "dana")
	h.Clock.Advance(10 * time.Minute)
	revert := merge("revert-retries", `Revert "Raise checkout retries"`, "erin")
	h.Clock.Advance(10 * time.Minute)
	gh.AddDeployment(owner, repo, fakegithub.DeploymentSeed{SHA: "0123456789abcdef0123", Ref: "v2.4.1", Environment: "production", Description: "release v2.4.1", Creator: "deploybot"})
	h.Clock.Advance(40 * time.Minute)

	n := openIncident(t, h, "sev1")
	label(t, h, n)
	var doc string
	for _, p := range gh.Pulls(owner, repo) {
		if p.Head == "postmortem/incident-"+strconv.Itoa(n) {
			for _, f := range gh.FilesAt(owner, repo, p.Head, "postmortems") {
				content, _ := gh.FileAt(owner, repo, p.Head, f)
				doc = string(content)
			}
		}
	}
	t.Logf("draft:\n%s", doc)
	for _, want := range []string{
		"### Changes in the 24 hours before the incident started",
		"| #" + strconv.Itoa(recent) + " Raise checkout retries for @\u200doncall | dana |",
		"| **revert** #" + strconv.Itoa(revert) + ` Revert "Raise checkout retries" | erin |`,
		"| deployment of v2.4.1 to production: release v2.4.1 | deploybot |",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("draft lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "#"+strconv.Itoa(old)+" ") || strings.Contains(doc, "Tune the cache") {
		t.Errorf("draft lists the change merged a week before:\n%s", doc)
	}
}
