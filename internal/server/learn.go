package server

import (
	"context"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/policyfacts"
)

// policyLearner runs a handler's jobs so that the policy reads they make
// anyway teach the intake's policy facts: a repository's policy is then
// read once, by the first job that needs it, not again by the cache.
type policyLearner struct {
	event.Handler
	facts *policyfacts.Cache
}

func learnPolicies(handlers []event.Handler, facts *policyfacts.Cache) []event.Handler {
	out := make([]event.Handler, len(handlers))
	for i, h := range handlers {
		out[i] = policyLearner{Handler: h, facts: facts}
	}
	return out
}

func (l policyLearner) Work(ctx context.Context, d *event.Delivery) error {
	if d.InstallationID != 0 && d.RepoID != 0 {
		generation := l.facts.Generation()
		ctx = policy.WithObserver(ctx, func(owner, repo string, p *policy.Policy, src policy.Source, err error) {
			if strings.EqualFold(owner, d.Owner) && strings.EqualFold(repo, d.Repo) {
				l.facts.Learned(d.InstallationID, d.RepoID, d.Owner, d.Repo, generation, p, src, err)
			}
		})
	}
	return l.Handler.Work(ctx, d)
}
