-- Delivery (送达, domain::delivery): each decision — a permit's certificate, a refusal — reaches
-- its applicant once, electronically (receipt confirmed on the status page) or on paper at the
-- window (recorded by the clerk). `days`: working days from the decision to the delivery.
CREATE TABLE deliveries (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    bundle         TEXT   NOT NULL,
    department     TEXT   NOT NULL,
    document       TEXT   NOT NULL,
    way            TEXT   NOT NULL,
    recorded_by    TEXT   NOT NULL,
    decided_on     TEXT   NOT NULL,
    delivered_on   TEXT   NOT NULL,
    days           BIGINT NOT NULL,
    delivered_at   BIGINT NOT NULL,
    UNIQUE (application_id, document)
);
CREATE INDEX deliveries_on ON deliveries (delivered_on);
