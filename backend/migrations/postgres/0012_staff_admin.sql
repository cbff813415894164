-- Staff administration (service::accounts): one-time links with which a staff member sets
-- their own password (a new account, a reset). The database keeps only the link token's
-- SHA-256; a link works once, until it expires, and a newer link for the same account
-- replaces it.
CREATE TABLE password_links (
    token_hash TEXT   PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_links_staff ON password_links (staff_id);
