package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrNoDelivery means a delivery's payload is not (or no longer) stored.
var ErrNoDelivery = errors.New("delivery payload not stored")

// SaveDelivery stores a webhook payload under its delivery id. Storing the
// same delivery again (a redelivery) keeps the first copy.
func (db *DB) SaveDelivery(ctx context.Context, deliveryID, eventType string, payload []byte, now int64) error {
	_, err := db.Exec(ctx, `INSERT INTO pmbot_deliveries (delivery_id, event, payload, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (delivery_id) DO NOTHING`, deliveryID, eventType, payload, now)
	if err != nil {
		return fmt.Errorf("store delivery %s: %w", deliveryID, err)
	}
	return nil
}

// DeliveryPayload reads a stored webhook payload.
func (db *DB) DeliveryPayload(ctx context.Context, deliveryID string) ([]byte, error) {
	var payload []byte
	err := db.QueryRow(ctx, `SELECT payload FROM pmbot_deliveries WHERE delivery_id = ?`, deliveryID).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("delivery %s: %w", deliveryID, ErrNoDelivery)
	}
	if err != nil {
		return nil, fmt.Errorf("read delivery %s: %w", deliveryID, err)
	}
	return payload, nil
}

// PruneDeliveries deletes payloads received before the given unix time and
// reports how many went.
func (db *DB) PruneDeliveries(ctx context.Context, before int64) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM pmbot_deliveries WHERE received_at < ?`, before)
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return res.RowsAffected()
}

// DeliveryRow is a webhook payload to store.
type DeliveryRow struct {
	ID, Event  string
	Payload    []byte
	ReceivedAt int64
}

// Execer runs one statement inside a transaction of either database.
type Execer interface {
	Exec(ctx context.Context, query string, args ...any) error
}

// SaveDeliveries stores payloads in one statement through tx (part of a
// caller's transaction). A delivery already stored keeps its first copy.
func (db *DB) SaveDeliveries(ctx context.Context, tx Execer, rows []DeliveryRow) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO pmbot_deliveries (delivery_id, event, payload, received_at) VALUES `)
	args := make([]any, 0, 4*len(rows))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, r.ID, r.Event, r.Payload, r.ReceivedAt)
	}
	b.WriteString(` ON CONFLICT (delivery_id) DO NOTHING`)
	if err := tx.Exec(ctx, db.Rebind(b.String()), args...); err != nil {
		return fmt.Errorf("store %d delivery payloads: %w", len(rows), err)
	}
	return nil
}
