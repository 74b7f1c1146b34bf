package fakegithub_test

import (
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func TestBodiesOverGitHubsLimitAreRefused(t *testing.T) {
	gh := seeded(t)
	c := installationClient(t, gh, installationID)
	cx := ctx(t)
	long := strings.Repeat("é", fakegithub.MaxBody+1)
	_, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("t"), Body: &long})
	mustStatus(t, err, 422)
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "x", Author: "alice"})
	_, _, err = c.Issues.CreateComment(cx, owner, repoName, n, &github.IssueComment{Body: &long})
	mustStatus(t, err, 422)
	_, _, err = c.Issues.Edit(cx, owner, repoName, n, &github.IssueRequest{Body: &long})
	mustStatus(t, err, 422)
	fits := strings.Repeat("é", fakegithub.MaxBody)
	if _, _, err := c.Issues.CreateComment(cx, owner, repoName, n, &github.IssueComment{Body: &fits}); err != nil {
		t.Fatalf("a body of exactly %d characters was refused: %v", fakegithub.MaxBody, err)
	}
}
