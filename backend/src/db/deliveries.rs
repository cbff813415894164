//! Deliveries (送达): one per application and document — a second is refused by the unique key
//! even when two arrive at once.

use sqlx::AnyConnection;

use super::Db;

/// A delivery as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub document: String,
    pub way: String,
    pub recorded_by: String,
    pub decided_on: String,
    pub delivered_on: String,
    pub days: i64,
    pub delivered_at: i64,
}

/// A delivery to record.
pub struct New<'a> {
    pub application_id: i64,
    pub bundle: &'a str,
    pub department: &'a str,
    pub document: &'a str,
    pub way: &'a str,
    pub recorded_by: &'a str,
    pub decided_on: &'a str,
    pub delivered_on: &'a str,
    pub days: i64,
}

/// Records it; `false` if this document was delivered already (nothing changed).
pub async fn insert(conn: &mut AnyConnection, d: &New<'_>, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO deliveries (application_id, bundle, department, document, way, recorded_by, decided_on, delivered_on, days, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (application_id, document) DO NOTHING",
    )
    .bind(d.application_id)
    .bind(d.bundle)
    .bind(d.department)
    .bind(d.document)
    .bind(d.way)
    .bind(d.recorded_by)
    .bind(d.decided_on)
    .bind(d.delivered_on)
    .bind(d.days)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An application's deliveries, oldest first.
pub async fn of_application(db: &Db, application_id: i64) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as(
        "SELECT document, way, recorded_by, decided_on, delivered_on, days, delivered_at
         FROM deliveries WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}

/// Deliveries made from `from` to `to` (`YYYY-MM-DD`, both included), of a department's and
/// a bundle's (every one when empty), counted by way and days: (way, days, how many).
pub async fn tally(
    db: &Db,
    from: &str,
    to: &str,
    department: &str,
    bundle: &str,
) -> sqlx::Result<Vec<(String, i64, i64)>> {
    sqlx::query_as(
        "SELECT way, days, COUNT(*) FROM deliveries
         WHERE delivered_on >= $1 AND delivered_on <= $2
           AND ($3 = '' OR department = $3) AND ($4 = '' OR bundle = $4)
         GROUP BY way, days",
    )
    .bind(from)
    .bind(to)
    .bind(department)
    .bind(bundle)
    .fetch_all(&db.pool)
    .await
}
