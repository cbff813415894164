-- Materials. A draft is a form saved on the server behind its own private link. An upload is
-- one file of one material, owned by a draft (until it is submitted) or by an application; its
-- parts wait in upload_parts until the whole file is there, checked, and stored once under its
-- SHA-256 (blobs). An application's archive is built when every item is decided.
CREATE TABLE drafts (
    id             TEXT   PRIMARY KEY,
    token_hash     TEXT   NOT NULL,
    bundle         TEXT   NOT NULL,
    answers        TEXT   NOT NULL DEFAULT '{}',
    application_id BIGINT REFERENCES applications(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE blobs (
    sha256       TEXT   PRIMARY KEY,
    size         BIGINT NOT NULL,
    content_type TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE uploads (
    id             TEXT   PRIMARY KEY,
    draft_id       TEXT   REFERENCES drafts(id),
    application_id BIGINT REFERENCES applications(id),
    material       TEXT   NOT NULL,
    name           TEXT   NOT NULL CHECK (length(name) <= 100),
    size           BIGINT NOT NULL,
    received       BIGINT NOT NULL DEFAULT 0,
    sha256         TEXT   REFERENCES blobs(sha256),
    content_type   TEXT,
    complete       BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX uploads_draft ON uploads (draft_id);
CREATE INDEX uploads_application ON uploads (application_id);

CREATE TABLE upload_parts (
    upload_id   TEXT   NOT NULL REFERENCES uploads(id),
    part_offset BIGINT NOT NULL,
    data        BYTEA  NOT NULL,
    PRIMARY KEY (upload_id, part_offset)
);

CREATE TABLE archives (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id),
    sha256         TEXT   NOT NULL,
    size           BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
