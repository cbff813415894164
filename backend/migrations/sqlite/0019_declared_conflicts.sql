-- Conflicts of interest recorded by the bureau (a relative, a former employer…): the inspector
-- is never drawn for that enterprise, like one who approved one of its permits.
CREATE TABLE declared_conflicts (
    staff_id      BIGINT NOT NULL REFERENCES staff(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    reason        TEXT   NOT NULL,
    declared_by   TEXT   NOT NULL,
    declared_at   BIGINT NOT NULL,
    PRIMARY KEY (staff_id, enterprise_id)
);
