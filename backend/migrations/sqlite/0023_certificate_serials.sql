-- The last serial given in each series of certificate numbers (catalogue/certificates.toml):
-- taken and moved on in the approval's own transaction, so a number is never given twice and,
-- as a refused approval rolls back, never skipped.
CREATE TABLE certificate_serials (
    item   TEXT   NOT NULL,
    series TEXT   NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (item, series)
);
