package repo

import (
	"context"

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
