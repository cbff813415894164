-- Supervision after approval: the follow-up of every approval by commitment (告知承诺事后核查),
-- due on the day the reviewer set, and the credit records (信用记录) that supervision writes —
-- the risk classes and the commitment bar are computed from them (catalogue/credit.toml).
CREATE TABLE follow_ups (
    id                 BIGSERIAL PRIMARY KEY,
    sub_application_id BIGINT NOT NULL UNIQUE REFERENCES sub_applications(id),
    application_id     BIGINT NOT NULL REFERENCES applications(id),
    department         TEXT   NOT NULL,
    item               TEXT   NOT NULL,
    due_on             TEXT   NOT NULL,
    -- open, fulfilled, false_commitment
    state              TEXT   NOT NULL,
    -- The day the overdue check first found it past due (a background job).
    overdue_since      TEXT,
    note               TEXT,
    done_by            TEXT,
    done_on            TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX follow_ups_work ON follow_ups (department, state, due_on);

CREATE TABLE credit_records (
    id            BIGSERIAL PRIMARY KEY,
    -- NULL for a person whose licence never came (the record still bars them).
    enterprise_id BIGINT REFERENCES enterprises(id),
    uscc          TEXT,
    legal_rep_id  TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    kind          TEXT   NOT NULL,
    detail        TEXT   NOT NULL,
    -- What wrote it: `follow_up 3`.
    source        TEXT   NOT NULL,
    recorded_on   TEXT   NOT NULL,
    bars_until    TEXT,
    recorded_by   TEXT   NOT NULL,
    recorded_at   BIGINT NOT NULL
);
CREATE INDEX credit_records_enterprise ON credit_records (enterprise_id);
CREATE INDEX credit_records_uscc ON credit_records (uscc);
CREATE INDEX credit_records_person ON credit_records (legal_rep_id);
