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
	doc := draftOf(t, h, n)
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

// TestDraftWithoutDeploymentsPermissionStillComes: an installation that has
// not granted deployments:read answers 403 to the deployments listing; the
// draft is opened at once, listing the merged pull requests without
// deployments, instead of failing the incident's job.
func TestDraftWithoutDeploymentsPermissionStillComes(t *testing.T) {
	h := start(t)
	gh := h.GitHub
	gh.CommitFile(owner, repo, "raise-retries", "retries.go", []byte("package x\n"), "Raise checkout retries")
	pr := gh.OpenPull(owner, repo, "raise-retries", "main", "Raise checkout retries", "dana")
	gh.MergePull(owner, repo, pr, "dana")
	gh.AddDeployment(owner, repo, fakegithub.DeploymentSeed{SHA: "0123456789abcdef0123", Ref: "v2.4.1", Environment: "production", Creator: "deploybot"})
	h.Clock.Advance(30 * time.Minute)
	gh.FailNext(1000, 403, func(method, path string) bool { return strings.HasSuffix(path, "/deployments") })

	n := openIncident(t, h, "sev1")
	label(t, h, n)
	doc := draftOf(t, h, n)
	if !strings.Contains(doc, "#"+strconv.Itoa(pr)+" Raise checkout retries") {
		t.Errorf("draft lacks the merged pull request:\n%s", doc)
	}
	if strings.Contains(doc, "deployment of v2.4.1") {
		t.Errorf("draft lists a deployment GitHub refused to list:\n%s", doc)
	}
	if got := gh.CountRequests("GET", "/repos/"+owner+"/"+repo+"/deployments"); got != 1 {
		t.Errorf("deployments listed %d times, want once (no retry of the job)", got)
	}
}
