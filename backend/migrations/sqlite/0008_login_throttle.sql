-- Staff logins are throttled per account and client (domain::login), not by locking the
-- account: failures in a row and until when the next try must wait, under a hash of the name
-- and the client's network.
CREATE TABLE login_throttle (
    key           TEXT   PRIMARY KEY,
    failures      BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
ALTER TABLE staff DROP COLUMN failed_logins;
ALTER TABLE staff DROP COLUMN locked_until;
