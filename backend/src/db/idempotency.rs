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

/// Records the answer in the caller's transaction, so it commits with what it answers for.
/// Expired keys are cleared first (the same key may then be used again).
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    key: &str,
    stored: &Stored,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(now - KEEP_SECONDS)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO idempotency_keys (key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(key)
        .bind(&stored.request_hash)
        .bind(stored.status)
        .bind(&stored.body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
