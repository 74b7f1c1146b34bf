-- Installations and repositories the app has seen, so periodic jobs know
-- where to look. Rebuilt from GitHub on demand; losing it loses nothing.
CREATE TABLE pmbot_repositories (
    repo_id BIGINT PRIMARY KEY,
    installation_id BIGINT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
