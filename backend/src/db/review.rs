//! Intake and review: the application's intake state and each item's state, clock and decision.
//! Every change is guarded by the row's version (optimistic concurrency: a stale writer changes
//! nothing and is told so).

use sqlx::{Any, Transaction};

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppRow {
    pub id: i64,
    pub number: String,
    pub bundle: String,
    pub answers: String,
    pub status: String,
    pub version: i64,
    pub submitted_at: i64,
    pub notice: Option<String>,
    pub filed_by: Option<String>,
}

impl AppRow {
    /// The materials accepted as missing (容缺) and not yet arrived.
    pub fn owed(&self) -> Vec<String> {
        self.notice
            .as_deref()
            .and_then(|n| serde_json::from_str::<serde_json::Value>(n).ok())
            .and_then(|n| serde_json::from_value(n["missing_materials"].clone()).ok())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub application_id: i64,
    pub number: String,
    pub item: String,
    pub department: String,
    pub status: String,
    pub version: i64,
    pub accepted_on: Option<String>,
    pub paused_since: Option<String>,
    pub paused_days: i64,
    pub decision: Option<String>,
    pub inspection_id: Option<i64>,
    pub updated_at: i64,
}

const ITEM_COLUMNS: &str = "s.id, s.application_id, a.number, s.item, s.department, s.status, s.version, s.accepted_on, s.paused_since, s.paused_days, s.decision, s.inspection_id, s.updated_at";

pub async fn application(db: &Db, number: &str) -> sqlx::Result<Option<AppRow>> {
    sqlx::query_as(
        "SELECT id, number, bundle, answers, status, version, submitted_at, notice, filed_by
         FROM applications WHERE number = $1",
    )
    .bind(number)
    .fetch_optional(&db.pool)
    .await
}

/// Applications waiting at the one window, oldest first.
pub async fn application_by_id(db: &Db, id: i64) -> sqlx::Result<Option<AppRow>> {
    sqlx::query_as(
        "SELECT id, number, bundle, answers, status, version, submitted_at, notice, filed_by
         FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn intake_queue(db: &Db) -> sqlx::Result<Vec<AppRow>> {
    sqlx::query_as(
        "SELECT id, number, bundle, answers, status, version, submitted_at, notice, filed_by
         FROM applications WHERE status = 'submitted' ORDER BY submitted_at, id",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn items_of(db: &Db, application_id: i64) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.application_id = $1 ORDER BY s.id"
    )))
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn item(db: &Db, id: i64) -> sqlx::Result<Option<ItemRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// A department's open items (accepted and not decided).
pub async fn department_queue(db: &Db, department: &str) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.department = $1 AND s.status IN ('accepted', 'supplement_requested', 'inspection_scheduled')
         ORDER BY s.id"
    )))
    .bind(department)
    .fetch_all(&db.pool)
    .await
}

/// Sets the intake state if the version still matches; false if someone else changed it.
pub async fn set_intake(
    tx: &mut Transaction<'_, Any>,
    app: &AppRow,
    status: &str,
    notice: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE applications SET status = $3, notice = $4, version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(app.id)
    .bind(app.version)
    .bind(status)
    .bind(notice)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// On acceptance: every item to its department at once, each clock starting today.
pub async fn accept_items(
    tx: &mut Transaction<'_, Any>,
    application_id: i64,
    accepted_on: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sub_applications SET status = 'accepted', accepted_on = $2, version = version + 1, updated_at = $3
         WHERE application_id = $1 AND status = 'submitted'",
    )
    .bind(application_id)
    .bind(accepted_on)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An item's new state, clock and decision, if its version still matches.
pub struct ItemChange<'a> {
    pub status: &'a str,
    pub paused_since: Option<&'a str>,
    pub paused_days: i64,
    pub decision: Option<&'a str>,
    pub inspection_id: Option<i64>,
}

pub async fn change_item(
    tx: &mut Transaction<'_, Any>,
    item: &ItemRow,
    change: &ItemChange<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sub_applications SET status = $3, paused_since = $4, paused_days = $5, decision = $6,
             inspection_id = $7, version = version + 1, updated_at = $8
         WHERE id = $1 AND version = $2",
    )
    .bind(item.id)
    .bind(item.version)
    .bind(change.status)
    .bind(change.paused_since)
    .bind(change.paused_days)
    .bind(change.decision)
    .bind(change.inspection_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A joint inspection: one visit for several items of one application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub application_id: i64,
    pub scheduled_on: String,
    pub scheduled_by: String,
    pub recorded_by: Option<String>,
    pub result: Option<String>,
}

pub async fn create_inspection(
    tx: &mut Transaction<'_, Any>,
    application_id: i64,
    on: &str,
    by: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO inspections (application_id, scheduled_on, scheduled_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(application_id)
    .bind(on)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn inspection(db: &Db, id: i64) -> sqlx::Result<Option<InspectionRow>> {
    sqlx::query_as(
        "SELECT id, application_id, scheduled_on, scheduled_by, recorded_by, result FROM inspections WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// Records the visit once; false if it was already recorded.
pub async fn record_inspection(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    by: &str,
    result: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE inspections SET recorded_by = $2, result = $3 WHERE id = $1 AND recorded_by IS NULL",
    )
    .bind(id)
    .bind(by)
    .bind(result)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn items_of_inspection(db: &Db, inspection_id: i64) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.inspection_id = $1 ORDER BY s.id"
    )))
    .bind(inspection_id)
    .fetch_all(&db.pool)
    .await
}
