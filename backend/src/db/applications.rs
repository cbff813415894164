//! Applications and their sub-applications.

use sqlx::{Any, Transaction};

use super::Db;

/// A new application with its items, written in one transaction.
pub struct NewApplication<'a> {
    pub day: &'a str,
    pub token_hash: &'a str,
    pub bundle: &'a str,
    pub answers: &'a str,
    pub lang: &'a str,
    pub now: i64,
    /// The clerk who filed it at the counter for a walk-in applicant.
    pub filed_by: Option<&'a str>,
    /// (item id, department id) for each sub-application.
    pub items: Vec<(&'a str, &'a str)>,
}

/// Takes the next sequence number of `day` (`YYYYMMDD`), atomically.
async fn next_sequence(tx: &mut Transaction<'_, Any>, day: &str) -> sqlx::Result<i64> {
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO daily_counters (day, last) VALUES ($1, 1)
         ON CONFLICT (day) DO UPDATE SET last = daily_counters.last + 1 RETURNING last",
    )
    .bind(day)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last)
}

/// Inserts the application and its sub-applications in `tx`; returns its id and number.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    new: &NewApplication<'_>,
) -> sqlx::Result<(i64, String)> {
    let seq = next_sequence(tx, new.day).await?;
    let number = crate::domain::application::format_number(new.day, seq);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO applications (number, token_hash, bundle, answers, lang, submitted_at, filed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&number)
    .bind(new.token_hash)
    .bind(new.bundle)
    .bind(new.answers)
    .bind(new.lang)
    .bind(new.now)
    .bind(new.filed_by)
    .fetch_one(&mut **tx)
    .await?;
    for (item, department) in &new.items {
        sqlx::query(
            "INSERT INTO sub_applications (application_id, item, department, status, updated_at)
             VALUES ($1, $2, $3, 'submitted', $4)",
        )
        .bind(id)
        .bind(*item)
        .bind(*department)
        .bind(new.now)
        .execute(&mut **tx)
        .await?;
    }
    Ok((id, number))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub number: String,
    pub token_hash: String,
    pub bundle: String,
    pub submitted_at: i64,
}

pub async fn find(db: &Db, number: &str) -> sqlx::Result<Option<ApplicationRow>> {
    sqlx::query_as(
        "SELECT id, number, token_hash, bundle, submitted_at FROM applications WHERE number = $1",
    )
    .bind(number)
    .fetch_optional(&db.pool)
    .await
}

/// The stored answers of an application (JSON text), as the server kept them.
pub async fn answers(db: &Db, number: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT answers FROM applications WHERE number = $1")
            .bind(number)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(a,)| a))
}

/// Counts rows, for tests that check nothing was stored.
pub async fn count(db: &Db) -> sqlx::Result<(i64, i64)> {
    let (a,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications")
        .fetch_one(&db.pool)
        .await?;
    let (s,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sub_applications")
        .fetch_one(&db.pool)
        .await?;
    Ok((a, s))
}
