-- What the statistics read, without scanning what they do not need (measured at 100,000
-- applications, docs/benchmarks.md): a rating keeps the departments of its application
-- (' samr health ', each between spaces), so one department's ratings are chosen from the
-- period's ratings alone, not by looking up the items of every rating; the latest comments
-- are read from the newest back.
ALTER TABLE ratings ADD COLUMN departments TEXT NOT NULL DEFAULT '';
UPDATE ratings SET departments = COALESCE((SELECT ' ' || group_concat(department, ' ') || ' '
    FROM (SELECT DISTINCT s.department FROM sub_applications s WHERE s.application_id = ratings.application_id)), '');
CREATE INDEX ratings_commented ON ratings (rated_at) WHERE comment <> '';
