-- Messages (domain::notify): to an applicant, queued in the transaction of the change they
-- tell of; to a staff member, their daily list of items due. One per recipient, step and
-- channel (the unique key), sent by a background job. An applicant's body holds "{link}" where
-- the private link goes; the link itself is kept sealed on the application (notify_link, under
-- the server's at-rest secret), never in a message.
ALTER TABLE applications ADD COLUMN notify_link TEXT;
-- Where a staff member gets their daily list (none: no list).
ALTER TABLE staff ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient      TEXT   NOT NULL,
    application_id BIGINT REFERENCES applications (id),
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
    UNIQUE (recipient, step, channel)
);
CREATE INDEX notifications_application ON notifications (application_id);
