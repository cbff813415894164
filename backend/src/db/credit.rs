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

/// A credit record (信用记录) to write.
pub struct NewRecord<'a> {
    pub enterprise_id: Option<i64>,
    pub uscc: Option<&'a str>,
    pub legal_rep_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub detail: &'a str,
    pub source: &'a str,
    pub recorded_on: &'a str,
    pub bars_until: Option<&'a str>,
    pub recorded_by: &'a str,
}

/// A credit record as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecordRow {
    pub id: i64,
    pub enterprise_id: Option<i64>,
    pub kind: String,
    pub detail: String,
    pub recorded_on: String,
    pub bars_until: Option<String>,
}

/// Writes a record; its id.
pub async fn insert_record(
    tx: &mut Transaction<'_, Any>,
    r: &NewRecord<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO credit_records (enterprise_id, uscc, legal_rep_id, name, kind, detail,
             source, recorded_on, bars_until, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(r.enterprise_id)
    .bind(r.uscc)
    .bind(r.legal_rep_id)
    .bind(r.name)
    .bind(r.kind)
    .bind(r.detail)
    .bind(r.source)
    .bind(r.recorded_on)
    .bind(r.bars_until)
    .bind(r.recorded_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The records of enterprises (every one with an enterprise), by enterprise then date.
pub async fn records_of_enterprises(db: &Db) -> sqlx::Result<Vec<RecordRow>> {
    sqlx::query_as(
        "SELECT id, enterprise_id, kind, detail, recorded_on, bars_until FROM credit_records
         WHERE enterprise_id IS NOT NULL ORDER BY enterprise_id, recorded_on, id",
    )
    .fetch_all(&db.pool)
    .await
}

/// The record barring a party from the commitment path on `today`, if any: the one whose bar
/// runs longest. `kind` is `uscc` or `id_number` (the legal representative).
pub async fn barring(
    db: &Db,
    kind: &str,
    value: &str,
    today: &str,
) -> sqlx::Result<Option<(String, String, String)>> {
    let column = if kind == "uscc" {
        "uscc"
    } else {
        "legal_rep_id"
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT name, kind, bars_until FROM credit_records
         WHERE {column} = $1 AND bars_until IS NOT NULL AND bars_until >= $2
         ORDER BY bars_until DESC LIMIT 1"
    )))
    .bind(value)
    .bind(today)
    .fetch_optional(&db.pool)
    .await
}
