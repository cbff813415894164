//! Requests of a licence holder (a change of the licence, the cancellation of a permit): filed
//! with the private link, decided once by the department they belong to.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::records::{HolderRequest, RequestKind};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    enterprise_id: i64,
    kind: String,
    target: String,
    permit_id: Option<i64>,
    department: String,
    before_value: String,
    after_value: String,
    reason: String,
    state: String,
    note: Option<String>,
    filed_at: i64,
}

impl From<Row> for HolderRequest {
    fn from(r: Row) -> HolderRequest {
        HolderRequest {
            id: r.id,
            enterprise_id: r.enterprise_id,
            kind: if r.kind == "change" {
                RequestKind::Change
            } else {
                RequestKind::Cancel
            },
            target: r.target,
            permit_id: r.permit_id,
            department: r.department,
            before: r.before_value,
            after: r.after_value,
            reason: r.reason,
            state: r.state,
            note: r.note,
            filed_at: r.filed_at,
        }
    }
}

const REQUEST: &str = "id, enterprise_id, kind, target, permit_id, department, before_value, after_value, reason, state, note, filed_at";

pub struct NewRequest<'a> {
    pub enterprise_id: i64,
    pub kind: RequestKind,
    pub target: &'a str,
    pub permit_id: Option<i64>,
    pub department: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    pub reason: &'a str,
}

/// Files a request. A second pending request for the same target breaks the unique index
/// (`is_unique_violation`).
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    r: &NewRequest<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO holder_requests (enterprise_id, kind, target, permit_id, department, before_value, after_value, reason, filed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.enterprise_id)
    .bind(r.kind.as_str())
    .bind(r.target)
    .bind(r.permit_id)
    .bind(r.department)
    .bind(r.before)
    .bind(r.after)
    .bind(r.reason)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// An enterprise's requests, newest first.
pub async fn of_enterprise(db: &Db, enterprise_id: i64) -> sqlx::Result<Vec<HolderRequest>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST} FROM holder_requests WHERE enterprise_id = $1 ORDER BY id DESC"
    )))
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(HolderRequest::from).collect())
}

/// A department's pending requests, oldest first.
pub async fn pending_for(db: &Db, department: &str) -> sqlx::Result<Vec<HolderRequest>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST} FROM holder_requests WHERE department = $1 AND state = 'pending' ORDER BY id"
    )))
    .bind(department)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(HolderRequest::from).collect())
}

pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<HolderRequest>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST} FROM holder_requests WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(HolderRequest::from))
}

/// Records the decision if the request is still pending; `false` if someone decided first.
pub async fn decide(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    state: &str,
    note: Option<&str>,
    by: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE holder_requests SET state = $2, note = $3, decided_by = $4, decided_at = $5
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
