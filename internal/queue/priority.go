package queue

import (
	"context"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
)

// Job priorities, River's 1 (first) to 4 (last). Work that answers a
// person runs ahead of background work and of anything a burst queued.
const (
	// PriorityUrgent answers a person: an issue labelled (an incident, or
	// an action item changing), a /postmortem command, a check on a pushed head.
	PriorityUrgent = 1
	// PriorityNormal is any other delivery, and urgent work from a
	// repository that is sending more than its share.
	PriorityNormal = 2
	// PriorityBurst is normal work from a repository sending more than its share.
	PriorityBurst = 3
	// PriorityBackground is periodic work nobody is waiting for.
	PriorityBackground = 4
)

// BackgroundKinds are the periodic job kinds (reminders, reconciliation,
// status refreshes, pruning) and the related-incident index catch-up,
// queued at PriorityBackground whatever their own options say.
var BackgroundKinds = map[string]bool{
	"action_items_status":           true,
	"action_items_reminders":        true,
	"action_items_reconcile":        true,
	"incident_postmortem_reminders": true,
	"incident_related_index":        true,
	PruneArgs{}.Kind():              true,
}

// Priorities ranks delivery jobs. A repository may send a burst (a bot
// relabelling hundreds of issues): each repository has a budget of
// deliveries (a token bucket), and jobs beyond it drop one priority so
// other repositories' urgent work is not stuck behind them.
type Priorities struct {
	// Burst deliveries at once and Rate a second thereafter keep their rank.
	Burst float64
	Rate  float64
	now   func() time.Time

	mu    sync.Mutex
	repos map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxTrackedRepos bounds the buckets kept; past it they start afresh.
const maxTrackedRepos = 100_000

// NewPriorities gives each repository 50 deliveries at once and 5 a second.
func NewPriorities() *Priorities {
	return &Priorities{Burst: 50, Rate: 5, now: time.Now, repos: map[int64]*bucket{}}
}

// Urgency is a delivery's rank before any burst is accounted for.
func Urgency(d *event.Delivery) int {
	switch d.Event {
	case "issues":
		if d.Action == "labeled" || d.Action == "unlabeled" {
			return PriorityUrgent
		}
	case "issue_comment":
		return PriorityUrgent
	case "pull_request":
		switch d.Action {
		case "opened", "reopened", "synchronize", "ready_for_review", "edited":
			return PriorityUrgent
		}
	case "check_run", "check_suite":
		return PriorityUrgent
	}
	return PriorityNormal
}

// ForDelivery ranks a delivery's jobs, spending one unit of its
// repository's budget.
func (p *Priorities) ForDelivery(d *event.Delivery) int {
	rank := Urgency(d)
	if d.RepoID != 0 && !p.spend(d.RepoID) {
		rank++
	}
	return rank
}

// ForUndecided ranks the jobs of a delivery queued only because intake
// could not yet tell from the repository's policy whether it is work (the
// policy is being learned): one rank below its urgency, and without
// spending the repository's budget. A burst arriving before the policy is
// known is mostly noise; ranked like confirmed work it would both run ahead
// of an incident labelled just after it and use up that incident's budget.
func ForUndecided(d *event.Delivery) int {
	return min(Urgency(d)+1, PriorityBurst)
}

func (p *Priorities) spend(repoID int64) bool {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.repos[repoID]
	if !ok {
		if len(p.repos) >= maxTrackedRepos {
			p.repos = map[int64]*bucket{}
		}
		b = &bucket{tokens: p.Burst, last: now}
		p.repos[repoID] = b
	}
	b.tokens = min(p.Burst, b.tokens+now.Sub(b.last).Seconds()*p.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// backgroundLast queues periodic work behind every delivery.
type backgroundLast struct{ river.MiddlewareDefaults }

func (*backgroundLast) InsertMany(ctx context.Context, many []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	for _, p := range many {
		if BackgroundKinds[p.Kind] {
			p.Priority = PriorityBackground
		}
	}
	return doInner(ctx)
}
