-- The organisation status issue (internal/actions): one per owner and
-- installation, in the owner's .github repository, as last written.
CREATE TABLE pmbot_org_status_issues (
    installation_id BIGINT NOT NULL,
    owner TEXT NOT NULL,
    issue_number INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (installation_id, owner)
);
