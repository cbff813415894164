-- Finding a saved draft again (domain::recovery): a draft is found by the phone or e-mail on
-- it (`phone_key`, `email_key`: SHA-256 of the contact as compared), and its private link is
-- kept sealed (`link_sealed`, as an application's) to be given back. A code for drafts names
-- the contact (`contact_key`) instead of an application; SQLite cannot drop a NOT NULL, so the
-- codes' table is made again.
ALTER TABLE drafts ADD COLUMN phone_key TEXT;
ALTER TABLE drafts ADD COLUMN email_key TEXT;
ALTER TABLE drafts ADD COLUMN link_sealed TEXT;
CREATE INDEX drafts_phone_key ON drafts (phone_key);
CREATE INDEX drafts_email_key ON drafts (email_key);

CREATE TABLE recovery_codes_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT REFERENCES applications (id),
    contact_key    TEXT,
    challenge_hash TEXT   NOT NULL UNIQUE,
    code_hash      TEXT   NOT NULL,
    channel        TEXT   NOT NULL,
    address        TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    tries          BIGINT NOT NULL DEFAULT 0,
    used_at        BIGINT,
    CHECK ((application_id IS NULL) <> (contact_key IS NULL))
);
INSERT INTO recovery_codes_new (id, application_id, challenge_hash, code_hash, channel, address, created_at, expires_at, tries, used_at)
    SELECT id, application_id, challenge_hash, code_hash, channel, address, created_at, expires_at, tries, used_at FROM recovery_codes;
DROP TABLE recovery_codes;
ALTER TABLE recovery_codes_new RENAME TO recovery_codes;
CREATE INDEX recovery_codes_of ON recovery_codes (application_id, created_at);
CREATE INDEX recovery_codes_for ON recovery_codes (contact_key, created_at);
