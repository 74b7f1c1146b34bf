package repo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Issue is an issue (or, with IsPull, a pull request) as GitHub holds it.
type Issue struct {
	Number    int
	Title     string
	Body      string
	State     string // "open" or "closed"
	Author    string
	Labels    []string
	Assignees []string
	ClosedAt  time.Time
	IsPull    bool
	// StateReason is GitHub's reason for the state: "completed",
	// "not_planned" or "reopened" ("" when GitHub gives none).
	StateReason string
	// ClosedBy is who closed it ("" while open or unknown).
	ClosedBy  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HasLabel reports whether the issue carries the label (case-insensitively,
// as GitHub matches labels).
func (i Issue) HasLabel(name string) bool {
	return slices.ContainsFunc(i.Labels, func(l string) bool { return strings.EqualFold(l, name) })
}

// IssueOf converts a go-github issue (from a webhook payload, say).
func IssueOf(i *github.Issue) Issue {
	out := Issue{Number: i.GetNumber(), Title: i.GetTitle(), Body: i.GetBody(), State: i.GetState(),
		Author: i.GetUser().GetLogin(), IsPull: i.IsPullRequest(), StateReason: i.GetStateReason(),
		ClosedBy: i.GetClosedBy().GetLogin()}
	for _, l := range i.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, a := range i.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	if i.ClosedAt != nil {
		out.ClosedAt = i.ClosedAt.UTC()
	}
	if i.UpdatedAt != nil {
		out.UpdatedAt = i.UpdatedAt.UTC()
	}
	if i.CreatedAt != nil {
		out.CreatedAt = i.CreatedAt.UTC()
	}
	return out
}

// Issue reads an issue. A deleted or missing one answers an error IsGone
// accepts; a transferred one answers the issue it became (another number).
func (c *Client) Issue(ctx context.Context, number int) (Issue, error) {
	i, _, err := c.gh.Issues.Get(ctx, c.owner, c.name, number)
	if err != nil {
		return Issue{}, c.errorf("read issue #%d: %w", number, err)
	}
	return IssueOf(i), nil
}

// IssueQuery selects issues to list.
type IssueQuery struct {
	State   string // "open", "closed" or "all"
	Labels  []string
	Creator string
}

// Issues lists issues (not pull requests) oldest first, every page.
func (c *Client) Issues(ctx context.Context, q IssueQuery) ([]Issue, error) {
	opts := &github.IssueListByRepoOptions{State: q.State, Labels: q.Labels, Creator: q.Creator,
		Sort: "created", Direction: "asc", ListOptions: github.ListOptions{PerPage: 100}}
	var out []Issue
	for {
		page, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.name, opts)
		if err != nil {
			return nil, c.errorf("list issues: %w", err)
		}
		for _, i := range page {
			if !i.IsPullRequest() {
				out = append(out, IssueOf(i))
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// AppIssuesMarked lists the issues the app opened whose body carries a
// marker that key accepts, keyed by what key returns. Issues anyone else
// opened never count, and while the bot login is unknown this is an error.
func (c *Client) AppIssuesMarked(ctx context.Context, q IssueQuery, key func(body string) string) (map[string]Issue, error) {
	if c.bot == "" {
		return nil, c.errorf("find the app's issues: %w", ErrBotUnknown)
	}
	q.Creator = c.bot
	all, err := c.Issues(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]Issue{}
	for _, i := range all {
		if !c.WrittenByApp(i.Author) {
			continue
		}
		if k := key(i.Body); k != "" {
			if _, seen := out[k]; !seen {
				out[k] = i
			}
		}
	}
	return out, nil
}

// NewIssue is an issue to open.
type NewIssue struct {
	Title, Body       string
	Labels, Assignees []string
}

// CreateIssue opens an issue.
func (c *Client) CreateIssue(ctx context.Context, n NewIssue) (Issue, error) {
	req := &github.IssueRequest{Title: &n.Title, Body: &n.Body}
	if len(n.Labels) > 0 {
		req.Labels = &n.Labels
	}
	if len(n.Assignees) > 0 {
		req.Assignees = &n.Assignees
	}
	i, _, err := c.gh.Issues.Create(ctx, c.owner, c.name, req)
	if err != nil {
		return Issue{}, c.errorf("open issue %q: %w", n.Title, err)
	}
	return IssueOf(i), nil
}

// IssueEdit changes parts of an issue or pull request; nil leaves a part as
// it is, and a list replaces the whole list.
type IssueEdit struct {
	Body      *string
	Labels    *[]string
	Assignees *[]string
	// Close closes the issue, as completed unless NotPlanned.
	Close      bool
	NotPlanned bool
}

// EditIssue applies the edit and returns the issue as GitHub now holds it.
func (c *Client) EditIssue(ctx context.Context, number int, e IssueEdit) (Issue, error) {
	req := &github.IssueRequest{Body: e.Body, Labels: e.Labels, Assignees: e.Assignees}
	if e.Close {
		req.State, req.StateReason = github.String("closed"), github.String("completed")
		if e.NotPlanned {
			req.StateReason = github.String("not_planned")
		}
	}
	i, _, err := c.gh.Issues.Edit(ctx, c.owner, c.name, number, req)
	if err != nil {
		return Issue{}, c.errorf("edit #%d: %w", number, err)
	}
	return IssueOf(i), nil
}

// AddLabels adds labels to an issue or pull request.
func (c *Client) AddLabels(ctx context.Context, number int, labels ...string) error {
	if _, _, err := c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.name, number, labels); err != nil {
		return c.errorf("label #%d %v: %w", number, labels, err)
	}
	return nil
}

// CanWrite reports whether user may push to the repository (admin, maintain
// or write; GitHub reports maintain as "write" in this field).
func (c *Client) CanWrite(ctx context.Context, user string) (bool, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, c.owner, c.name, user)
	if IsGone(err) {
		return false, nil
	}
	if err != nil {
		return false, c.errorf("permission of %s: %w", user, err)
	}
	switch p.GetPermission() {
	case "admin", "maintain", "write":
		return true, nil
	}
	return false, nil
}
