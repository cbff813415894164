-- Finding an application again (domain::recovery): each code sent, kept by the hash of its
-- challenge (the asking browser holds the challenge) and a hash over challenge and code; ten
-- minutes, five tries, used once. `address` is masked (the page and the audit show it so).
CREATE TABLE recovery_codes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    challenge_hash TEXT   NOT NULL UNIQUE,
    code_hash      TEXT   NOT NULL,
    channel        TEXT   NOT NULL,
    address        TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    tries          BIGINT NOT NULL DEFAULT 0,
    used_at        BIGINT
);
CREATE INDEX recovery_codes_of ON recovery_codes (application_id, created_at);
