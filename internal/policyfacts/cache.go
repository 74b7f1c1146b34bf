// Package policyfacts remembers, per repository, the few things webhook
// intake needs from its postmortem policy (incident labels, action-item
// label, postmortem directory), so noise is told from work while GitHub waits.
package policyfacts

import (
	"context"
	"errors"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// Events are the webhooks that change what is remembered: pushes (a
// policy file changed) and installation changes.
var Events = []string{"push", "installation", "installation_repositories", "installation_target", "repository"}

// DefaultTTL bounds how long facts are trusted without a push saying they
// changed: a backstop for a missed or unsubscribed push event.
const DefaultTTL = 15 * time.Minute

// retryAfterFailure keeps a repository whose policy could not be read from
// being read again on every delivery.
const retryAfterFailure = 30 * time.Second

// concurrentReads bounds policy reads in flight.
const concurrentReads = 4

// Fetcher reads a repository's policy from its default branch.
type Fetcher func(ctx context.Context, installationID int64, owner, repo string) (*policy.Policy, policy.Source, error)

// Options configure a cache.
type Options struct {
	// GitHub creates the installation clients policies are read with
	// (ignored when Fetch is set).
	GitHub githubapp.ClientCreator
	Fetch  Fetcher
	TTL    time.Duration
	// SelfReadDelay overrides SelfReadDelay.
	SelfReadDelay time.Duration
	Logger        zerolog.Logger
	Now           func() time.Time
}

// Cache holds facts per repository. A lookup that finds nothing fresh
// starts a read in the background and reports "unknown", so the caller
// falls back to queueing the delivery as it would without the cache.
type Cache struct {
	fetch Fetcher
	ttl   time.Duration
	// selfReadDelay is SelfReadDelay unless a test shortens it.
	selfReadDelay time.Duration
	log           zerolog.Logger
	now           func() time.Time
	slots         chan struct{}

	mu      sync.Mutex
	repos   map[int64]*entry
	reading map[int64]bool
	// generation counts invalidations, so a read that started before a
	// push does not store what the push made stale.
	generation uint64
	reads      int
	closed     bool
}

// Close stops reads the cache would start itself.
func (c *Cache) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

type entry struct {
	installationID int64
	owner, repo    string
	facts          event.PolicyFacts
	// decidable is false when the policy is invalid: the features must
	// read it themselves (and report the problem).
	decidable bool
	source    policy.Source
	learned   time.Time
	failed    time.Time
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	fetch := o.Fetch
	if fetch == nil {
		cc := o.GitHub
		fetch = func(ctx context.Context, installationID int64, owner, repo string) (*policy.Policy, policy.Source, error) {
			client, err := cc.NewInstallationClient(installationID)
			if err != nil {
				return nil, policy.Source{}, err
			}
			return policy.Fetch(ctx, client, owner, repo, "")
		}
	}
	if o.SelfReadDelay <= 0 {
		o.SelfReadDelay = SelfReadDelay
	}
	return &Cache{
		selfReadDelay: o.SelfReadDelay,
		fetch:         fetch, ttl: o.TTL, log: o.Logger, now: o.Now, slots: make(chan struct{}, concurrentReads),
		repos: map[int64]*entry{}, reading: map[int64]bool{},
	}
}

// FactsOf extracts what intake needs from a policy.
func FactsOf(p *policy.Policy) event.PolicyFacts {
	return event.PolicyFacts{
		IncidentLabels:      append([]string(nil), p.Incident.Labels...),
		ActionItemLabel:     p.ActionItems.Label,
		PostmortemDirectory: p.Postmortem.Directory,
	}
}

// Lookup returns the repository's facts when they are fresh. Otherwise it
// reports false and makes sure they will be learned: from the policy read
// of a job the delivery queues (see Learned), or, when no job has read it
// within SelfReadDelay, by reading it itself (one read per repository at a
// time, none within retryAfterFailure of a failed one).
func (c *Cache) Lookup(installationID, repoID int64, owner, repo string) (event.PolicyFacts, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.repos[repoID]; e != nil && e.installationID == installationID && strings.EqualFold(e.owner, owner) && strings.EqualFold(e.repo, repo) {
		switch {
		case !e.learned.IsZero() && now.Sub(e.learned) < c.ttl:
			return e.facts, e.decidable
		case !e.failed.IsZero() && now.Sub(e.failed) < retryAfterFailure:
			return event.PolicyFacts{}, false
		}
	}
	if !c.reading[repoID] {
		c.reading[repoID] = true
		time.AfterFunc(c.selfReadDelay, func() { c.readUnlessLearned(installationID, repoID, owner, repo) })
	}
	return event.PolicyFacts{}, false
}

// SelfReadDelay is how long a cold repository waits for a job's policy
// read before the cache reads the policy itself.
const SelfReadDelay = 2 * time.Second

func (c *Cache) fresh(repoID int64, now time.Time) bool {
	e := c.repos[repoID]
	return e != nil && !e.learned.IsZero() && now.Sub(e.learned) < c.ttl
}

func (c *Cache) readUnlessLearned(installationID, repoID int64, owner, repo string) {
	c.mu.Lock()
	if c.closed || c.fresh(repoID, c.now()) {
		delete(c.reading, repoID)
		c.mu.Unlock()
		return
	}
	generation := c.generation
	c.mu.Unlock()
	c.slots <- struct{}{}
	defer func() { <-c.slots }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, src, err := c.fetch(ctx, installationID, owner, repo)
	c.mu.Lock()
	delete(c.reading, repoID)
	c.mu.Unlock()
	c.learn(installationID, repoID, owner, repo, generation, p, src, err)
}

// Generation identifies the cache's state of knowledge: a read that
// starts under one generation and ends under another may predate a change.
func (c *Cache) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.generation
}

