//! The dishonesty list (失信名单): replaced as a whole by each import; looked up before an item
//! may be approved by notification-commitment.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::credit::Listed;

/// Replaces the list with `entries` (in `tx`, so a failed import leaves the old list).
pub async fn replace(
    tx: &mut Transaction<'_, Any>,
    entries: &[Listed],
    actor: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM dishonesty_list")
        .execute(&mut **tx)
        .await?;
    for e in entries {
        sqlx::query(
            "INSERT INTO dishonesty_list (kind, value, name, source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (kind, value) DO NOTHING",
        )
        .bind(&e.kind)
        .bind(&e.value)
        .bind(&e.name)
        .bind(&e.source)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("INSERT INTO dishonesty_imports (imported_at, entries, actor) VALUES ($1, $2, $3)")
        .bind(now)
        .bind(entries.len() as i64)
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// When the list was last imported, if ever.
pub async fn last_import(db: &Db) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT imported_at FROM dishonesty_imports ORDER BY id DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(t,)| t))
}

/// The listed name and source of a party, if listed.
pub async fn lookup(db: &Db, kind: &str, value: &str) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT name, source FROM dishonesty_list WHERE kind = $1 AND value = $2")
        .bind(kind)
        .bind(value)
        .fetch_optional(&db.pool)
        .await
}
