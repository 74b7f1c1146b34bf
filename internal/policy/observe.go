package policy

import (
	"context"

	"github.com/google/go-github/v60/github"
)

// Fetch loads the policy for owner/repo at ref (empty: the default branch):
// the repository's own file, following a remote reference, else the one in
// the owner's .github repository, else the defaults (see fetch). A read of
// the default branch is told to the context's Observer, if any.
func Fetch(ctx context.Context, client *github.Client, owner, repo, ref string) (*Policy, Source, error) {
	p, src, err := fetch(ctx, client, owner, repo, ref)
	if ref == "" {
		if o, ok := ctx.Value(observerKey{}).(Observer); ok {
			o(owner, repo, p, src, err)
		}
	}
	return p, src, err
}

// Observer hears of every policy read of a default branch made under a
// context (the webhook intake learns repositories' policies from the reads
// jobs make anyway, instead of reading them a second time).
type Observer func(owner, repo string, p *Policy, src Source, err error)

type observerKey struct{}

// WithObserver returns a context whose default-branch policy reads are told to o.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}
