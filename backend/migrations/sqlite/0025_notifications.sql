-- Messages to the applicant (domain::notify): queued in the transaction of the change they
-- tell of, one per step and channel (the unique key), sent by a background job. The body
-- holds "{link}" where the private link goes; the link itself is kept sealed on the
-- application (notify_link, under the server's at-rest secret), never in a message.
ALTER TABLE applications ADD COLUMN notify_link TEXT;

CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    step           TEXT   NOT NULL,
    channel        TEXT   NOT NULL,
    address        TEXT   NOT NULL,
    subject        TEXT   NOT NULL,
    body           TEXT   NOT NULL,
    state          TEXT   NOT NULL,
    attempts       BIGINT NOT NULL DEFAULT 0,
    last_error     TEXT,
    provider_id    TEXT,
    created_at     BIGINT NOT NULL,
    sent_at        BIGINT,
    UNIQUE (application_id, step, channel)
);
