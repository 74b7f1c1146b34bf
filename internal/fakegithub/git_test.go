package fakegithub_test

import (
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestBranchCommitAndPullShowTheChangedFiles(t *testing.T) {
	gh := seeded(t)
	gh.CommitFile(owner, repoName, "main", "docs/old-name.md", []byte("kept content\n"), "add doc")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	main, _, err := c.Git.GetRef(cx, owner, repoName, "heads/main")
	if err != nil {
		t.Fatalf("get main: %v", err)
	}
	baseCommit, _, err := c.Git.GetCommit(cx, owner, repoName, main.Object.GetSHA())
	if err != nil {
		t.Fatalf("get commit: %v", err)
	}
	tree, _, err := c.Git.CreateTree(cx, owner, repoName, baseCommit.Tree.GetSHA(), []*github.TreeEntry{
		{Path: github.String("docs/postmortems/2024-03-01-outage.md"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("# Outage\n\n## Summary\n")},
		{Path: github.String("docs/new-name.md"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("kept content\n")},
		{Path: github.String("docs/old-name.md"), Mode: github.String("100644"), Type: github.String("blob"), SHA: nil},
	})
	if err != nil {
		t.Fatalf("create tree: %v", err)
	}
	commit, _, err := c.Git.CreateCommit(cx, owner, repoName, &github.Commit{
		Message: github.String("Draft postmortem"), Tree: &github.Tree{SHA: tree.SHA},
		Parents: []*github.Commit{{SHA: main.Object.SHA}},
	}, nil)
	if err != nil {
		t.Fatalf("create commit: %v", err)
	}
	ref := &github.Reference{Ref: github.String("refs/heads/postmortem/issue-1"), Object: &github.GitObject{SHA: commit.SHA}}
	if _, _, err := c.Git.CreateRef(cx, owner, repoName, ref); err != nil {
		t.Fatalf("create ref: %v", err)
	}
	_, _, err = c.Git.CreateRef(cx, owner, repoName, ref)
	if er := mustStatus(t, err, 422); !errorMentions(er, "Reference already exists") {
		t.Errorf("second create ref said %q, want Reference already exists", er.Message)
	}

	// Update README on the branch through the contents API: sha is required.
	readme, _, _, err := c.Repositories.GetContents(cx, owner, repoName, "README.md", &github.RepositoryContentGetOptions{Ref: "postmortem/issue-1"})
	if err != nil {
		t.Fatalf("get README: %v", err)
	}
	_, _, err = c.Repositories.UpdateFile(cx, owner, repoName, "README.md", &github.RepositoryContentFileOptions{
		Message: github.String("touch"), Content: []byte("changed\n"), Branch: github.String("postmortem/issue-1"),
	})
	mustStatus(t, err, 422)
	if _, _, err := c.Repositories.UpdateFile(cx, owner, repoName, "README.md", &github.RepositoryContentFileOptions{
		Message: github.String("touch"), Content: []byte("# payments\nchanged\n"), Branch: github.String("postmortem/issue-1"), SHA: readme.SHA,
	}); err != nil {
		t.Fatalf("update README: %v", err)
	}
	_, _, err = c.Repositories.UpdateFile(cx, owner, repoName, "README.md", &github.RepositoryContentFileOptions{
		Message: github.String("stale"), Content: []byte("x\n"), Branch: github.String("postmortem/issue-1"), SHA: readme.SHA,
	})
	mustStatus(t, err, 409)

	pr, _, err := c.PullRequests.Create(cx, owner, repoName, &github.NewPullRequest{
		Title: github.String("Postmortem: outage"), Head: github.String("postmortem/issue-1"), Base: github.String("main"),
	})
	if err != nil {
		t.Fatalf("create PR: %v", err)
	}
	_, _, err = c.PullRequests.Create(cx, owner, repoName, &github.NewPullRequest{
		Title: github.String("again"), Head: github.String("acme:postmortem/issue-1"), Base: github.String("main"),
	})
	if er := mustStatus(t, err, 422); !errorMentions(er, "A pull request already exists for acme:postmortem/issue-1") {
		t.Errorf("duplicate PR error = %+v", er)
	}

	files, _, err := c.PullRequests.ListFiles(cx, owner, repoName, pr.GetNumber(), nil)
	if err != nil {
		t.Fatalf("list files: %v", err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.GetFilename()] = f.GetStatus()
	}
	want := map[string]string{
		"docs/postmortems/2024-03-01-outage.md": "added",
		"docs/new-name.md":                      "renamed",
		"README.md":                             "modified",
	}
	if len(got) != len(want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	for name, status := range want {
		if got[name] != status {
			t.Errorf("file %s status = %q, want %q (all: %v)", name, got[name], status, got)
		}
	}

	content, found := gh.FileAt(owner, repoName, "postmortem/issue-1", "docs/postmortems/2024-03-01-outage.md")
	if !found || string(content) != "# Outage\n\n## Summary\n" {
		t.Errorf("FileAt = %q, %v", content, found)
	}
	if _, found := gh.FileAt(owner, repoName, "main", "docs/postmortems/2024-03-01-outage.md"); found {
		t.Error("the postmortem leaked onto main before merge")
	}

	// A non-fast-forward update is refused unless forced.
	_, _, err = c.Git.UpdateRef(cx, owner, repoName, &github.Reference{Ref: github.String("refs/heads/postmortem/issue-1"), Object: &github.GitObject{SHA: main.Object.SHA}}, false)
	if er := mustStatus(t, err, 422); !errorMentions(er, "fast forward") {
		t.Errorf("non-fast-forward update said %q", er.Message)
	}

	merge := gh.MergePull(owner, repoName, pr.GetNumber(), "alice")
	merged, _, err := c.PullRequests.Get(cx, owner, repoName, pr.GetNumber())
	if err != nil {
		t.Fatal(err)
	}
	if !merged.GetMerged() || merged.GetMergeCommitSHA() != merge || merged.GetState() != "closed" {
		t.Errorf("after merge: merged=%v sha=%q state=%q, want true %q closed", merged.GetMerged(), merged.GetMergeCommitSHA(), merge, merged.GetState())
	}
	if _, found := gh.FileAt(owner, repoName, "main", "docs/postmortems/2024-03-01-outage.md"); !found {
		t.Error("the postmortem is not on main after merge")
	}
	if _, found := gh.FileAt(owner, repoName, "main", "docs/old-name.md"); found {
		t.Error("the renamed file's old path survived the merge")
	}
}

func TestContentsListsDirectoriesAndReadsAtRef(t *testing.T) {
	gh := seeded(t)
	first := gh.CommitFile(owner, repoName, "main", "docs/a.md", []byte("v1"), "a")
	gh.CommitFile(owner, repoName, "main", "docs/a.md", []byte("v2"), "a again")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	file, _, _, err := c.Repositories.GetContents(cx, owner, repoName, "docs/a.md", &github.RepositoryContentGetOptions{Ref: first})
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := file.GetContent(); text != "v1" {
		t.Errorf("content at first commit = %q, want v1", text)
	}
	_, dir, _, err := c.Repositories.GetContents(cx, owner, repoName, "docs", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(dir) != 1 || dir[0].GetName() != "a.md" || dir[0].GetType() != "file" {
		t.Errorf("directory listing = %+v", dir)
	}
	_, _, _, err = c.Repositories.GetContents(cx, owner, repoName, "docs/missing.md", nil)
	mustStatus(t, err, 404)
}
