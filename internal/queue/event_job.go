package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

var jsonUnmarshal = json.Unmarshal

// EventArgs is a stored webhook delivery for one handler. It is unique per
// (handler, delivery id): GitHub redelivering a delivery, or the same
// delivery arriving twice at once, stores one job.
type EventArgs struct {
	Handler    string         `json:"handler" river:"unique"`
	DeliveryID string         `json:"delivery_id" river:"unique"`
	Delivery   event.Delivery `json:"delivery"`
}

// Kind names the job kind in River's table.
func (EventArgs) Kind() string { return "github_event" }

// InsertOpts makes delivery jobs unique in every state but discarded and
// cancelled, so a delivery that failed for good can be redelivered by hand.
func (EventArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PayloadStore holds webhook payloads by delivery id.
type PayloadStore interface {
	DeliveryPayload(ctx context.Context, deliveryID string) ([]byte, error)
}

// EventWorker runs stored deliveries through their handler.
type EventWorker struct {
	river.WorkerDefaults[EventArgs]
	handlers map[string]event.Handler
	payloads PayloadStore
}

// NewEventWorker dispatches to handlers by name, loading each delivery's
// payload from payloads.
func NewEventWorker(handlers []event.Handler, payloads PayloadStore) *EventWorker {
	m := make(map[string]event.Handler, len(handlers))
	for _, h := range handlers {
		m[h.Name()] = h
	}
	return &EventWorker{handlers: m, payloads: payloads}
}

// Work hands the delivery to its handler.
func (w *EventWorker) Work(ctx context.Context, job *river.Job[EventArgs]) error {
	h, ok := w.handlers[job.Args.Handler]
	if !ok {
		return river.JobCancel(fmt.Errorf("no handler named %q", job.Args.Handler))
	}
	d := job.Args.Delivery
	payload, err := w.payloads.DeliveryPayload(ctx, job.Args.DeliveryID)
	if errors.Is(err, store.ErrNoDelivery) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	d.Payload = payload
	log := zerolog.Ctx(ctx).With().
		Str("delivery_id", d.ID).Str("event", d.Event).Str("action", d.Action).
		Int64("installation_id", d.InstallationID).Str("repository", d.Owner+"/"+d.Repo).Logger()
	return h.Work(log.WithContext(ctx), &d)
}
