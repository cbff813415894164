-- The back office: staff accounts, server-side sessions, the hash-chained audit log, and the
-- intake and review state of applications and their items. Times are Unix seconds; dates are
-- ISO text (YYYY-MM-DD); booleans are 0/1.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    department    TEXT,
    password_hash TEXT    NOT NULL,
    active        BIGINT  NOT NULL DEFAULT 1,
    failed_logins BIGINT  NOT NULL DEFAULT 0,
    locked_until  BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    staff_id   BIGINT  NOT NULL REFERENCES staff(id),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_staff ON sessions (staff_id);

-- Append-only: each entry's hash covers the previous entry's hash. audit_head holds the last
-- sequence number and hash; updating it first serialises writers on both databases.
CREATE TABLE audit_log (
    seq          BIGINT  PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    before_state TEXT    NOT NULL,
    after_state  TEXT    NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject);

CREATE TABLE audit_head (
    id   BIGINT  PRIMARY KEY,
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Intake: submitted → accepted | correction_requested (→ submitted again when corrected).
ALTER TABLE applications ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE applications ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN accepted_on TEXT;
-- JSON: the correction notice, or the materials accepted as missing and their due date.
ALTER TABLE applications ADD COLUMN notice TEXT;

-- Review: the clock (accepted_on, paused working days, the day a pause began) and the decision.
ALTER TABLE sub_applications ADD COLUMN accepted_on TEXT;
ALTER TABLE sub_applications ADD COLUMN paused_since TEXT;
ALTER TABLE sub_applications ADD COLUMN paused_days BIGINT NOT NULL DEFAULT 0;
-- JSON: certificate number and validity, a rejection's reason, a supplement request.
ALTER TABLE sub_applications ADD COLUMN decision TEXT;
