-- The bureau's own measurement (service::statistics). Each item's measure is kept with the
-- change that makes it, in the same transaction: the day it was decided, its actual working
-- days (from acceptance, the days its clock stood still excluded), whether that was within the
-- committed limit, whether it was decided by commitment, its supplement rounds, and whether its
-- application was accepted with materials to follow (容缺). Correction notices at the window
-- are counted on the application, with the day it was accepted.
ALTER TABLE sub_applications ADD COLUMN decided_on TEXT;
ALTER TABLE sub_applications ADD COLUMN actual_days BIGINT;
ALTER TABLE sub_applications ADD COLUMN on_time BIGINT;
ALTER TABLE sub_applications ADD COLUMN by_commitment BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sub_applications ADD COLUMN rounds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sub_applications ADD COLUMN tolerated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN corrections BIGINT NOT NULL DEFAULT 0;
UPDATE applications SET accepted_on = (SELECT MIN(s.accepted_on) FROM sub_applications s WHERE s.application_id = applications.id)
WHERE accepted_on IS NULL;
CREATE INDEX applications_corrected ON applications (accepted_on) WHERE corrections > 0;
CREATE INDEX sub_applications_refused ON sub_applications (status, decided_on);

-- 问效于企: the applicant's rating of the service once every item is decided, one per
-- application (a second replaces the first), with its application's bundle and day of
-- acceptance, by which the statistics choose it.
CREATE TABLE ratings (
    application_id BIGINT NOT NULL PRIMARY KEY REFERENCES applications(id),
    bundle         TEXT   NOT NULL,
    accepted_on    TEXT   NOT NULL,
    score          BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment        TEXT   NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    rated_at       BIGINT NOT NULL
);
CREATE INDEX ratings_accepted ON ratings (accepted_on);

-- The statistics' rollup: accepted items counted by everything the statistics group them by
-- (a missing measure is -1, no running due date ''), with their supplement rounds, so that a
-- year of a province's applications is summed from tens of thousands of rows, not millions.
-- Every change of an item appends its two deltas (-1 for what it was, +1 for what it is) in
-- the same transaction, by the triggers below: appended, never updated, so concurrent changes
-- never wait for one another. The statistics fold the deltas into the totals before they read
-- (db::statistics::fold), one folder at a time.
CREATE TABLE stat_tallies (
    accepted_on   TEXT   NOT NULL,
    item          TEXT   NOT NULL,
    department    TEXT   NOT NULL,
    bundle        TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    actual_days   BIGINT NOT NULL,
    on_time       BIGINT NOT NULL,
    due_on        TEXT   NOT NULL,
    by_commitment BIGINT NOT NULL,
    tolerated     BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    rounds        BIGINT NOT NULL,
    PRIMARY KEY (accepted_on, item, department, bundle, status, actual_days, on_time, due_on, by_commitment, tolerated)
);
CREATE TABLE stat_deltas (
    accepted_on   TEXT   NOT NULL,
    item          TEXT   NOT NULL,
    department    TEXT   NOT NULL,
    bundle        TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    actual_days   BIGINT NOT NULL,
    on_time       BIGINT NOT NULL,
    due_on        TEXT   NOT NULL,
    by_commitment BIGINT NOT NULL,
    tolerated     BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    rounds        BIGINT NOT NULL
);
INSERT INTO stat_tallies
SELECT s.accepted_on, s.item, s.department, a.bundle, s.status, COALESCE(s.actual_days, -1),
       COALESCE(s.on_time, -1), COALESCE(s.due_on, ''), s.by_commitment, s.tolerated, COUNT(*), SUM(s.rounds)
FROM sub_applications s JOIN applications a ON a.id = s.application_id
WHERE s.accepted_on IS NOT NULL
GROUP BY s.accepted_on, s.item, s.department, a.bundle, s.status, s.actual_days, s.on_time, s.due_on,
         s.by_commitment, s.tolerated;

CREATE TRIGGER stat_tallies_insert AFTER INSERT ON sub_applications
WHEN NEW.accepted_on IS NOT NULL
BEGIN
    INSERT INTO stat_deltas SELECT NEW.accepted_on, NEW.item, NEW.department, (SELECT bundle FROM applications WHERE id = NEW.application_id), NEW.status, COALESCE(NEW.actual_days, -1), COALESCE(NEW.on_time, -1), COALESCE(NEW.due_on, ''), NEW.by_commitment, NEW.tolerated, 1, NEW.rounds;
END;

CREATE TRIGGER stat_tallies_update AFTER UPDATE OF accepted_on, status, actual_days, on_time, due_on, by_commitment, tolerated, rounds ON sub_applications
BEGIN
    INSERT INTO stat_deltas SELECT OLD.accepted_on, OLD.item, OLD.department, (SELECT bundle FROM applications WHERE id = OLD.application_id), OLD.status, COALESCE(OLD.actual_days, -1), COALESCE(OLD.on_time, -1), COALESCE(OLD.due_on, ''), OLD.by_commitment, OLD.tolerated, -1, -OLD.rounds WHERE OLD.accepted_on IS NOT NULL;
    INSERT INTO stat_deltas SELECT NEW.accepted_on, NEW.item, NEW.department, (SELECT bundle FROM applications WHERE id = NEW.application_id), NEW.status, COALESCE(NEW.actual_days, -1), COALESCE(NEW.on_time, -1), COALESCE(NEW.due_on, ''), NEW.by_commitment, NEW.tolerated, 1, NEW.rounds WHERE NEW.accepted_on IS NOT NULL;
END;
