package repo

import (
	"context"

	"github.com/google/go-github/v60/github"
)

// Pull is a pull request as GitHub holds it.
type Pull struct {
	Number             int
	State              string // "open" or "closed"
	Merged             bool
	Body               string
	HeadRef, HeadSHA   string
	Labels, Assignees  []string
	RequestedReviewers []string // logins
	RequestedTeams     []string // team slugs
}

func pullOf(p *github.PullRequest) Pull {
	out := Pull{Number: p.GetNumber(), State: p.GetState(), Merged: p.GetMerged(), Body: p.GetBody(),
		HeadRef: p.GetHead().GetRef(), HeadSHA: p.GetHead().GetSHA()}
	for _, l := range p.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, a := range p.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	for _, u := range p.RequestedReviewers {
		out.RequestedReviewers = append(out.RequestedReviewers, u.GetLogin())
	}
	for _, t := range p.RequestedTeams {
		out.RequestedTeams = append(out.RequestedTeams, t.GetSlug())
	}
	return out
}

// Pull reads a pull request.
func (c *Client) Pull(ctx context.Context, number int) (Pull, error) {
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.name, number)
	if err != nil {
		return Pull{}, c.errorf("read pull request #%d: %w", number, err)
	}
	return pullOf(p), nil
}

// PullFrom finds the pull request (open or not) whose head is the branch of
// this repository; found is false when there is none.
func (c *Client) PullFrom(ctx context.Context, branch string) (p Pull, found bool, err error) {
	pulls, _, err := c.gh.PullRequests.List(ctx, c.owner, c.name, &github.PullRequestListOptions{
		State: "all", Head: c.owner + ":" + branch, ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		return Pull{}, false, c.errorf("find pull request from %s: %w", branch, err)
	}
	for _, p := range pulls {
		if p.GetHead().GetRef() == branch {
			return pullOf(p), true, nil
		}
	}
	return Pull{}, false, nil
}

// NewPull is a pull request to open.
type NewPull struct {
	Head, Base, Title, Body string
}

// OpenPull opens a pull request. One that exists already is refused
// (IsRefused).
func (c *Client) OpenPull(ctx context.Context, n NewPull) (Pull, error) {
	p, _, err := c.gh.PullRequests.Create(ctx, c.owner, c.name, &github.NewPullRequest{
		Title: &n.Title, Head: &n.Head, Base: &n.Base, Body: &n.Body,
	})
	if err != nil {
		return Pull{}, c.errorf("open pull request from %s: %w", n.Head, err)
	}
	return pullOf(p), nil
}

// RequestReviews asks users and teams to review a pull request.
func (c *Client) RequestReviews(ctx context.Context, number int, users, teams []string) error {
	_, _, err := c.gh.PullRequests.RequestReviewers(ctx, c.owner, c.name, number, github.ReviewersRequest{
		Reviewers: users, TeamReviewers: teams,
	})
	if err != nil {
		return c.errorf("request reviews on #%d: %w", number, err)
	}
	return nil
}

// PullFile is a file a pull request touches.
type PullFile struct {
	Path    string
	Status  string // added, modified, removed, renamed, copied, changed, unchanged
	BlobSHA string // the file's blob at the head ("" for a removed file)
}

// Removed reports a file the pull request deletes.
func (f PullFile) Removed() bool { return f.Status == "removed" }

// PullFiles lists every file a pull request touches, every page.
func (c *Client) PullFiles(ctx context.Context, number int) ([]PullFile, error) {
	var out []PullFile
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.name, number, opts)
		if err != nil {
			return nil, c.errorf("list files of pull request #%d: %w", number, err)
		}
		for _, f := range files {
			out = append(out, PullFile{Path: f.GetFilename(), Status: f.GetStatus(), BlobSHA: f.GetSHA()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}
