-- Photos of a 双随机 visit (现场照片): their contents in the contents store by SHA-256, kept
-- from the cleanup while a task holds them; staff-only (never on the public pages).
CREATE TABLE task_photos (
    task_id      BIGINT NOT NULL REFERENCES inspection_tasks(id),
    sha256       TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    uploaded_by  TEXT   NOT NULL,
    uploaded_at  BIGINT NOT NULL,
    PRIMARY KEY (task_id, sha256)
);
