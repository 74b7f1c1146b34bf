package fakegithub_test

import (
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func TestInstallationLookupsFindTheAppOnOwnerAndRepo(t *testing.T) {
	gh := seeded(t)
	gh.AddRepo(owner, "ledger")
	app := appClient(t, gh, gh.PrivateKeyPEM())
	cx := ctx(t)

	for name, lookup := range map[string]func() (*github.Installation, *github.Response, error){
		"by id": func() (*github.Installation, *github.Response, error) {
			return app.Apps.GetInstallation(cx, installationID)
		},
		"by org": func() (*github.Installation, *github.Response, error) {
			return app.Apps.FindOrganizationInstallation(cx, owner)
		},
		"by user": func() (*github.Installation, *github.Response, error) {
			return app.Apps.FindUserInstallation(cx, owner)
		},
		"by repo": func() (*github.Installation, *github.Response, error) {
			return app.Apps.FindRepositoryInstallation(cx, owner, repoName)
		},
	} {
		inst, _, err := lookup()
		if err != nil || inst.GetID() != installationID || inst.GetAccount().GetLogin() != owner {
			t.Errorf("%s: installation %d on %q, %v", name, inst.GetID(), inst.GetAccount().GetLogin(), err)
		}
	}
	_, _, err := app.Apps.FindRepositoryInstallation(cx, "globex", "x")
	mustStatus(t, err, 404)

	// Installing after the repository exists gives access to it too.
	gh.AddRepo("globex", "billing")
	gh.AddInstallation(78, "globex")
	if _, _, err := installationClient(t, gh, 78).Repositories.Get(cx, "globex", "billing"); err != nil {
		t.Errorf("repository added before the installation: %v", err)
	}

	repos, _, err := installationClient(t, gh, installationID).Apps.ListRepos(cx, nil)
	if err != nil || repos.GetTotalCount() != 2 {
		t.Fatalf("installation repositories = %d, %v; want 2", repos.GetTotalCount(), err)
	}
}

func TestRefsTreesAndBlobs(t *testing.T) {
	gh := seeded(t)
	gh.CommitFile(owner, repoName, "main", "docs/postmortems/a.md", []byte("a"), "a")
	gh.CreateBranch(owner, repoName, "postmortem/issue-1", "main")
	gh.CreateBranch(owner, repoName, "postmortem/issue-2", "main")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	refs, _, err := c.Git.ListMatchingRefs(cx, owner, repoName, &github.ReferenceListOptions{Ref: "heads/postmortem/"})
	if err != nil || len(refs) != 2 || refs[0].GetRef() != "refs/heads/postmortem/issue-1" {
		t.Fatalf("matching refs = %d, %v", len(refs), err)
	}
	branch, _, err := c.Repositories.GetBranch(cx, owner, repoName, "postmortem/issue-1", 0)
	if err != nil || branch.GetCommit().GetSHA() != refs[0].GetObject().GetSHA() {
		t.Fatalf("branch = %+v, %v", branch, err)
	}

	blob, _, err := c.Git.CreateBlob(cx, owner, repoName, &github.Blob{Content: github.String("IyBQb3N0bW9ydGVt"), Encoding: github.String("base64")})
	if err != nil {
		t.Fatal(err)
	}
	// The id is git's own: `printf '# Postmortem' | git hash-object --stdin`.
	if blob.GetSHA() != "c1e500e047df221692b71bd63d74bbf6f7b17b07" {
		t.Errorf("blob sha = %q", blob.GetSHA())
	}
	read, _, err := c.Git.GetBlob(cx, owner, repoName, blob.GetSHA())
	if err != nil || read.GetSize() != len("# Postmortem") {
		t.Errorf("blob size = %d, %v", read.GetSize(), err)
	}
	tree, _, err := c.Git.GetTree(cx, owner, repoName, branch.GetCommit().GetCommit().GetTree().GetSHA(), true)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, e := range tree.Entries {
		paths[e.GetPath()] = e.GetType()
	}
	if paths["docs"] != "tree" || paths["docs/postmortems/a.md"] != "blob" || paths["README.md"] != "blob" {
		t.Errorf("recursive tree = %v", paths)
	}

	next := gh.CommitFile(owner, repoName, "main", "b.md", []byte("b"), "b")
	if _, _, err := c.Git.UpdateRef(cx, owner, repoName, &github.Reference{Ref: github.String("refs/heads/postmortem/issue-1"), Object: &github.GitObject{SHA: &next}}, false); err != nil {
		t.Errorf("fast-forward update: %v", err)
	}
	if sha, _ := gh.Ref(owner, repoName, "postmortem/issue-1"); sha != next {
		t.Errorf("branch after update = %s, want %s", sha, next)
	}
	if _, err := c.Git.DeleteRef(cx, owner, repoName, "heads/postmortem/issue-2"); err != nil {
		t.Fatal(err)
	}
	if _, found := gh.Ref(owner, repoName, "refs/heads/postmortem/issue-2"); found {
		t.Error("deleted branch still resolves")
	}
}

func TestCommentsLabelsAndAssigneesThroughTheAPI(t *testing.T) {
	gh := seeded(t)
	gh.SetPermission(owner, repoName, "alice", "write")
	gh.AddLabel(owner, repoName, "incident", "d73a4a", "Something broke")
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "Outage", Labels: []string{"incident"}})
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	created, _, err := c.Issues.CreateComment(cx, owner, repoName, n, &github.IssueComment{Body: github.String("status: drafting")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.EditComment(cx, owner, repoName, created.GetID(), &github.IssueComment{Body: github.String("status: merged")}); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Issues.GetComment(cx, owner, repoName, created.GetID())
	if err != nil || got.GetBody() != "status: merged" || got.GetUser().GetLogin() != gh.BotLogin() {
		t.Errorf("comment = %q by %q, %v", got.GetBody(), got.GetUser().GetLogin(), err)
	}
	second := gh.Comment(owner, repoName, n, "alice", "thanks")
	list, _, err := c.Issues.ListComments(cx, owner, repoName, n, nil)
	if err != nil || len(list) != 2 || list[1].GetID() != second {
		t.Errorf("comments = %d, %v", len(list), err)
	}
	if _, err := c.Issues.DeleteComment(cx, owner, repoName, created.GetID()); err != nil {
		t.Fatal(err)
	}
	if held := gh.Comments(owner, repoName, n); len(held) != 1 || held[0].Author != "alice" {
		t.Errorf("comments held after delete = %+v", held)
	}

	label, _, err := c.Issues.GetLabel(cx, owner, repoName, "incident")
	if err != nil || label.GetColor() != "d73a4a" || label.GetDescription() != "Something broke" {
		t.Errorf("label = %+v, %v", label, err)
	}
	if _, _, err := c.Issues.CreateLabel(cx, owner, repoName, &github.Label{Name: github.String("action-item"), Color: github.String("0e8a16")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Issues.CreateLabel(cx, owner, repoName, &github.Label{Name: github.String("Action-Item"), Color: github.String("0e8a16")})
	mustStatus(t, err, 422)
	labels, _, err := c.Issues.ListLabels(cx, owner, repoName, nil)
	if err != nil || len(labels) != 2 {
		t.Errorf("repository labels = %d, %v", len(labels), err)
	}
	if _, _, err := c.Issues.ReplaceLabelsForIssue(cx, owner, repoName, n, []string{"action-item"}); err != nil {
		t.Fatal(err)
	}
	issue, _, err := c.Issues.AddAssignees(cx, owner, repoName, n, []string{"alice", "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if len(issue.Assignees) != 1 || len(issue.Labels) != 1 || issue.Labels[0].GetName() != "action-item" {
		t.Errorf("issue assignees %d labels %v", len(issue.Assignees), issue.Labels)
	}
}

func TestPullListingAndEditing(t *testing.T) {
	gh := seeded(t)
	gh.CommitFile(owner, repoName, "postmortem/issue-1", "a.md", []byte("a"), "a")
	gh.CommitFile(owner, repoName, "other", "b.md", []byte("b"), "b")
	first := gh.OpenPull(owner, repoName, "postmortem/issue-1", "main", "Postmortem", "alice")
	gh.OpenPull(owner, repoName, "other", "main", "Other", "alice")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	prs, _, err := c.PullRequests.List(cx, owner, repoName, &github.PullRequestListOptions{Head: "acme:postmortem/issue-1"})
	if err != nil || len(prs) != 1 || prs[0].GetNumber() != first {
		t.Fatalf("PRs for head = %d, %v", len(prs), err)
	}
	if _, _, err := c.PullRequests.Edit(cx, owner, repoName, first, &github.PullRequest{Title: github.String("Postmortem: outage"), State: github.String("closed")}); err != nil {
		t.Fatal(err)
	}
	open, _, err := c.PullRequests.List(cx, owner, repoName, nil)
	if err != nil || len(open) != 1 || open[0].GetTitle() != "Other" {
		t.Errorf("open PRs = %d, %v", len(open), err)
	}
	held, _ := gh.Pull(owner, repoName, first)
	if held.Title != "Postmortem: outage" || held.State != "closed" || held.Merged {
		t.Errorf("PR held = %q %s merged=%v", held.Title, held.State, held.Merged)
	}

	head, _ := gh.Ref(owner, repoName, "other")
	run, _, err := c.Checks.CreateCheckRun(cx, owner, repoName, github.CreateCheckRunOptions{Name: "postmortem", HeadSHA: head})
	if err != nil {
		t.Fatal(err)
	}
	fetched, _, err := c.Checks.GetCheckRun(cx, owner, repoName, run.GetID())
	if err != nil || fetched.GetStatus() != "queued" || len(fetched.PullRequests) != 1 {
		t.Errorf("check run = %s with %d PRs, %v", fetched.GetStatus(), len(fetched.PullRequests), err)
	}
}
