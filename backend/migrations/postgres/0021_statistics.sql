-- The bureau's own measurement (service::statistics). Each item's measure is kept with the
-- change that makes it, in the same transaction: the day it was decided, its actual working
-- days (from acceptance, the days its clock stood still excluded), whether that was within the
-- committed limit, whether it was decided by commitment, its supplement rounds, and whether its
-- application was accepted with materials to follow (容缺). Correction rounds at the window
-- are counted on the application.
ALTER TABLE sub_applications ADD COLUMN decided_on TEXT;
ALTER TABLE sub_applications ADD COLUMN actual_days BIGINT;
ALTER TABLE sub_applications ADD COLUMN on_time BIGINT;
ALTER TABLE sub_applications ADD COLUMN by_commitment BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sub_applications ADD COLUMN rounds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sub_applications ADD COLUMN tolerated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN corrections BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sub_applications_accepted ON sub_applications (accepted_on, department);

-- 问效于企: the applicant's rating of the service once every item is decided, one per
-- application (a second replaces the first).
CREATE TABLE ratings (
    application_id BIGINT NOT NULL PRIMARY KEY REFERENCES applications(id),
    score          BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment        TEXT   NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    rated_at       BIGINT NOT NULL
);
CREATE INDEX ratings_rated ON ratings (rated_at);
