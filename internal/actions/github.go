package actions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// repoClient is the narrow part of GitHub this feature uses, for one
// repository, in the feature's own types.
type repoClient struct {
	gh          *github.Client
	owner, repo string
}

// ghIssue is an issue as GitHub holds it.
type ghIssue struct {
	Number    int
	Title     string
	Body      string
	State     string
	Labels    []string
	Assignees []string
	ClosedAt  time.Time
	IsPull    bool
}

func (i ghIssue) hasLabel(name string) bool {
	for _, l := range i.Labels {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

func toIssue(i *github.Issue) ghIssue {
	out := ghIssue{Number: i.GetNumber(), Title: i.GetTitle(), Body: i.GetBody(), State: i.GetState(), IsPull: i.IsPullRequest()}
	for _, l := range i.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, a := range i.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	if i.ClosedAt != nil {
		out.ClosedAt = i.ClosedAt.UTC()
	}
	return out
}

// isGone reports an issue GitHub does not have (any more): 404, or 410 for
// a deleted one.
func isGone(err error) bool { return ghclient.IsNotFound(err) || ghclient.IsStatus(err, 410) }

// pullFiles lists the paths a pull request adds or changes (not removes).
func (c repoClient) pullFiles(ctx context.Context, number int) ([]string, error) {
	var out []string
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list files of %s/%s#%d: %w", c.owner, c.repo, number, err)
		}
		for _, f := range files {
			if f.GetStatus() != "removed" {
				out = append(out, f.GetFilename())
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

func (c repoClient) fileAt(ctx context.Context, path, ref string) ([]byte, error) {
	fc, _, _, err := c.gh.Repositories.GetContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	if fc == nil {
		return nil, fmt.Errorf("read %s at %s: it is a directory", path, ref)
	}
	text, err := fc.GetContent()
	if err != nil {
		return nil, fmt.Errorf("decode %s at %s: %w", path, ref, err)
	}
	return []byte(text), nil
}

func (c repoClient) issue(ctx context.Context, number int) (ghIssue, error) {
	i, _, err := c.gh.Issues.Get(ctx, c.owner, c.repo, number)
	if err != nil {
		return ghIssue{}, fmt.Errorf("read %s/%s#%d: %w", c.owner, c.repo, number, err)
	}
	return toIssue(i), nil
}

// listIssues lists issues (not pull requests), following every page.
func (c repoClient) listIssues(ctx context.Context, opts github.IssueListByRepoOptions) ([]ghIssue, error) {
	opts.ListOptions = github.ListOptions{PerPage: 100}
	var out []ghIssue
	for {
		page, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.repo, &opts)
		if err != nil {
			return nil, fmt.Errorf("list issues of %s/%s: %w", c.owner, c.repo, err)
		}
		for _, i := range page {
			if !i.IsPullRequest() {
				out = append(out, toIssue(i))
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// labelled lists every issue, open or closed, carrying label.
func (c repoClient) labelled(ctx context.Context, label string) ([]ghIssue, error) {
	return c.listIssues(ctx, github.IssueListByRepoOptions{State: "all", Labels: []string{label}, Sort: "created", Direction: "asc"})
}

func (c repoClient) createIssue(ctx context.Context, title, body string, labels, assignees []string) (ghIssue, error) {
	req := &github.IssueRequest{Title: &title, Body: &body}
	if len(labels) > 0 {
		req.Labels = &labels
	}
	if len(assignees) > 0 {
		req.Assignees = &assignees
	}
	i, _, err := c.gh.Issues.Create(ctx, c.owner, c.repo, req)
	if err != nil {
		return ghIssue{}, fmt.Errorf("open issue %q in %s/%s: %w", title, c.owner, c.repo, err)
	}
	return toIssue(i), nil
}

func (c repoClient) editBody(ctx context.Context, number int, body string) (ghIssue, error) {
	i, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, &github.IssueRequest{Body: &body})
	if err != nil {
		return ghIssue{}, fmt.Errorf("edit %s/%s#%d: %w", c.owner, c.repo, number, err)
	}
	return toIssue(i), nil
}

// editIssue changes an issue's body and its assignees (the whole list);
// a nil argument leaves that part as it is.
func (c repoClient) editIssue(ctx context.Context, number int, body *string, assignees *[]string) (ghIssue, error) {
	i, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, &github.IssueRequest{Body: body, Assignees: assignees})
	if err != nil {
		return ghIssue{}, fmt.Errorf("edit %s/%s#%d: %w", c.owner, c.repo, number, err)
	}
	return toIssue(i), nil
}

func (c repoClient) closeIssue(ctx context.Context, number int) error {
	state, reason := "closed", "completed"
	if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, &github.IssueRequest{State: &state, StateReason: &reason}); err != nil {
		return fmt.Errorf("close %s/%s#%d: %w", c.owner, c.repo, number, err)
	}
	return nil
}

func (c repoClient) addLabels(ctx context.Context, number int, labels ...string) error {
	if _, _, err := c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.repo, number, labels); err != nil {
		return fmt.Errorf("label %s/%s#%d %v: %w", c.owner, c.repo, number, labels, err)
	}
	return nil
}

// ghComment is an issue comment.
type ghComment struct {
	ID   int64
	Body string
}

func (c repoClient) comments(ctx context.Context, number int) ([]ghComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var out []ghComment
	for {
		page, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s/%s#%d: %w", c.owner, c.repo, number, err)
		}
		for _, cm := range page {
			out = append(out, ghComment{ID: cm.GetID(), Body: cm.GetBody()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// commentWith returns the first comment containing text.
func (c repoClient) commentWith(ctx context.Context, number int, text string) (ghComment, bool, error) {
	all, err := c.comments(ctx, number)
	if err != nil {
		return ghComment{}, false, err
	}
	for _, cm := range all {
		if strings.Contains(cm.Body, text) {
			return cm, true, nil
		}
	}
	return ghComment{}, false, nil
}

func (c repoClient) comment(ctx context.Context, number int, body string) (int64, error) {
	cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, number, &github.IssueComment{Body: &body})
	if err != nil {
		return 0, fmt.Errorf("comment on %s/%s#%d: %w", c.owner, c.repo, number, err)
	}
	return cm.GetID(), nil
}

func (c repoClient) editComment(ctx context.Context, id int64, body string) error {
	if _, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, id, &github.IssueComment{Body: &body}); err != nil {
		return fmt.Errorf("edit comment %d in %s/%s: %w", id, c.owner, c.repo, err)
	}
	return nil
}
