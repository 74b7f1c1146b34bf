// Package event is the seam between webhook intake and the product's
// features: a Handler decides from a delivery alone whether it needs work,
// and later does that work inside a durable, retried job.
package event

import (
	"context"
	"encoding/json"
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
