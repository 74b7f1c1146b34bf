package policyfacts

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// fakeClock is a settable now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func withLabels(t *testing.T, yaml string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(".github/postmortem.yml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// learned returns a cache that already knows repository 1 (acme/shop,
// installation 7) with the given source, and the clock it runs on.
func learned(t *testing.T, src policy.Source) (*Cache, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	c := New(Options{Now: clock.Now, SelfReadDelay: time.Hour, Fetch: func(context.Context, int64, string, string) (*policy.Policy, policy.Source, error) {
		t.Error("the cache read a policy itself; it should have learned it")
		return nil, policy.Source{}, errors.New("unexpected")
	}})
	c.Learned(7, 1, "acme", "shop", c.Generation(), withLabels(t, "incident:\n  labels: [incident, outage]\n"), src, nil)
	if _, ok := c.Lookup(7, 1, "acme", "shop"); !ok {
		t.Fatal("facts not fresh right after they were learned")
	}
	return c, clock
}

func TestPushesForgetOnlyPoliciesTheyMayHaveChanged(t *testing.T) {
	own := policy.Source{Repo: "acme/shop", Path: ".github/postmortem.yml", Ref: "main"}
	remote := policy.Source{Repo: "acme/policies", Path: "teams/payments.yml", Ref: "main"}
	defaults := policy.Source{Default: true}
	cases := []struct {
		name   string
		source policy.Source
		push   Push
		forget bool
	}{
		{"own policy on default branch", own, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true}, true},
		{"own .yaml spelling appears", defaults, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{".github/postmortem.yaml"}, Complete: true}, true},
		{"other files only", own, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{"README.md", "src/app.go"}, Complete: true}, false},
		{"policy on a feature branch", own, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/try-policy", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true}, false},
		{"a tag", own, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/tags/v1", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true}, false},
		{"partial file list", own, Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{"README.md"}, Complete: false}, true},
		{"org .github policy", defaults, Push{RepoID: 99, Owner: "acme", Repo: ".github", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{"postmortem.yml"}, Complete: true}, true},
		{"other org's .github", defaults, Push{RepoID: 98, Owner: "globex", Repo: ".github", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true}, false},
		{"remote policy file", remote, Push{RepoID: 50, Owner: "acme", Repo: "policies", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{"teams/payments.yml"}, Complete: true}, true},
		{"remote repo, other file", remote, Push{RepoID: 50, Owner: "acme", Repo: "policies", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{"teams/search.yml"}, Complete: true}, false},
		{"another repository", own, Push{RepoID: 2, Owner: "acme", Repo: "web", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := learned(t, tc.source)
			c.Pushed(tc.push)
			_, fresh := c.Lookup(7, 1, "acme", "shop")
			if fresh == tc.forget {
				t.Errorf("after the push, facts fresh = %v; want forgotten = %v", fresh, tc.forget)
			}
		})
	}
}

func TestFactsExpireAndFollowInstallationChanges(t *testing.T) {
	c, clock := learned(t, policy.Source{Default: true})
	f, ok := c.Lookup(7, 1, "acme", "shop")
	if !ok || !f.IsIncidentLabel("OUTAGE") || f.IsIncidentLabel("bug") {
		t.Fatalf("facts %+v, %v: want the file's incident labels, compared without case", f, ok)
	}
	if f.ActionItemLabel != "corrective-action" {
		t.Errorf("action-item label %q, want the default corrective-action", f.ActionItemLabel)
	}
	clock.Add(DefaultTTL + time.Second)
	if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
		t.Error("facts still fresh after the TTL")
	}

	c, _ = learned(t, policy.Source{Default: true})
	c.InstallationChanged(8)
	if _, ok := c.Lookup(7, 1, "acme", "shop"); !ok {
		t.Error("another installation's change forgot these facts")
	}
	c.InstallationChanged(7)
	if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
		t.Error("the installation changed but its facts were kept")
	}

	c, _ = learned(t, policy.Source{Default: true})
	if _, ok := c.Lookup(7, 1, "acme", "renamed"); ok {
		t.Error("facts answered for a repository id under another name")
	}
}

func TestAReadThatPredatesAPushIsNotKept(t *testing.T) {
	c, _ := learned(t, policy.Source{Default: true})
	c.Forget(1)
	started := c.Generation()
	c.Pushed(Push{RepoID: 1, Owner: "acme", Repo: "shop", Ref: "refs/heads/main", DefaultBranch: "main", Paths: []string{".github/postmortem.yml"}, Complete: true})
	c.Learned(7, 1, "acme", "shop", started, withLabels(t, "{}"), policy.Source{Default: true}, nil)
	if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
		t.Error("a read begun before the policy changed was trusted")
	}
}

func TestInvalidPolicyIsUndecidableAndFailuresDoNotSpoilFacts(t *testing.T) {
	c, _ := learned(t, policy.Source{Default: true})
	c.Learned(7, 1, "acme", "shop", c.Generation(), nil, policy.Source{}, errors.New("GitHub said 502"))
	if _, ok := c.Lookup(7, 1, "acme", "shop"); !ok {
		t.Error("a failed read threw away fresh facts")
	}
	c.Learned(7, 1, "acme", "shop", c.Generation(), nil, policy.Source{}, &policy.Error{File: ".github/postmortem.yml", Line: 1, Message: "bad"})
	if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
		t.Error("an invalid policy gave facts: the features must read it and report it")
	}
}

func TestColdRepositoryIsReadOnceWhenNoJobTeachesIt(t *testing.T) {
	var reads atomic.Int32
	done := make(chan struct{}, 10)
	c := New(Options{SelfReadDelay: 10 * time.Millisecond, Fetch: func(context.Context, int64, string, string) (*policy.Policy, policy.Source, error) {
		reads.Add(1)
		defer func() { done <- struct{}{} }()
		p, err := policy.Default()
		return p, policy.Source{Default: true}, err
	}})
	for range 20 {
		if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
			t.Fatal("a cold cache answered")
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the cache never read the policy")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := c.Lookup(7, 1, "acme", "shop"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("facts never became fresh")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("20 lookups of a cold repository made %d reads, want 1", n)
	}
}
