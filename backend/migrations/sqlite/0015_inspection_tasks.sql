-- 双随机 after the draw: the inspection items a plan covers (ids of catalogue/inspection.toml,
-- JSON), one task per drawn enterprise — one visit by its drawn inspectors — and its result,
-- published (一公开) once recorded.
ALTER TABLE inspection_plans ADD COLUMN items TEXT NOT NULL DEFAULT '[]';

CREATE TABLE inspection_tasks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id       BIGINT NOT NULL REFERENCES inspection_plans(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    -- open, recorded
    state         TEXT   NOT NULL,
    -- passed, rectify, failed, not_found
    result        TEXT,
    rectify_by    TEXT,
    -- JSON: one boolean per checklist line of the plan's items, in order.
    checks        TEXT,
    note          TEXT,
    recorded_by   TEXT,
    recorded_on   TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (plan_id, enterprise_id)
);
CREATE INDEX inspection_tasks_enterprise ON inspection_tasks (enterprise_id);

CREATE TABLE inspection_task_inspectors (
    task_id    BIGINT NOT NULL REFERENCES inspection_tasks(id),
    staff_id   BIGINT NOT NULL REFERENCES staff(id),
    department TEXT   NOT NULL,
    PRIMARY KEY (task_id, staff_id)
);
CREATE INDEX inspection_task_inspectors_staff ON inspection_task_inspectors (staff_id);
