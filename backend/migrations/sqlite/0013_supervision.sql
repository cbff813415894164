-- 双随机、一公开: inspection plans. Published when made: the frozen lists the draw reads and the
-- commitment to a secret seed; after the draw: the seed and the drawn list (domain::draw).
CREATE TABLE inspection_plans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT   NOT NULL,
    frozen      TEXT   NOT NULL,
    frozen_hash TEXT   NOT NULL,
    commitment  TEXT   NOT NULL,
    -- Kept secret until the draw.
    seed        TEXT   NOT NULL,
    drawn       TEXT,
    created_by  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    drawn_at    BIGINT
);
