-- The first answers of idempotent requests are kept sealed under a key derived from the
-- client's Idempotency-Key, and found by a hash of it (domain::idempotency): the answers kept
-- until now held status tokens in clear, and go (they were kept one day only).
DELETE FROM idempotency_keys;
