-- The dishonesty list (失信名单) as last imported, a row per import, and joint inspections
-- (单改综: one visit for several items of one application).
CREATE TABLE dishonesty_list (
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL,
    name   TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (kind, value)
);

CREATE TABLE dishonesty_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    imported_at BIGINT NOT NULL,
    entries     BIGINT NOT NULL,
    actor       TEXT   NOT NULL
);

CREATE TABLE inspections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    scheduled_on   TEXT   NOT NULL,
    scheduled_by   TEXT   NOT NULL,
    recorded_by    TEXT,
    result         TEXT
);

ALTER TABLE sub_applications ADD COLUMN inspection_id BIGINT;

-- Counter intake: the clerk who filed an application for a walk-in applicant.
ALTER TABLE applications ADD COLUMN filed_by TEXT;
