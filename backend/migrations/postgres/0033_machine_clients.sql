-- Machine clients (a department's own system): a staff account of kind 'client' — a reviewer of
-- its department, its secret hashed as a password is — that takes short-lived access tokens
-- with the OAuth 2.0 client-credentials grant instead of logging in. The tokens are sessions.
ALTER TABLE staff ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
