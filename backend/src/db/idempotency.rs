//! Stored first answers of idempotent requests, replayed for a retry with the same key: under
//! a hash of the key, the answer sealed with it (`domain::idempotency`).

use sqlx::{Any, Transaction};

use super::Db;

/// A stored answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub request_hash: String,
    pub status: i64,
    /// The answer, sealed.
    pub body: String,
}

/// How long a key is remembered. Retries come within minutes.
pub const KEEP_SECONDS: i64 = 24 * 3600;

pub async fn find(db: &Db, key: &str, now: i64) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as("SELECT request_hash, status, body FROM idempotency_keys WHERE key = $1 AND created_at > $2")
        .bind(key)
        .bind(now - KEEP_SECONDS)
        .fetch_optional(&db.pool)
        .await
}

/// Records the answers under their keys in the caller's transaction, so they commit with what
/// they answer for. Expired keys are cleared first (the same key may then be used again).
/// Returns the keys recorded: a key missing from them is held already (a concurrent request
/// with it won).
pub async fn record_many(
    tx: &mut Transaction<'_, Any>,
    answers: &[(&str, &Stored)],
    now: i64,
) -> sqlx::Result<Vec<String>> {
    if answers.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(now - KEEP_SECONDS)
        .execute(&mut **tx)
        .await?;
    let sql = format!(
        "INSERT INTO idempotency_keys (key, request_hash, status, body, created_at) VALUES {}
         ON CONFLICT (key) DO NOTHING RETURNING key",
        super::value_rows(tx, answers.len(), 5)
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for (key, stored) in answers {
        query = query
            .bind(*key)
            .bind(stored.request_hash.as_str())
            .bind(stored.status)
            .bind(stored.body.as_str())
            .bind(now);
    }
    let kept: Vec<(String,)> = query.fetch_all(&mut **tx).await?;
    Ok(kept.into_iter().map(|(key,)| key).collect())
}
