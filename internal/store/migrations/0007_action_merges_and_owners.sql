-- Follow-up of merged postmortems (internal/actions), continued.
-- pmbot_action_merges records a merged pull request as the merge job's very
-- first step and deletes it once the merge is followed up, so the daily
-- reconciliation re-runs a merge job that failed before it read anything.
CREATE TABLE pmbot_action_merges (
    repo_id BIGINT NOT NULL,
    pull_number INTEGER NOT NULL,
    merge_sha TEXT NOT NULL,
    merged_at BIGINT NOT NULL DEFAULT 0,
    incident_number INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, pull_number)
);

-- issue_owner is the owner the item's issue names (its body's owner line), and
-- assigned_login is the user the app assigned to it, the only assignee the
-- app ever removes. Issues opened before this migration were assigned their
-- user owner when the app opened them.
ALTER TABLE pmbot_action_items ADD COLUMN issue_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE pmbot_action_items ADD COLUMN assigned_login TEXT NOT NULL DEFAULT '';
UPDATE pmbot_action_items SET issue_owner = owner;
UPDATE pmbot_action_items SET assigned_login = SUBSTR(owner, 2)
WHERE issue_number > 0 AND owner LIKE '@%' AND owner NOT LIKE '%/%';
