package repo

import (
	"context"
	"time"

	"github.com/google/go-github/v60/github"
)

// maxChangePages bounds the pages (100 entries each) read when listing the
// pull requests merged, or the deployments made, in a window.
const maxChangePages = 3

// MergedPull is a pull request merged into a branch.
type MergedPull struct {
	Number   int
	Title    string
	Author   string
	MergedAt time.Time
}

// PullsMergedBetween lists the pull requests merged into base from from to
// to, newest first. It reads closed pull requests by their last update,
// newest first, and stops at the first one updated before from (a pull
// request is updated when it merges, so none after it merged in the
// window), reading at most maxChangePages pages; more says it stopped at
// that bound.
func (c *Client) PullsMergedBetween(ctx context.Context, base string, from, to time.Time) (out []MergedPull, more bool, err error) {
	opts := &github.PullRequestListOptions{State: "closed", Base: base, Sort: "updated", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < maxChangePages; page++ {
		pulls, resp, err := c.gh.PullRequests.List(ctx, c.owner, c.name, opts)
		if err != nil {
			return nil, false, c.errorf("list pull requests merged into %s: %w", base, err)
		}
		for _, p := range pulls {
			if p.GetUpdatedAt().Time.Before(from) {
				return sortMerged(out), false, nil
			}
			m := p.GetMergedAt().Time
			if m.IsZero() || m.Before(from) || m.After(to) {
				continue
			}
			out = append(out, MergedPull{Number: p.GetNumber(), Title: p.GetTitle(), Author: p.GetUser().GetLogin(), MergedAt: m.UTC()})
		}
		if resp.NextPage == 0 {
			return sortMerged(out), false, nil
		}
		opts.Page = resp.NextPage
	}
	return sortMerged(out), true, nil
}

func sortMerged(ps []MergedPull) []MergedPull {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].MergedAt.After(ps[j-1].MergedAt); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// Deployment is a deployment recorded through GitHub's deployments API.
type Deployment struct {
	Environment string
	Ref, SHA    string
	Description string
	Creator     string
	CreatedAt   time.Time
}

// DeploymentsBetween lists the deployments created from from to to, newest
// first (GitHub lists them newest first), reading at most maxChangePages
// pages; more says it stopped at that bound. A repository that does not
// use deployments answers an empty list.
func (c *Client) DeploymentsBetween(ctx context.Context, from, to time.Time) (out []Deployment, more bool, err error) {
	opts := &github.DeploymentsListOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < maxChangePages; page++ {
		ds, resp, err := c.gh.Repositories.ListDeployments(ctx, c.owner, c.name, opts)
		if err != nil {
			return nil, false, c.errorf("list deployments: %w", err)
		}
		for _, d := range ds {
			at := d.GetCreatedAt().Time
			if at.Before(from) {
				return out, false, nil
			}
			if at.After(to) {
				continue
			}
			out = append(out, Deployment{Environment: d.GetEnvironment(), Ref: d.GetRef(), SHA: d.GetSHA(),
				Description: d.GetDescription(), Creator: d.GetCreator().GetLogin(), CreatedAt: at.UTC()})
		}
		if resp.NextPage == 0 {
			return out, false, nil
		}
		opts.Page = resp.NextPage
	}
	return out, true, nil
}
