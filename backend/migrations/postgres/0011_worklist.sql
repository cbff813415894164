-- The staff's one worklist (service::worklist): what it searches and sorts by, kept in columns
-- with indexes — the business name and the legal representative's ID number (exact match),
-- each item's due date (kept with every change of its clock; NULL while paused, before
-- acceptance and once decided) and the reviewer who took it.
ALTER TABLE applications ADD COLUMN business_name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN legal_rep_id TEXT NOT NULL DEFAULT '';
UPDATE applications SET
    business_name = COALESCE(answers::jsonb ->> 'business.name', ''),
    legal_rep_id = UPPER(COALESCE(answers::jsonb ->> 'legal_rep.id_number', ''));
ALTER TABLE sub_applications ADD COLUMN due_on TEXT;
ALTER TABLE sub_applications ADD COLUMN assignee TEXT;
CREATE INDEX applications_filed ON applications (submitted_at, id);
CREATE INDEX applications_business_name ON applications (business_name);
CREATE INDEX applications_legal_rep_id ON applications (legal_rep_id);
CREATE INDEX sub_applications_work ON sub_applications (department, status, due_on);
CREATE INDEX sub_applications_application ON sub_applications (application_id);

-- Each staff member's saved views of the worklist: a name and the query it stands for.
CREATE TABLE saved_views (
    id         BIGSERIAL PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff(id),
    name       TEXT   NOT NULL,
    query      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (staff_id, name)
);

-- Nearest deadline first, walked in order (a due date exactly while the clock runs).
CREATE INDEX sub_applications_due ON sub_applications (department, due_on, id);
CREATE INDEX sub_applications_due_all ON sub_applications (due_on, id);

-- A name found by a part of it: its pairs of characters (domain::worklist::grams), kept when
-- the application is filed.
CREATE TABLE name_grams (
    gram           TEXT   NOT NULL,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    PRIMARY KEY (gram, application_id)
);
CREATE INDEX name_grams_application ON name_grams (application_id);
