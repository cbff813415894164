//! Webhook subscriptions (`domain::webhooks`): kept, listed, claimed by one instance at a time
//! for delivery (a lease on `next_try_at`), advanced as events are acknowledged.

use sqlx::AnyConnection;

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Webhook {
    pub id: i64,
    pub staff_id: i64,
    pub url: String,
    pub secret_sealed: String,
    pub position: i64,
    pub failures: i64,
    pub next_try_at: i64,
    pub dead_at: Option<i64>,
    pub last_error: Option<String>,
    pub delivered: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, staff_id, url, secret_sealed, position, failures, next_try_at, dead_at, \
     last_error, delivered, created_at";

pub async fn insert(
    conn: &mut AnyConnection,
    staff_id: i64,
    url: &str,
    secret_sealed: &str,
    position: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO webhooks (staff_id, url, secret_sealed, position, next_try_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(staff_id)
    .bind(url)
    .bind(secret_sealed)
    .bind(position)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Webhook>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhooks WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// A staff member's subscriptions (`None`: everyone's), oldest first.
pub async fn list(db: &Db, staff_id: Option<i64>) -> sqlx::Result<Vec<Webhook>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhooks WHERE ($1 IS NULL OR staff_id = $1) ORDER BY id"
    )))
    .bind(staff_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn remove(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The live subscriptions due at `now`.
pub async fn due(db: &Db, now: i64) -> sqlx::Result<Vec<Webhook>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhooks WHERE dead_at IS NULL AND next_try_at <= $1 ORDER BY next_try_at"
    )))
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Takes `w` for delivery until `until`, if no other instance took it since it was read.
pub async fn claim(db: &Db, w: &Webhook, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhooks SET next_try_at = $3 WHERE id = $1 AND next_try_at = $2 AND dead_at IS NULL",
    )
    .bind(w.id)
    .bind(w.next_try_at)
    .bind(until)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Events up to `position` acknowledged (`sent` more of them): the failures forgotten.
pub async fn advanced(db: &Db, id: i64, position: i64, sent: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhooks SET position = $2, failures = 0, last_error = NULL,
             delivered = delivered + $3 WHERE id = $1",
    )
    .bind(id)
    .bind(position)
    .bind(sent)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// When to look again (the lease given back).
pub async fn next_try(db: &Db, id: i64, at: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE webhooks SET next_try_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A failed try: counted, its error kept, the next try at `retry_at` — or dead at `dead_at`.
pub async fn failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    retry_at: i64,
    dead_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhooks SET failures = failures + 1, last_error = $2, next_try_at = $3, dead_at = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(retry_at)
    .bind(dead_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sent again: alive, no failures, from `position`, now.
pub async fn revive(
    conn: &mut AnyConnection,
    id: i64,
    position: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhooks SET dead_at = NULL, failures = 0, last_error = NULL, position = $2,
             next_try_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(position)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
