-- Webhook payloads, stored once per delivery beside the jobs that refer to
-- them by delivery id. Keeping the (often 10-30 KB) payload out of the job
-- row keeps job fetches and updates cheap. Pruned after the jobs' retention.
CREATE TABLE pmbot_deliveries (
    delivery_id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    payload BYTEA NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX pmbot_deliveries_received_at ON pmbot_deliveries (received_at);
