package repo

import (
	"context"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// Policy loads the repository's postmortem policy at ref ("" for the
// default branch). A broken policy file answers a *policy.Error.
func (c *Client) Policy(ctx context.Context, ref string) (*policy.Policy, policy.Source, error) {
	p, src, err := policy.Fetch(ctx, c.gh, c.owner, c.name, ref)
	if err != nil {
		return nil, src, c.errorf("postmortem policy: %w", err)
	}
	return p, src, nil
}

// PolicyFile reads a policy file at ref as the policy loader does (sized
// before it is read, within the loader's limits); nil when it is not there.
func (c *Client) PolicyFile(ctx context.Context, ref, path string) ([]byte, error) {
	return policy.ReadFile(ctx, c.gh, c.owner, c.name, ref, path)
}
