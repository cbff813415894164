-- Webhooks (domain::webhooks): a machine client's address, its secret sealed at rest, the
-- position of the last event it acknowledged, and how delivery stands — the failures in a row,
-- when to try next (also the lease of the instance delivering), dead once given up.
CREATE TABLE webhooks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id      BIGINT NOT NULL REFERENCES staff (id),
    url           TEXT   NOT NULL,
    secret_sealed TEXT   NOT NULL,
    position      BIGINT NOT NULL,
    failures      BIGINT NOT NULL DEFAULT 0,
    next_try_at   BIGINT NOT NULL,
    dead_at       BIGINT,
    last_error    TEXT,
    delivered     BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX webhooks_due ON webhooks (next_try_at);
