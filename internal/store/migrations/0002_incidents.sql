-- Incidents the bot drafted a postmortem for, so a relabel finds the work
-- already done, concurrent jobs take turns (lease_until), and the reminder
-- job knows which incidents still wait for their postmortem.
-- state: '' while drafting, 'proposed' once the PR and the incident comment
-- exist, 'settled' once nothing is left to remind about (merged, skipped).
CREATE TABLE pmbot_incidents (
    repo_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    installation_id BIGINT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    pr_number BIGINT NOT NULL DEFAULT 0,
    last_reminded_at BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    lease_holder TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (repo_id, number)
);
