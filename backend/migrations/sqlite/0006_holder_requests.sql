-- What a licence holder applies for after registration: a change of the licence (name, legal
-- representative, address) or the cancellation of one permit. One pending request per target
-- (a field, or a permit) at a time; the decision is kept with the request.
CREATE TABLE holder_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    kind          TEXT   NOT NULL CHECK (kind IN ('change', 'cancel')),
    -- The field changed (`name`, `legal_rep`, `address`) or `permit:{id}`.
    target        TEXT   NOT NULL,
    permit_id     BIGINT REFERENCES permits(id),
    -- Who decides: the registration authority for a change, the issuing department otherwise.
    department    TEXT   NOT NULL,
    before_value  TEXT   NOT NULL,
    after_value   TEXT   NOT NULL DEFAULT '' CHECK (length(after_value) <= 200),
    reason        TEXT   NOT NULL CHECK (length(reason) <= 2000),
    state         TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    note          TEXT,
    decided_by    TEXT,
    decided_at    BIGINT,
    filed_at      BIGINT NOT NULL
);
CREATE INDEX holder_requests_enterprise ON holder_requests (enterprise_id);
CREATE INDEX holder_requests_department ON holder_requests (department, state);
CREATE UNIQUE INDEX holder_requests_one_pending ON holder_requests (enterprise_id, target) WHERE state = 'pending';
