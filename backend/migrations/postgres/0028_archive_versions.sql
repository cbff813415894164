-- An archive filed again after its application changed (a decision delivered, a permit
-- cancelled or revoked): the package it replaces stays, listed here with when it was
-- superseded, and kept in the contents store (the cleanup spares what this lists).
CREATE TABLE archive_versions (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    sha256         TEXT   NOT NULL,
    size           BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    superseded_at  BIGINT NOT NULL,
    PRIMARY KEY (application_id, sha256)
);
