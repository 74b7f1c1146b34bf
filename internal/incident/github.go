package incident

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// maxTimelinePages bounds how much of a very long issue is read (100 events
// a page); the draft caps its timeline far below this anyway.
const maxTimelinePages = 50

// repoAPI is the narrow slice of GitHub the incident workflow needs, for one
// repository. It keeps go-github's types inside this file and record.go.
type repoAPI struct {
	c           *github.Client
	owner, name string
}

func (r repoAPI) full() string { return r.owner + "/" + r.name }

func (r repoAPI) issue(ctx context.Context, number int) (*github.Issue, error) {
	iss, _, err := r.c.Issues.Get(ctx, r.owner, r.name, number)
	if err != nil {
		return nil, fmt.Errorf("get issue %s#%d: %w", r.full(), number, err)
	}
	return iss, nil
}

// timeline reads the issue's whole timeline (events and comments), oldest first.
func (r repoAPI) timeline(ctx context.Context, number int) ([]*github.Timeline, error) {
	var all []*github.Timeline
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxTimelinePages; page++ {
		events, resp, err := r.c.Issues.ListIssueTimeline(ctx, r.owner, r.name, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list timeline of %s#%d: %w", r.full(), number, err)
		}
		all = append(all, events...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return all, nil
}

// file reads a file at ref; found is false when it does not exist.
func (r repoAPI) file(ctx context.Context, path, ref string) (content string, found bool, err error) {
	fc, _, _, err := r.c.Repositories.GetContents(ctx, r.owner, r.name, path, &github.RepositoryContentGetOptions{Ref: ref})
	if ghclient.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s in %s@%s: %w", path, r.full(), ref, err)
	}
	if fc == nil {
		return "", false, fmt.Errorf("read %s in %s@%s: it is a directory", path, r.full(), ref)
	}
	text, err := fc.GetContent()
	if err != nil {
		return "", false, fmt.Errorf("decode %s in %s@%s: %w", path, r.full(), ref, err)
	}
	return text, true, nil
}

// branchSHA is the commit a branch points at.
func (r repoAPI) branchSHA(ctx context.Context, branch string) (string, error) {
	ref, _, err := r.c.Git.GetRef(ctx, r.owner, r.name, "heads/"+branch)
	if err != nil {
		return "", fmt.Errorf("read branch %s of %s: %w", branch, r.full(), err)
	}
	return ref.GetObject().GetSHA(), nil
}

// errBranchExists says the branch was already there.
var errBranchExists = errors.New("branch already exists")

func (r repoAPI) createBranch(ctx context.Context, branch, sha string) error {
	_, _, err := r.c.Git.CreateRef(ctx, r.owner, r.name, &github.Reference{
		Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(sha)},
	})
	if ghclient.IsStatus(err, 422) {
		return fmt.Errorf("create branch %s in %s: %w (%v)", branch, r.full(), errBranchExists, err)
	}
	if err != nil {
		return fmt.Errorf("create branch %s in %s: %w", branch, r.full(), err)
	}
	return nil
}

func (r repoAPI) createFile(ctx context.Context, branch, path, message string, content []byte) error {
	_, _, err := r.c.Repositories.CreateFile(ctx, r.owner, r.name, path, &github.RepositoryContentFileOptions{
		Message: github.String(message), Content: content, Branch: github.String(branch),
	})
	if err != nil {
		return fmt.Errorf("commit %s to %s in %s: %w", path, branch, r.full(), err)
	}
	return nil
}

// filesAdded lists, sorted, the files at commit head that commit base does
// not have, among those keep accepts. It compares the two commits' trees.
func (r repoAPI) filesAdded(ctx context.Context, base, head string, keep func(path string) bool) ([]string, error) {
	before, err := r.files(ctx, base, keep)
	if err != nil {
		return nil, err
	}
	after, err := r.files(ctx, head, keep)
	if err != nil {
		return nil, err
	}
	var added []string
	for f := range after {
		if !before[f] {
			added = append(added, f)
		}
	}
	sort.Strings(added)
	return added, nil
}

// files lists the files in a commit's tree that keep accepts.
func (r repoAPI) files(ctx context.Context, commit string, keep func(path string) bool) (map[string]bool, error) {
	tree, _, err := r.c.Git.GetTree(ctx, r.owner, r.name, commit, true)
	if err != nil {
		return nil, fmt.Errorf("list files of %s@%s: %w", r.full(), commit, err)
	}
	if tree.GetTruncated() {
		return nil, fmt.Errorf("list files of %s@%s: GitHub truncated the tree", r.full(), commit)
	}
	out := map[string]bool{}
	for _, e := range tree.Entries {
		if e.GetType() == "blob" && keep(e.GetPath()) {
			out[e.GetPath()] = true
		}
	}
	return out, nil
}

