-- Follow-up of merged postmortems (internal/actions): tracked_at is set once
-- every action item of the recorded version has its issue, so the daily
-- reconciliation retries a postmortem whose merge job failed for good; the
-- lease lets one job at a time open a postmortem's issues; removed_at marks
-- items a later version of the postmortem no longer lists.
ALTER TABLE pmbot_action_postmortems ADD COLUMN tracked_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pmbot_action_postmortems ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE pmbot_action_postmortems ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pmbot_action_items ADD COLUMN removed_at BIGINT NOT NULL DEFAULT 0;

UPDATE pmbot_action_postmortems SET tracked_at = merged_at
WHERE NOT EXISTS (SELECT 1 FROM pmbot_action_items i
    WHERE i.repo_id = pmbot_action_postmortems.repo_id AND i.postmortem_path = pmbot_action_postmortems.path
    AND i.state = 'planned');
