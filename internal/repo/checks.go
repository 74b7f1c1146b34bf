package repo

import (
	"context"

	"github.com/google/go-github/v60/github"
)

// CheckRuns lists the check runs of the given name on a commit, every page.
// Runs stay in go-github's shape: the check's publishing reads and writes
// them as GitHub defines them.
func (c *Client) CheckRuns(ctx context.Context, sha, name string) ([]*github.CheckRun, error) {
	opts := &github.ListCheckRunsOptions{
		CheckName: github.String(name), Filter: github.String("all"), ListOptions: github.ListOptions{PerPage: 100},
	}
	var out []*github.CheckRun
	for {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, c.owner, c.name, sha, opts)
		if err != nil {
			return nil, c.errorf("list %s check runs on %s: %w", name, sha, err)
		}
		out = append(out, res.CheckRuns...)
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// CreateCheckRun creates a check run and returns its id.
func (c *Client) CreateCheckRun(ctx context.Context, opts github.CreateCheckRunOptions) (int64, error) {
	run, _, err := c.gh.Checks.CreateCheckRun(ctx, c.owner, c.name, opts)
	if err != nil {
		return 0, c.errorf("create check run on %s: %w", opts.HeadSHA, err)
	}
	return run.GetID(), nil
}

// UpdateCheckRun updates a check run.
func (c *Client) UpdateCheckRun(ctx context.Context, id int64, opts github.UpdateCheckRunOptions) error {
	if _, _, err := c.gh.Checks.UpdateCheckRun(ctx, c.owner, c.name, id, opts); err != nil {
		return c.errorf("update check run %d: %w", id, err)
	}
	return nil
}
