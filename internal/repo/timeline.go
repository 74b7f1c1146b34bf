package repo

import (
	"context"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// maxTimelinePages bounds how much of a very long issue is read (100 events
// a page); the draft caps its timeline far below this anyway.
const maxTimelinePages = 50

// Timeline reads an issue's timeline (events and comments), oldest first.
// Its events stay in go-github's shape: the incident record reads them
// field by field and no other feature does.
func (c *Client) Timeline(ctx context.Context, number int) ([]*github.Timeline, error) {
	var all []*github.Timeline
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxTimelinePages; page++ {
		events, resp, err := c.gh.Issues.ListIssueTimeline(ctx, c.owner, c.name, number, opts)
		if err != nil {
			return nil, c.errorf("list timeline of #%d: %w", number, err)
		}
		all = append(all, events...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return all, nil
}

// PullRef is a pull request of the same repository that mentioned an issue.
type PullRef struct {
	Number   int
	Title    string
	Author   string
	MergedAt time.Time // zero while not merged
}

// PullsReferencing lists the pull requests of this repository that mention
// the issue (its timeline's cross-references), oldest first, each once.
// Cross-references from other repositories are left out: the app reads
// only the repositories it is installed on, one at a time.
func (c *Client) PullsReferencing(ctx context.Context, number int) ([]PullRef, error) {
	events, err := c.Timeline(ctx, number)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	var out []PullRef
	for _, e := range events {
		if e.GetEvent() != "cross-referenced" || e.Source == nil || e.Source.Issue == nil {
			continue
		}
		src := e.Source.Issue
		if !src.IsPullRequest() || seen[src.GetNumber()] {
			continue
		}
		if r := src.GetRepository(); r != nil && !strings.EqualFold(r.GetFullName(), c.FullName()) {
			continue
		}
		seen[src.GetNumber()] = true
		p := PullRef{Number: src.GetNumber(), Title: src.GetTitle(), Author: src.GetUser().GetLogin()}
		if m := src.GetPullRequestLinks().GetMergedAt(); !m.IsZero() {
			p.MergedAt = m.UTC()
		}
		out = append(out, p)
	}
	return out, nil
}
