-- Related incidents (internal/incident, internal/related). pmbot_related_index
-- is the small index of earlier incidents the ranking reads: per incident its
-- text (title, body and its postmortem's cause sections, bounded), labels
-- other than the incident and severity ones, the files its linked pull
-- requests touched (reverted: those of reverts) and its postmortem's path,
-- one per line. It is rebuilt from GitHub on demand: an entry is read again
-- when its issue's updated_at changed, or while no merged postmortem is known.
CREATE TABLE pmbot_related_index (
    repo_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    issue_updated_at BIGINT NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    labels TEXT NOT NULL DEFAULT '',
    files TEXT NOT NULL DEFAULT '',
    reverted TEXT NOT NULL DEFAULT '',
    postmortem_path TEXT NOT NULL DEFAULT '',
    indexed_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, number)
);

-- A new incident that looks like an earlier one whose corrective actions were
-- still open when it was declared: the app said so once on the new incident.
-- The status issue lists these and /metrics counts them.
CREATE TABLE pmbot_incident_repeats (
    repo_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    earlier INTEGER NOT NULL,
    open_actions TEXT NOT NULL DEFAULT '',
    noted_at BIGINT NOT NULL,
    PRIMARY KEY (repo_id, number)
);
