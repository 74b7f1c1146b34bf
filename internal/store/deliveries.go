package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
