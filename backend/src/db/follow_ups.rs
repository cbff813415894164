//! Follow-ups of approvals by commitment (告知承诺事后核查): made with the approval, found once,
//! flagged when overdue.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::follow_up::{FollowUp, state};

const COLUMNS: &str = "f.id, f.sub_application_id, f.application_id, a.number, f.department, \
     f.item, f.due_on, f.state, f.overdue_since, f.note, f.done_by, f.done_on, a.business_name, \
     a.legal_rep_id, p.id AS permit_id, p.certificate";

/// The follow-ups with their application and, once issued, their permit.
const FROM: &str = "follow_ups f JOIN applications a ON a.id = f.application_id \
     LEFT JOIN permits p ON p.sub_application_id = f.sub_application_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    sub_application_id: i64,
    application_id: i64,
    number: String,
    department: String,
    item: String,
    due_on: String,
    state: String,
    overdue_since: Option<String>,
    note: Option<String>,
    done_by: Option<String>,
    done_on: Option<String>,
    business_name: String,
    legal_rep_id: String,
    permit_id: Option<i64>,
    certificate: Option<String>,
}

impl From<Row> for FollowUp {
    fn from(r: Row) -> FollowUp {
        FollowUp {
            id: r.id,
            sub_application_id: r.sub_application_id,
            application_id: r.application_id,
            number: r.number,
            department: r.department,
            item: r.item,
            due_on: r.due_on,
            state: r.state,
            overdue_since: r.overdue_since,
            note: r.note,
            done_by: r.done_by,
            done_on: r.done_on,
            business_name: r.business_name,
            legal_rep_id: r.legal_rep_id,
            permit_id: r.permit_id,
            certificate: r.certificate,
        }
    }
}

/// What an approval by commitment owes.
pub struct NewFollowUp<'a> {
    pub sub_application_id: i64,
    pub application_id: i64,
    pub department: &'a str,
    pub item: &'a str,
    pub due_on: &'a str,
}

/// Makes the follow-up of an approval by commitment (one per item).
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    f: &NewFollowUp<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO follow_ups (sub_application_id, application_id, department, item, due_on,
             state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (sub_application_id) DO NOTHING",
    )
    .bind(f.sub_application_id)
    .bind(f.application_id)
    .bind(f.department)
    .bind(f.item)
    .bind(f.due_on)
    .bind(state::OPEN)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The follow-ups of `department` (every department's: `None`): open ones first, soonest due
/// first, then the done ones, the latest first; at most `limit`.
pub async fn list(db: &Db, department: Option<&str>, limit: i64) -> sqlx::Result<Vec<FollowUp>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE ($1 IS NULL OR f.department = $1)
         ORDER BY CASE WHEN f.state = 'open' THEN 0 ELSE 1 END,
                  CASE WHEN f.state = 'open' THEN f.due_on ELSE '' END,
                  f.updated_at DESC, f.id
         LIMIT $2"
    )))
    .bind(department)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(FollowUp::from).collect())
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<FollowUp>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE f.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(FollowUp::from))
}

/// The finding of an open follow-up; false when it was found already (nothing changes).
pub async fn finish(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    (to, note): (&str, Option<&str>),
    (by, today): (&str, &str),
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE follow_ups SET state = $2, note = $3, done_by = $4, done_on = $5, updated_at = $6
         WHERE id = $1 AND state = 'open'",
    )
    .bind(id)
    .bind(to)
    .bind(note)
    .bind(by)
    .bind(today)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Flags the open follow-ups due before `today` not flagged yet; their ids.
pub async fn flag_overdue(
    tx: &mut Transaction<'_, Any>,
    today: &str,
    now: i64,
) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "UPDATE follow_ups SET overdue_since = $1, updated_at = $2
         WHERE state = 'open' AND due_on < $1 AND overdue_since IS NULL RETURNING id",
    )
    .bind(today)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}
