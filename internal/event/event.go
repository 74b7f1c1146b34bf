// Package event is the seam between webhook intake and the product's
// features: a Handler decides from a delivery alone whether it needs work,
// and later does that work inside a durable, retried job.
package event

import (
	"context"
	"encoding/json"
	"strings"
)

// Delivery is one webhook delivery as a job sees it.
type Delivery struct {
	ID             string `json:"id"`
	Event          string `json:"event"`
	Action         string `json:"action,omitempty"`
	InstallationID int64  `json:"installation_id"`
	RepoID         int64  `json:"repo_id,omitempty"`
	Owner          string `json:"owner,omitempty"`
	Repo           string `json:"repo,omitempty"`
	Sender         string `json:"sender,omitempty"`
	// Payload is the delivery's JSON body. It is stored once per delivery
	// beside the job (not in the job's arguments, which the queue re-reads
	// and re-writes on every fetch and retry) and loaded before Work runs.
	Payload []byte `json:"-"`
	// Summary is what the intake read from the payload while GitHub
	// waited; it is not stored with the job.
	Summary Summary `json:"-"`
}

// Summary is the part of a payload the intake decodes once, for every
// handler's decision.
type Summary struct {
	// Label is the label an issues.labeled or unlabeled event names.
	Label string
	// IssueLabels are the issue's labels after the change.
	IssueLabels []string
	IssueNumber int
	// PullRequest is true when the issue is a pull request.
	PullRequest bool
}

// Decode unmarshals the delivery's payload into v (a go-github event type).
func (d *Delivery) Decode(v any) error { return json.Unmarshal(d.Payload, v) }

// Handler is one feature's view of webhooks.
type Handler interface {
	// Name is stable: it is part of each job's uniqueness key.
	Name() string
	// Events lists the webhook event types the handler reads.
	Events() []string
	// Wants decides, from the delivery alone and without I/O, whether it
	// needs work. It runs while GitHub waits for the acknowledgement.
	Wants(d *Delivery) bool
	// Work does the delivery's work inside a job. It may run more than once
	// (retries, crashes), so every side effect must be checked before it is
	// made.
	Work(ctx context.Context, d *Delivery) error
}

// OwnEvents is implemented by a handler that also needs some deliveries the
// app itself caused (the intake drops the app's own events otherwise, so it
// never reacts to itself). Such a handler must not answer them with an
// action that causes the same kind of event again.
type OwnEvents interface {
	WantsOwn(d *Delivery) bool
}

// PolicyFacts is what the intake remembers of a repository's postmortem
// policy, learned from its last read: enough to tell, without I/O, whether
// a label change can concern the app.
type PolicyFacts struct {
	IncidentLabels  []string
	ActionItemLabel string
	// PostmortemDirectory is where the repository's postmortems live.
	PostmortemDirectory string
}

// IsIncidentLabel reports whether label marks an incident (GitHub's label
// names compare without case).
func (f PolicyFacts) IsIncidentLabel(label string) bool {
	for _, l := range f.IncidentLabels {
		if strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}

// PolicyWants is implemented by a handler whose interest in some
// deliveries depends on the repository's policy. The intake asks it,
// instead of Wants, when it holds fresh facts for the repository; with
// none (a cold or stale cache) it asks Wants, which must not need them.
type PolicyWants interface {
	// DependsOnPolicy says whether the decision about d needs the facts
	// (asking for them may cost a policy read later).
	DependsOnPolicy(d *Delivery) bool
	WantsUnder(d *Delivery, f PolicyFacts) bool
}
