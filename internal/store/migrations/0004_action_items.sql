-- Corrective actions tracked until closure (internal/actions). GitHub stays
-- the source of truth: these rows remember what the app created (so re-runs
-- adopt instead of duplicating) and mirror issue states between the daily
-- reconciliations.
CREATE TABLE pmbot_action_incidents (
    repo_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    tracking_comment_id BIGINT NOT NULL DEFAULT 0,
    tracking_body TEXT NOT NULL DEFAULT '',
    completed_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, number)
);

CREATE TABLE pmbot_action_postmortems (
    repo_id BIGINT NOT NULL,
    path TEXT NOT NULL,
    incident_number INTEGER NOT NULL DEFAULT 0,
    pull_number INTEGER NOT NULL DEFAULT 0,
    merge_sha TEXT NOT NULL DEFAULT '',
    merged_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, path)
);

CREATE TABLE pmbot_action_items (
    repo_id BIGINT NOT NULL,
    item_key TEXT NOT NULL,
    postmortem_path TEXT NOT NULL,
    incident_number INTEGER NOT NULL DEFAULT 0,
    issue_number INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    item_type TEXT NOT NULL DEFAULT '',
    line INTEGER NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'planned',
    created_at BIGINT NOT NULL,
    closed_at BIGINT NOT NULL DEFAULT 0,
    reminder_key TEXT NOT NULL DEFAULT '',
    reminded_at BIGINT NOT NULL DEFAULT 0,
    escalation_key TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repo_id, item_key)
);

CREATE INDEX pmbot_action_items_issue ON pmbot_action_items (repo_id, issue_number);

CREATE TABLE pmbot_action_status_issues (
    repo_id BIGINT PRIMARY KEY,
    issue_number INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL DEFAULT '',
    dirty BIGINT NOT NULL DEFAULT 0
);
