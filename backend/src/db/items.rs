//! The items of applications (sub-applications): each one's state, clock and decision, and the
//! joint inspections that group them. Every change is guarded by the row's version (a stale
//! writer changes nothing and is told so).

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::records::{Decision, Inspection, Item};
use crate::domain::review::{Change, Kept};
use shared::date::{format_iso_date, parse_iso_date};
use shared::status::SubStatus;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    application_id: i64,
    number: String,
    item: String,
    department: String,
    status: String,
    version: i64,
    accepted_on: Option<String>,
    paused_since: Option<String>,
    paused_days: i64,
    decision: Option<String>,
    inspection_id: Option<i64>,
    updated_at: i64,
    assignee: Option<String>,
}

impl From<Row> for Item {
    fn from(r: Row) -> Item {
        Item {
            id: r.id,
            application_id: r.application_id,
            number: r.number,
            item: r.item,
            department: r.department,
            status: SubStatus::parse(&r.status).unwrap_or(SubStatus::Submitted),
            version: r.version,
            accepted_on: r.accepted_on.as_deref().and_then(parse_iso_date),
            paused_since: r.paused_since.as_deref().and_then(parse_iso_date),
            paused_days: u32::try_from(r.paused_days).unwrap_or(0),
            decision: Decision::from_stored(r.decision.as_deref()),
            inspection_id: r.inspection_id,
            updated_at: r.updated_at,
            assignee: r.assignee,
        }
    }
}

const COLUMNS: &str = "s.id, s.application_id, a.number, s.item, s.department, s.status, s.version, s.accepted_on, s.paused_since, s.paused_days, s.decision, s.inspection_id, s.updated_at, s.assignee";

async fn select(db: &Db, condition: &str, id: i64) -> sqlx::Result<Vec<Item>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE {condition} ORDER BY s.id"
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(Item::from).collect())
}

/// Whether every item of an application is decided, read inside the caller's transaction
/// (after `applications::lock`, so that two last decisions do not both miss the other).
pub async fn all_decided(
    conn: &mut sqlx::AnyConnection,
    application_id: i64,
) -> sqlx::Result<bool> {
    let statuses: Vec<(String,)> =
        sqlx::query_as("SELECT status FROM sub_applications WHERE application_id = $1")
            .bind(application_id)
            .fetch_all(conn)
            .await?;
    Ok(!statuses.is_empty()
        && statuses
            .iter()
            .all(|(s,)| SubStatus::parse(s).is_some_and(SubStatus::is_final)))
}

/// The items of these ids, in id order.
pub async fn by_ids(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    of_list(db, "s.id", ids).await
}

/// Every item of these applications, in id order.
pub async fn of_applications(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    of_list(db, "s.application_id", ids).await
}

async fn of_list(db: &Db, column: &str, ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE {column} IN ({}) ORDER BY s.id",
        marks.join(", ")
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    let rows: Vec<Row> = query.fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(Item::from).collect())
}

/// Every item of an application, in the order they were filed.
pub async fn of_application(db: &Db, application_id: i64) -> sqlx::Result<Vec<Item>> {
    select(db, "s.application_id = $1", application_id).await
}

pub async fn item(db: &Db, id: i64) -> sqlx::Result<Option<Item>> {
    Ok(select(db, "s.id = $1", id).await?.pop())
}

pub async fn of_inspection(db: &Db, inspection_id: i64) -> sqlx::Result<Vec<Item>> {
    select(db, "s.inspection_id = $1", inspection_id).await
}

/// On acceptance: every item to its department at once, each clock starting today.
pub async fn accept_all(
    tx: &mut Transaction<'_, Any>,
    application_id: i64,
    accepted_on: time::Date,
    tolerated: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sub_applications SET status = 'accepted', accepted_on = $2, version = version + 1, updated_at = $3,
             tolerated = $4
         WHERE application_id = $1 AND status = 'submitted'",
    )
    .bind(application_id)
    .bind(format_iso_date(accepted_on))
    .bind(now)
    .bind(i64::from(tolerated))
    .execute(&mut **tx)
    .await?;
    // The application's day of acceptance, for what is counted by application.
    sqlx::query("UPDATE applications SET accepted_on = $2 WHERE id = $1")
        .bind(application_id)
        .bind(format_iso_date(accepted_on))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes an item's new state, clock, decision and what its row keeps besides (due date,
/// measure, supplement rounds) if `item.version` is still the row's; `false` if someone else
/// changed it meanwhile.
pub async fn change(
    tx: &mut Transaction<'_, Any>,
    item: &Item,
    change: &Change,
    kept: &Kept,
    now: i64,
) -> sqlx::Result<bool> {
    let decision = serde_json::to_string(&change.decision).unwrap_or_default();
    let m = kept.measure.as_ref();
    let done = sqlx::query(
        "UPDATE sub_applications SET status = $3, paused_since = $4, paused_days = $5, decision = $6,
             inspection_id = $7, version = version + 1, updated_at = $8, due_on = $9,
             decided_on = COALESCE($10, decided_on), actual_days = COALESCE($11, actual_days),
             on_time = COALESCE($12, on_time), by_commitment = $13, rounds = rounds + $14
         WHERE id = $1 AND version = $2",
    )
    .bind(item.id)
    .bind(item.version)
    .bind(change.status.as_str())
    .bind(change.paused_since.map(format_iso_date))
    .bind(i64::from(change.paused_days))
    .bind(decision)
    .bind(change.inspection_id)
    .bind(now)
    .bind(kept.due_on.as_deref())
    .bind(m.map(|m| format_iso_date(m.decided_on)))
    .bind(m.map(|m| i64::from(m.actual_days)))
    .bind(m.map(|m| i64::from(m.on_time)))
    .bind(i64::from(change.decision.by_commitment))
    .bind(i64::from(kept.supplement_round))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn create_inspection(
    tx: &mut Transaction<'_, Any>,
    application_id: i64,
    on: time::Date,
    by: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO inspections (application_id, scheduled_on, scheduled_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(application_id)
    .bind(format_iso_date(on))
    .bind(by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn inspection(db: &Db, id: i64) -> sqlx::Result<Option<Inspection>> {
    let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, application_id, scheduled_on, recorded_by FROM inspections WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(id, application_id, scheduled_on, recorded_by)| Inspection {
            id,
            application_id,
            scheduled_on,
            recorded_by,
        },
    ))
}

/// Records the visit once; `false` if it was already recorded.
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