// Learned records a policy read (of the default branch) made by a job that
// started at generation.
func (c *Cache) Learned(installationID, repoID int64, owner, repo string, generation uint64, p *policy.Policy, src policy.Source, err error) {
	c.learn(installationID, repoID, owner, repo, generation, p, src, err)
}

func (c *Cache) learn(installationID, repoID int64, owner, repo string, generation uint64, p *policy.Policy, src policy.Source, err error) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	if generation != c.generation {
		// A push or an installation change arrived meanwhile; what was
		// read may predate it.
		return
	}
	e := &entry{installationID: installationID, owner: owner, repo: repo, source: src}
	var invalid *policy.Error
	switch {
	case err == nil && p != nil:
		e.facts, e.decidable, e.learned = FactsOf(p), true, now
	case errors.As(err, &invalid):
		// Remembered as undecidable until the file changes.
		e.learned = now
	case err != nil:
		if c.fresh(repoID, now) {
			return // a failed read does not spoil what is known
		}
		e.failed = now
		c.log.Warn().Err(err).Str("repository", owner+"/"+repo).Msg("could not read the postmortem policy for intake; deliveries are queued without it")
	default:
		return
	}
	c.repos[repoID] = e
}

// Reads counts finished policy reads (tests and benchmarks read it).
func (c *Cache) Reads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

// Push is what a push event says about files that changed.
type Push struct {
	RepoID             int64
	Owner, Repo        string
	Ref, DefaultBranch string
	Paths              []string
	// Complete is false when GitHub's list of changed files may be partial.
	Complete bool
}

// Pushed forgets every repository whose policy the push may have changed:
// the pushed repository's own (a policy path on its default branch), every
// repository of the owner when it is the owner's .github repository, and
// every repository whose policy was read from the pushed repository.
func (c *Cache) Pushed(p Push) {
	branch := strings.TrimPrefix(p.Ref, "refs/heads/")
	if branch == p.Ref {
		return // a tag
	}
	touches := func(paths []string) bool {
		if !p.Complete {
			return true
		}
		for _, changed := range p.Paths {
			for _, want := range paths {
				if path.Clean(changed) == want {
					return true
				}
			}
		}
		return false
	}
	onDefault := p.DefaultBranch == "" || branch == p.DefaultBranch
	full := p.Owner + "/" + p.Repo
	c.mu.Lock()
	defer c.mu.Unlock()
	forgot := false
	for id, e := range c.repos {
		switch {
		case id == p.RepoID && onDefault && touches(policy.Paths):
		case strings.EqualFold(p.Repo, ".github") && strings.EqualFold(e.owner, p.Owner) && onDefault && touches(policy.OrgPaths):
		case e.source.Repo != "" && strings.EqualFold(e.source.Repo, full) && (e.source.Ref == "" || e.source.Ref == branch || onDefault) &&
			touches([]string{e.source.Path}):
		default:
			continue
		}
		delete(c.repos, id)
		forgot = true
	}
	// Reads in flight (by jobs or by the cache) may predate this push.
	if forgot || (onDefault && touches(append(append([]string(nil), policy.Paths...), policy.OrgPaths...))) {
		c.generation++
	}
}

// InstallationChanged forgets every repository of an installation.
func (c *Cache) InstallationChanged(installationID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.repos {
		if e.installationID == installationID {
			delete(c.repos, id)
		}
	}
	c.generation++
}

// Forget drops one repository's facts (renamed, transferred, deleted).
func (c *Cache) Forget(repoID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.repos, repoID)
	c.generation++
}
