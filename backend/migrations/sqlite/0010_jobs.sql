-- Background jobs (domain::jobs): queued in the transaction of the change that calls for them,
-- taken by one worker of any instance at a time (a lease), retried with growing waits, given
-- up after their tries (an administrator may try again). `dedupe` keeps one archive per
-- application and one periodic run per slot.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT   NOT NULL,
    payload      TEXT   NOT NULL,
    dedupe       TEXT   UNIQUE,
    state        TEXT   NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
