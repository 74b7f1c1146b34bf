package fakegithub_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func TestIssueLifecycleIsRecordedInTimelineAndEvents(t *testing.T) {
	clock := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	gh := seeded(t, fakegithub.WithClock(func() time.Time { return clock }))
	gh.SetPermission(owner, repoName, "alice", "write")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	issue, _, err := c.Issues.Create(cx, owner, repoName, &github.IssueRequest{
		Title: github.String("Checkout outage"), Body: github.String("Payments failed."),
		Labels: &[]string{"incident"}, Assignees: &[]string{"alice", "mallory"},
	})
	if err != nil {
		t.Fatalf("create issue: %v", err)
	}
	if got := issue.Assignees; len(got) != 1 || got[0].GetLogin() != "alice" {
		t.Errorf("assignees = %v, want only alice (mallory cannot be assigned)", got)
	}
	if issue.GetCreatedAt().Time != clock {
		t.Errorf("created_at = %v, want the fake's clock %v", issue.GetCreatedAt(), clock)
	}
	n := issue.GetNumber()

	clock = clock.Add(time.Minute)
	if _, _, err := c.Issues.AddLabelsToIssue(cx, owner, repoName, n, []string{"sev1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Issues.RemoveLabelForIssue(cx, owner, repoName, n, "incident"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Issues.RemoveLabelForIssue(cx, owner, repoName, n, "incident")
	mustStatus(t, err, 404)
	comment, _, err := c.Issues.CreateComment(cx, owner, repoName, n, &github.IssueComment{Body: github.String("Drafting the postmortem.")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.Edit(cx, owner, repoName, n, &github.IssueRequest{Title: github.String("Checkout outage on 1 March"), State: github.String("closed")}); err != nil {
		t.Fatal(err)
	}
	prNumber := openPullMentioning(t, gh, n)

	timeline, _, err := c.Issues.ListIssueTimeline(cx, owner, repoName, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range timeline {
		kinds = append(kinds, e.GetEvent())
		switch e.GetEvent() {
		case "commented":
			if e.GetBody() != "Drafting the postmortem." || e.GetID() != comment.GetID() {
				t.Errorf("commented entry = body %q id %d", e.GetBody(), e.GetID())
			}
		case "renamed":
			if e.Rename.GetFrom() != "Checkout outage" || e.Rename.GetTo() != "Checkout outage on 1 March" {
				t.Errorf("rename = %+v", e.Rename)
			}
		case "cross-referenced":
			if e.Source.Issue.GetNumber() != prNumber {
				t.Errorf("cross-reference source = #%d, want #%d", e.Source.Issue.GetNumber(), prNumber)
			}
		}
		if e.GetEvent() != "cross-referenced" && e.GetActor().GetLogin() != gh.BotLogin() {
			t.Errorf("%s actor = %q, want %q", e.GetEvent(), e.GetActor().GetLogin(), gh.BotLogin())
		}
	}
	want := "labeled assigned labeled unlabeled commented renamed closed cross-referenced"
	if strings.Join(kinds, " ") != want {
		t.Errorf("timeline = %s\nwant       %s", strings.Join(kinds, " "), want)
	}

	events, _, err := c.Issues.ListIssueEvents(cx, owner, repoName, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 6 || events[0].GetLabel().GetName() != "incident" || events[3].GetLabel().GetName() != "incident" {
		t.Errorf("events has %d entries, want 6 starting with labeled incident", len(events))
	}

	held, _ := gh.Issue(owner, repoName, n)
	if held.State != "closed" || held.StateReason != "completed" || strings.Join(held.Labels, ",") != "sev1" {
		t.Errorf("issue held = state %s reason %s labels %v", held.State, held.StateReason, held.Labels)
	}
}

func openPullMentioning(t *testing.T, gh *fakegithub.Server, issue int) int {
	gh.CommitFile(owner, repoName, "fix", "fix.txt", []byte("fix"), "fix")
	return gh.OpenPullWithBody(owner, repoName, "fix", "main", "Fix", "Follow-up for #"+itoa(issue), "alice")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestIssueListFiltersPaginatesAndIncludesPulls(t *testing.T) {
	gh := seeded(t)
	for k := 0; k < 25; k++ {
		labels := []string{"action-item"}
		if k%5 == 0 {
			labels = append(labels, "postmortem")
		}
		gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "item", Labels: labels, Author: "alice"})
	}
	gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "by bob", Author: "bob"})
	gh.CloseIssue(owner, repoName, 1, "alice")
	gh.CommitFile(owner, repoName, "branch", "x", []byte("x"), "x")
	pr := gh.OpenPull(owner, repoName, "branch", "main", "a PR", "alice")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	page, resp, err := c.Issues.ListByRepo(cx, owner, repoName, &github.IssueListByRepoOptions{
		Labels: []string{"action-item"}, ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 10 || resp.NextPage != 2 || resp.LastPage != 3 {
		t.Errorf("first page: %d items, next %d, last %d; want 10, 2, 3 (24 open action items)", len(page), resp.NextPage, resp.LastPage)
	}
	last, resp, err := c.Issues.ListByRepo(cx, owner, repoName, &github.IssueListByRepoOptions{
		Labels: []string{"action-item"}, ListOptions: github.ListOptions{PerPage: 10, Page: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 4 || resp.NextPage != 0 || resp.PrevPage != 2 {
		t.Errorf("last page: %d items, next %d, prev %d; want 4, 0, 2", len(last), resp.NextPage, resp.PrevPage)
	}
	both, _, err := c.Issues.ListByRepo(cx, owner, repoName, &github.IssueListByRepoOptions{State: "all", Labels: []string{"action-item", "postmortem"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(both) != 5 {
		t.Errorf("issues with both labels = %d, want 5", len(both))
	}
	byBob, _, err := c.Issues.ListByRepo(cx, owner, repoName, &github.IssueListByRepoOptions{Creator: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(byBob) != 1 || byBob[0].GetTitle() != "by bob" {
		t.Errorf("creator filter gave %d issues", len(byBob))
	}
	all, _, err := c.Issues.ListByRepo(cx, owner, repoName, &github.IssueListByRepoOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 26 || !all[0].IsPullRequest() || all[0].GetNumber() != pr {
		t.Errorf("open list has %d entries, first #%d pull=%v; want 26 with the newest PR first", len(all), all[0].GetNumber(), all[0].IsPullRequest())
	}
}

func TestReviewersMustBeCollaboratorsOtherThanTheAuthor(t *testing.T) {
	gh := seeded(t)
	gh.SetPermission(owner, repoName, "alice", "write")
	gh.SetPermission(owner, repoName, "bob", "read")
	gh.AddTeam(owner, "sre")
	gh.CommitFile(owner, repoName, "pm", "pm.md", []byte("pm"), "pm")
	n := gh.OpenPull(owner, repoName, "pm", "main", "Postmortem", "alice")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	_, _, err := c.PullRequests.RequestReviewers(cx, owner, repoName, n, github.ReviewersRequest{Reviewers: []string{"alice"}})
	if er := mustStatus(t, err, 422); !errorMentions(er, "pull request author") {
		t.Errorf("author as reviewer: %q", er.Message)
	}
	_, _, err = c.PullRequests.RequestReviewers(cx, owner, repoName, n, github.ReviewersRequest{Reviewers: []string{"stranger"}})
	mustStatus(t, err, 422)
	if _, _, err := c.PullRequests.RequestReviewers(cx, owner, repoName, n, github.ReviewersRequest{Reviewers: []string{"bob"}, TeamReviewers: []string{"sre"}}); err != nil {
		t.Fatal(err)
	}
	held, _ := gh.Pull(owner, repoName, n)
	if strings.Join(held.RequestedReviewers, ",") != "bob" || strings.Join(held.RequestedTeams, ",") != "sre" {
		t.Errorf("requested = %v %v", held.RequestedReviewers, held.RequestedTeams)
	}
	perm, _, err := c.Repositories.GetPermissionLevel(cx, owner, repoName, "bob")
	if err != nil || perm.GetPermission() != "read" {
		t.Errorf("bob's permission = %q, %v", perm.GetPermission(), err)
	}
}

func TestCommitsMentioningAnIssueAreReferencedOnce(t *testing.T) {
	gh := seeded(t)
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "Outage"})
	sha := gh.CommitFile(owner, repoName, "fix", "retry.go", []byte("package retry"), "Retry payments, see #"+itoa(n))
	c := installationClient(t, gh, installationID)
	cx := ctx(t)
	// Pointing a second branch at the same commit must not reference it again.
	if _, _, err := c.Git.CreateRef(cx, owner, repoName, &github.Reference{Ref: github.String("refs/heads/fix-copy"), Object: &github.GitObject{SHA: &sha}}); err != nil {
		t.Fatal(err)
	}
	timeline, _, err := c.Issues.ListIssueTimeline(cx, owner, repoName, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(timeline) != 1 || timeline[0].GetEvent() != "referenced" || timeline[0].GetCommitID() != sha {
		t.Errorf("timeline = %d entries, first %q commit %q; want one referenced %s", len(timeline), timeline[0].GetEvent(), timeline[0].GetCommitID(), sha)
	}
}

func TestMergingAPullThatClosesAnIssueClosesIt(t *testing.T) {
	gh := seeded(t)
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "Add retry budget"})
	other := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "Unrelated"})
	gh.CommitFile(owner, repoName, "retry", "retry.go", []byte("package retry"), "retry budget")
	pr := gh.OpenPullWithBody(owner, repoName, "retry", "main", "Retry budget", "Closes #"+itoa(n)+", see #"+itoa(other), "alice")
	merge := gh.MergePull(owner, repoName, pr, "bob")

	closed, _ := gh.Issue(owner, repoName, n)
	if closed.State != "closed" || closed.ClosedBy != "bob" {
		t.Errorf("closed issue: state %s by %q", closed.State, closed.ClosedBy)
	}
	var sawReference bool
	for _, e := range closed.Events {
		sawReference = sawReference || (e.Event == "referenced" && e.CommitID == merge)
	}
	if !sawReference {
		t.Errorf("events %+v lack a reference to merge commit %s", closed.Events, merge)
	}
	if still, _ := gh.Issue(owner, repoName, other); still.State != "open" {
		t.Error("an issue merely mentioned was closed")
	}
}
