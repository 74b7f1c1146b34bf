package queue

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// StoredDelivery is one acknowledged webhook: its payload and the jobs it
// queues, written together.
type StoredDelivery struct {
	ID, Event  string
	Payload    []byte
	ReceivedAt int64
	Jobs       []river.InsertManyParams
}

// DeliveryWriter writes deliveries, their payloads and their jobs, several
// at a time in one transaction on either database (group commit).
type DeliveryWriter struct {
	db     *store.DB
	client Client
}

// NewDeliveryWriter writes through db and the queue client built on it.
func NewDeliveryWriter(db *store.DB, c Client) *DeliveryWriter {
	return &DeliveryWriter{db: db, client: c}
}

// WriteDeliveries stores every delivery of batch and its jobs in one
// transaction: all of them are durable when it returns nil, none when it
// fails. A delivery already stored keeps its first payload, and jobs unique
// by delivery are not duplicated.
func (w *DeliveryWriter) WriteDeliveries(ctx context.Context, batch []StoredDelivery) error {
	rows := make([]store.DeliveryRow, 0, len(batch))
	var params []river.InsertManyParams
	for _, d := range batch {
		rows = append(rows, store.DeliveryRow{ID: d.ID, Event: d.Event, Payload: d.Payload, ReceivedAt: d.ReceivedAt})
		params = append(params, d.Jobs...)
	}
	client := w.client
	// Wrappers (resumingClient) embed the River client they add to.
	for {
		r, ok := client.(*resumingClient)
		if !ok {
			break
		}
		client = r.Client
	}
	switch c := client.(type) {
	case *river.Client[*sql.Tx]:
		tx, err := w.db.Intake.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store %d deliveries: begin: %w", len(batch), err)
		}
		defer tx.Rollback() //nolint:errcheck
		if err := w.db.SaveDeliveries(ctx, sqlExec{tx}, rows); err != nil {
			return err
		}
		if len(params) > 0 {
			if _, err := c.InsertManyTx(ctx, tx, params); err != nil {
				return fmt.Errorf("store %d deliveries: queue jobs: %w", len(batch), err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store %d deliveries: commit: %w", len(batch), err)
		}
		return nil
	case *river.Client[pgx.Tx]:
		tx, err := w.db.Pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("store %d deliveries: begin: %w", len(batch), err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck
		if err := w.db.SaveDeliveries(ctx, pgxExec{tx}, rows); err != nil {
			return err
		}
		if len(params) > 0 {
			if _, err := c.InsertManyTx(ctx, tx, params); err != nil {
				return fmt.Errorf("store %d deliveries: queue jobs: %w", len(batch), err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("store %d deliveries: commit: %w", len(batch), err)
		}
		return nil
	default:
		return fmt.Errorf("store deliveries: unsupported queue client %T", w.client)
	}
}

type sqlExec struct{ tx *sql.Tx }

func (e sqlExec) Exec(ctx context.Context, query string, args ...any) error {
	_, err := e.tx.ExecContext(ctx, query, args...)
	return err
}

type pgxExec struct{ tx pgx.Tx }

func (e pgxExec) Exec(ctx context.Context, query string, args ...any) error {
	_, err := e.tx.Exec(ctx, query, args...)
	return err
}
