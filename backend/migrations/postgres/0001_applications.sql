-- Applications, their per-item sub-applications, the daily number counter and idempotency keys.
-- Times are Unix seconds (INTEGER) so that SQLite and PostgreSQL read the same through sqlx Any.
CREATE TABLE applications (
    id           BIGSERIAL PRIMARY KEY,
    number       TEXT    NOT NULL UNIQUE,
    token_hash   TEXT    NOT NULL,
    bundle       TEXT    NOT NULL,
    answers      TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    submitted_at BIGINT  NOT NULL
);

CREATE TABLE sub_applications (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT  NOT NULL REFERENCES applications(id),
    item           TEXT    NOT NULL,
    department     TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    version        BIGINT  NOT NULL DEFAULT 1,
    updated_at     BIGINT  NOT NULL,
    UNIQUE (application_id, item)
);
CREATE INDEX sub_applications_department ON sub_applications (department, status);

CREATE TABLE daily_counters (
    day  TEXT   PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    key          TEXT    PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    status       BIGINT  NOT NULL,
    body         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
