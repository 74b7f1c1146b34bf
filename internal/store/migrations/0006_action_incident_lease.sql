-- One job at a time writes an incident's tracking comment (internal/actions),
-- so two items closing at once cannot both post the completion comment or
-- leave the older of two counts behind.
ALTER TABLE pmbot_action_incidents ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE pmbot_action_incidents ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
