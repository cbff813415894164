//! The jobs table: queue in the caller's transaction, claim one due job atomically (PostgreSQL:
//! `FOR UPDATE SKIP LOCKED`, so workers of several instances never wait on each other; SQLite:
//! its one writer), finish, fail with a retry time, list and try again.

use sqlx::AnyConnection;

use super::{Db, Dialect};
use crate::domain::jobs::{Job, state};

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub run_at: i64,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

const COLUMNS: &str =
    "id, kind, payload, state, attempts, run_at, locked_by, last_error, created_at, finished_at";

/// Queues `job` in the caller's transaction, to run now (nothing if its dedupe key is taken);
/// whether it was queued.
pub async fn queue(conn: &mut AnyConnection, job: &Job, now: i64) -> sqlx::Result<bool> {
    let payload = serde_json::to_string(job).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let dedupe = job.dedupe(None);
    enqueue(conn, job.kind(), &payload, dedupe.as_deref(), now, now).await
}

/// Queues a job to run at `run_at`; with `dedupe`, nothing if one with that key exists.
/// Whether it was queued.
pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    dedupe: Option<&str>,
    run_at: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe, state, run_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe) DO NOTHING",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe)
    .bind(state::QUEUED)
    .bind(run_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the next due job for `worker` until `now + lease`: a queued one whose time has come,
/// or a running one whose worker's lease ran out (it died). Its try is counted.
pub async fn claim(db: &Db, worker: &str, now: i64, lease: i64) -> sqlx::Result<Option<JobRow>> {
    let lock = match db.dialect {
        Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = $1, locked_by = $2, locked_until = $3, attempts = attempts + 1
         WHERE id = (SELECT id FROM jobs
                     WHERE (state = $4 AND run_at <= $5) OR (state = $1 AND locked_until < $5)
                     ORDER BY run_at, id LIMIT 1 {lock})
         RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(state::RUNNING)
        .bind(worker)
        .bind(now + lease)
        .bind(state::QUEUED)
        .bind(now)
        .fetch_optional(&db.pool)
        .await
}

/// The job is done — if `worker` still holds it. Inside the transaction of what it did.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    worker: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = $3, finished_at = $4, locked_by = NULL, locked_until = NULL, last_error = NULL
         WHERE id = $1 AND locked_by = $2 AND state = $5",
    )
    .bind(id)
    .bind(worker)
    .bind(state::DONE)
    .bind(now)
    .bind(state::RUNNING)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The try failed with `error`: queued again for `retry_at`, or given up (`None`).
pub async fn fail(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    let (next, run_at, finished) = match retry_at {
        Some(at) => (state::QUEUED, at, None),
        None => (state::FAILED, now, Some(now)),
    };
    sqlx::query(
        "UPDATE jobs SET state = $3, run_at = $4, finished_at = $5, last_error = $6,
                         locked_by = NULL, locked_until = NULL
         WHERE id = $1 AND locked_by = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(next)
    .bind(run_at)
    .bind(finished)
    .bind(error)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The newest jobs, by state (every state when `None`), at most `limit`.
pub async fn list(db: &Db, state: Option<&str>, limit: i64) -> sqlx::Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(state)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<JobRow>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// A given-up job, queued again now with fresh tries. Whether it was given up.
pub async fn retry(conn: &mut AnyConnection, id: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = $2, attempts = 0, run_at = $3, finished_at = NULL
         WHERE id = $1 AND state = $4",
    )
    .bind(id)
    .bind(state::QUEUED)
    .bind(now)
    .bind(state::FAILED)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many jobs wait (queued and due) and how long the oldest has waited, at `now`.
pub async fn backlog(db: &Db, now: i64) -> sqlx::Result<(i64, i64)> {
    let (count, oldest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(run_at) FROM jobs WHERE state = $1 AND run_at <= $2")
            .bind(state::QUEUED)
            .bind(now)
            .fetch_one(&db.pool)
            .await?;
    Ok((count, oldest.map_or(0, |t| now - t)))
}

/// Forgets finished jobs older than `before`. How many.
pub async fn forget_done(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE state = $1 AND finished_at < $2")
        .bind(state::DONE)
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many jobs are in `state`.
pub async fn count(db: &Db, state: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = $1")
        .bind(state)
        .fetch_one(&db.pool)
        .await
}
