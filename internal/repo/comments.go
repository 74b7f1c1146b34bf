package repo

import (
	"context"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Comment is an issue or pull-request comment.
type Comment struct {
	ID     int64
	Body   string
	Author string
}

// Comments lists an issue's comments, oldest first, every page; since
// (when not zero) keeps the ones updated after it.
func (c *Client) Comments(ctx context.Context, number int, since time.Time) ([]Comment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	if !since.IsZero() {
		opts.Since = &since
	}
	var out []Comment
	for {
		page, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.name, number, opts)
		if err != nil {
			return nil, c.errorf("list comments of #%d: %w", number, err)
		}
		for _, cm := range page {
			out = append(out, Comment{ID: cm.GetID(), Body: cm.GetBody(), Author: cm.GetUser().GetLogin()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// FindMarked returns the first of comments that the app wrote and that
// carries marker: the authorship rule every feature applies. Someone else's
// comment quoting the marker never counts. While the bot login is unknown
// it answers ErrBotUnknown rather than guess.
func (c *Client) FindMarked(comments []Comment, marker string) (Comment, bool, error) {
	if c.bot == "" {
		return Comment{}, false, c.errorf("find the app's comment %s: %w", marker, ErrBotUnknown)
	}
	for _, cm := range comments {
		if strings.Contains(cm.Body, marker) && c.WrittenByApp(cm.Author) {
			return cm, true, nil
		}
	}
	return Comment{}, false, nil
}

// MarkedComment reads the issue's comments (since, when not zero) and
// returns the app's comment carrying marker.
func (c *Client) MarkedComment(ctx context.Context, number int, marker string, since time.Time) (Comment, bool, error) {
	if c.bot == "" {
		return Comment{}, false, c.errorf("find the app's comment %s: %w", marker, ErrBotUnknown)
	}
	all, err := c.Comments(ctx, number, since)
	if err != nil {
		return Comment{}, false, err
	}
	return c.FindMarked(all, marker)
}

// CreateComment comments on an issue or pull request and returns the
// comment's id.
func (c *Client) CreateComment(ctx context.Context, number int, body string) (int64, error) {
	cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.name, number, &github.IssueComment{Body: &body})
	if err != nil {
		return 0, c.errorf("comment on #%d: %w", number, err)
	}
	return cm.GetID(), nil
}

// EditComment replaces a comment's body.
func (c *Client) EditComment(ctx context.Context, id int64, body string) error {
	if _, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.name, id, &github.IssueComment{Body: &body}); err != nil {
		return c.errorf("edit comment %d: %w", id, err)
	}
	return nil
}
