package fakegithub_test

import (
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func TestDeploymentsAreListedNewestFirstAndFiltered(t *testing.T) {
	gh := seeded(t)
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	gh.AddDeployment(owner, repoName, fakegithub.DeploymentSeed{SHA: "aaa", Ref: "main", Environment: "staging", CreatedAt: at})
	gh.AddDeployment(owner, repoName, fakegithub.DeploymentSeed{SHA: "bbb", Ref: "main", Description: "v2", CreatedAt: at.Add(time.Hour)})
	c := installationClient(t, gh, installationID)
	all, _, err := c.Repositories.ListDeployments(ctx(t), owner, repoName, &github.DeploymentsListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].GetSHA() != "bbb" || all[0].GetEnvironment() != "production" || all[0].GetCreator().GetLogin() != "deploybot" ||
		!all[0].GetCreatedAt().Time.Equal(at.Add(time.Hour)) || all[1].GetSHA() != "aaa" {
		t.Errorf("deployments = %v, want bbb (production, deploybot) then aaa", all)
	}
	staging, _, err := c.Repositories.ListDeployments(ctx(t), owner, repoName, &github.DeploymentsListOptions{Environment: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	if len(staging) != 1 || staging[0].GetSHA() != "aaa" {
		t.Errorf("staging deployments = %v, want aaa only", staging)
	}
}

func TestClosedPullsListByUpdateTime(t *testing.T) {
	gh := seeded(t)
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	gh.SetClock(func() time.Time { return now })
	gh.CommitFile(owner, repoName, "a", "a.go", []byte("package a"), "a")
	gh.CommitFile(owner, repoName, "b", "b.go", []byte("package b"), "b")
	a := gh.OpenPull(owner, repoName, "a", "main", "A", "alice")
	b := gh.OpenPull(owner, repoName, "b", "main", "B", "alice")
	gh.MergePull(owner, repoName, b, "bob")
	now = now.Add(time.Hour)
	gh.MergePull(owner, repoName, a, "bob")
	c := installationClient(t, gh, installationID)
	pulls, _, err := c.PullRequests.List(ctx(t), owner, repoName, &github.PullRequestListOptions{State: "closed", Base: "main", Sort: "updated", Direction: "desc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pulls) != 2 || pulls[0].GetNumber() != a || pulls[1].GetNumber() != b || pulls[0].GetMergedAt().IsZero() {
		t.Errorf("closed pulls by update = %d entries, first #%d; want #%d (merged last) then #%d", len(pulls), pulls[0].GetNumber(), a, b)
	}
}
