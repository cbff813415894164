-- What each permit shows of its holder (kept in step with the licence by change events), and
-- the history of those changes.
ALTER TABLE permits ADD COLUMN holder_name TEXT NOT NULL DEFAULT '' CHECK (length(holder_name) <= 100);
ALTER TABLE permits ADD COLUMN holder_address TEXT NOT NULL DEFAULT '' CHECK (length(holder_address) <= 200);

CREATE TABLE enterprise_changes (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    field         TEXT   NOT NULL,
    before_value  TEXT   NOT NULL,
    after_value   TEXT   NOT NULL,
    reason        TEXT   NOT NULL,
    changed_by    TEXT   NOT NULL,
    changed_at    BIGINT NOT NULL
);
CREATE INDEX enterprise_changes_enterprise ON enterprise_changes (enterprise_id);