// pullAddedFiles lists the files a pull request adds (first 100 changes:
// a postmortem PR has one).
func (r repoAPI) pullAddedFiles(ctx context.Context, number int) ([]string, error) {
	files, _, err := r.c.PullRequests.ListFiles(ctx, r.owner, r.name, number, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("list files of pull request %s#%d: %w", r.full(), number, err)
	}
	var out []string
	for _, f := range files {
		if f.GetStatus() == "added" {
			out = append(out, f.GetFilename())
		}
	}
	return out, nil
}

// pullFrom finds the pull request (open or not) whose head is branch.
func (r repoAPI) pullFrom(ctx context.Context, branch string) (*github.PullRequest, error) {
	pulls, _, err := r.c.PullRequests.List(ctx, r.owner, r.name, &github.PullRequestListOptions{
		State: "all", Head: r.owner + ":" + branch, ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		return nil, fmt.Errorf("find pull request from %s in %s: %w", branch, r.full(), err)
	}
	for _, p := range pulls {
		if p.GetHead().GetRef() == branch {
			return p, nil
		}
	}
	return nil, nil
}

func (r repoAPI) pull(ctx context.Context, number int) (*github.PullRequest, error) {
	p, _, err := r.c.PullRequests.Get(ctx, r.owner, r.name, number)
	if err != nil {
		return nil, fmt.Errorf("get pull request %s#%d: %w", r.full(), number, err)
	}
	return p, nil
}

func (r repoAPI) openPull(ctx context.Context, branch, base, title, body string) (*github.PullRequest, error) {
	p, _, err := r.c.PullRequests.Create(ctx, r.owner, r.name, &github.NewPullRequest{
		Title: github.String(title), Head: github.String(branch), Base: github.String(base), Body: github.String(body),
	})
	if err != nil {
		return nil, fmt.Errorf("open pull request from %s in %s: %w", branch, r.full(), err)
	}
	return p, nil
}

// setLabelsAndAssignees replaces an issue's or PR's labels and assignees in
// one request; callers pass the union of what is there and what they add,
// and nil for a list they leave alone.
func (r repoAPI) setLabelsAndAssignees(ctx context.Context, number int, labels, assignees []string) error {
	req := &github.IssueRequest{}
	if labels != nil {
		req.Labels = &labels
	}
	if assignees != nil {
		req.Assignees = &assignees
	}
	_, _, err := r.c.Issues.Edit(ctx, r.owner, r.name, number, req)
	if err != nil {
		return fmt.Errorf("set labels and assignees of %s#%d: %w", r.full(), number, err)
	}
	return nil
}

func (r repoAPI) addLabel(ctx context.Context, number int, label string) error {
	_, _, err := r.c.Issues.AddLabelsToIssue(ctx, r.owner, r.name, number, []string{label})
	if err != nil {
		return fmt.Errorf("label %s#%d %q: %w", r.full(), number, label, err)
	}
	return nil
}

func (r repoAPI) requestReviews(ctx context.Context, number int, users, teams []string) error {
	_, _, err := r.c.PullRequests.RequestReviewers(ctx, r.owner, r.name, number, github.ReviewersRequest{
		Reviewers: users, TeamReviewers: teams,
	})
	if err != nil {
		return fmt.Errorf("request reviews on %s#%d: %w", r.full(), number, err)
	}
	return nil
}

func (r repoAPI) comment(ctx context.Context, number int, body string) (int64, error) {
	c, _, err := r.c.Issues.CreateComment(ctx, r.owner, r.name, number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return 0, fmt.Errorf("comment on %s#%d: %w", r.full(), number, err)
	}
	return c.GetID(), nil
}

// markedSince reports whether author (anyone when empty) wrote a comment
// carrying marker on the issue since the given time.
func (r repoAPI) markedSince(ctx context.Context, number int, marker, author string, since time.Time) (bool, error) {
	opts := &github.IssueListCommentsOptions{Since: &since, ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < maxTimelinePages; page++ {
		comments, resp, err := r.c.Issues.ListComments(ctx, r.owner, r.name, number, opts)
		if err != nil {
			return false, fmt.Errorf("list comments on %s#%d: %w", r.full(), number, err)
		}
		for _, c := range comments {
			if strings.Contains(c.GetBody(), marker) && (author == "" || strings.EqualFold(c.GetUser().GetLogin(), author)) {
				return true, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return false, nil
}

func (r repoAPI) editComment(ctx context.Context, id int64, body string) error {
	_, _, err := r.c.Issues.EditComment(ctx, r.owner, r.name, id, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return fmt.Errorf("edit comment %d in %s: %w", id, r.full(), err)
	}
	return nil
}

// canWrite reports whether user may push to the repository (admin, maintain
// or write; GitHub reports maintain as "write" in this field).
func (r repoAPI) canWrite(ctx context.Context, user string) (bool, error) {
	p, _, err := r.c.Repositories.GetPermissionLevel(ctx, r.owner, r.name, user)
	if ghclient.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("permission of %s on %s: %w", user, r.full(), err)
	}
	switch p.GetPermission() {
	case "admin", "maintain", "write":
		return true, nil
	}
	return false, nil
}
