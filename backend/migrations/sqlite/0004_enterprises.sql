-- The enterprise a business registration creates, with its issued credit code and the token of
-- its public verify page, and every permit attached to it. Serials of issued codes come from
-- uscc_serials (a portable sequence: unique across instances).
CREATE TABLE uscc_serials (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    issued_at BIGINT NOT NULL
);

CREATE TABLE enterprises (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    uscc           TEXT   NOT NULL UNIQUE,
    name           TEXT   NOT NULL,
    entity_type    TEXT   NOT NULL,
    address        TEXT   NOT NULL,
    legal_rep      TEXT   NOT NULL,
    scope          TEXT   NOT NULL,
    established_on TEXT   NOT NULL,
    verify_token   TEXT   NOT NULL UNIQUE,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE permits (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id      BIGINT NOT NULL REFERENCES enterprises(id),
    sub_application_id BIGINT NOT NULL UNIQUE REFERENCES sub_applications(id),
    item               TEXT   NOT NULL,
    department         TEXT   NOT NULL,
    certificate        TEXT   NOT NULL,
    issued_on          TEXT   NOT NULL,
    valid_until        TEXT,
    state              TEXT   NOT NULL,
    reason             TEXT,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX permits_enterprise ON permits (enterprise_id);
