-- Finding a saved draft again (domain::recovery): a draft is found by the phone or e-mail on
-- it (`phone_key`, `email_key`: SHA-256 of the contact as compared), and its private link is
-- kept sealed (`link_sealed`, as an application's) to be given back. A code for drafts names
-- the contact (`contact_key`) instead of an application.
ALTER TABLE drafts ADD COLUMN phone_key TEXT;
ALTER TABLE drafts ADD COLUMN email_key TEXT;
ALTER TABLE drafts ADD COLUMN link_sealed TEXT;
CREATE INDEX drafts_phone_key ON drafts (phone_key);
CREATE INDEX drafts_email_key ON drafts (email_key);

ALTER TABLE recovery_codes ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE recovery_codes ADD COLUMN contact_key TEXT;
ALTER TABLE recovery_codes ADD CONSTRAINT recovery_codes_one_owner
    CHECK ((application_id IS NULL) <> (contact_key IS NULL));
CREATE INDEX recovery_codes_for ON recovery_codes (contact_key, created_at);
