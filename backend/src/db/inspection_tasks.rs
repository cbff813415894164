//! Inspection tasks of drawn plans (双随机): one per drawn enterprise, its inspectors, and its
//! result once recorded.

use sqlx::{Any, Transaction};

use super::Db;

/// A task as stored, with its plan's name and items and its enterprise.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_name: String,
    /// The plan's items (JSON).
    pub items: String,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub uscc: String,
    pub address: String,
    pub legal_rep_id: String,
    pub verify_token: String,
    pub state: String,
    pub result: Option<String>,
    pub rectify_by: Option<String>,
    pub checks: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_on: Option<String>,
    pub recheck_result: Option<String>,
    pub recheck_note: Option<String>,
    pub rechecked_by: Option<String>,
    pub rechecked_on: Option<String>,
}

const TASK: &str = "t.id, t.plan_id, p.name AS plan_name, p.items, t.enterprise_id, \
     e.name AS enterprise, e.uscc, e.address, a.legal_rep_id, e.verify_token, t.state, t.result, \
     t.rectify_by, t.checks, t.note, t.recorded_by, t.recorded_on, t.recheck_result, \
     t.recheck_note, t.rechecked_by, t.rechecked_on";

const FROM: &str = "inspection_tasks t JOIN inspection_plans p ON p.id = t.plan_id \
     JOIN enterprises e ON e.id = t.enterprise_id JOIN applications a ON a.id = e.application_id";

/// Makes the task of one drawn enterprise with its inspectors ((staff id, department)).
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    plan_id: i64,
    enterprise_id: i64,
    inspectors: &[(i64, String)],
    now: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO inspection_tasks (plan_id, enterprise_id, state, created_at, updated_at)
         VALUES ($1, $2, 'open', $3, $3) RETURNING id",
    )
    .bind(plan_id)
    .bind(enterprise_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for (staff_id, department) in inspectors {
        sqlx::query(
            "INSERT INTO inspection_task_inspectors (task_id, staff_id, department)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(staff_id)
        .bind(department)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// The tasks of inspector `staff_id`: open ones first, then the latest recorded.
pub async fn of_inspector(db: &Db, staff_id: i64) -> sqlx::Result<Vec<TaskRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK} FROM {FROM}
         WHERE t.id IN (SELECT task_id FROM inspection_task_inspectors WHERE staff_id = $1)
         ORDER BY CASE WHEN t.state = 'open' THEN 0 ELSE 1 END, t.updated_at DESC, t.id
         LIMIT 500"
    )))
    .bind(staff_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<TaskRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK} FROM {FROM} WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// The visited tasks (recorded, or rectifying) of a plan (published) or of an enterprise, by id.
pub async fn recorded(
    db: &Db,
    plan_id: Option<i64>,
    enterprise_id: Option<i64>,
) -> sqlx::Result<Vec<TaskRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK} FROM {FROM}
         WHERE t.state <> 'open' AND ($1 IS NULL OR t.plan_id = $1)
           AND ($2 IS NULL OR t.enterprise_id = $2)
         ORDER BY t.id"
    )))
    .bind(plan_id)
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await
}

/// Each task's inspectors: (task id, staff id, name, certificate number), by task.
pub async fn inspectors(
    db: &Db,
    task_ids: &[i64],
) -> sqlx::Result<Vec<(i64, i64, String, String)>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT i.task_id, s.id, s.display_name, COALESCE(s.certificate, '')
         FROM inspection_task_inspectors i
         JOIN staff s ON s.id = i.staff_id WHERE i.task_id IN ({}) ORDER BY i.task_id, s.id",
        id_list(task_ids)
    )))
    .fetch_all(&db.pool)
    .await
}

/// A recorded result: the visit's, or the re-check's.
pub struct Finding<'a> {
    pub result: &'a str,
    pub rectify_by: Option<&'a str>,
    pub checks: &'a str,
    pub note: Option<&'a str>,
    pub by: &'a str,
    pub on: &'a str,
    /// The task's state afterwards.
    pub state_after: &'a str,
}

/// Records an open task's visit; false when visited already (nothing changes).
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    f: &Finding<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE inspection_tasks SET state = $9, result = $2, rectify_by = $3,
             checks = $4, note = $5, recorded_by = $6, recorded_on = $7, updated_at = $8
         WHERE id = $1 AND state = 'open'",
    )
    .bind(id)
    .bind(f.result)
    .bind(f.rectify_by)
    .bind(f.checks)
    .bind(f.note)
    .bind(f.by)
    .bind(f.on)
    .bind(now)
    .bind(f.state_after)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the re-check of a rectifying task; false when it is not rectifying (any more).
pub async fn recheck(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    f: &Finding<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE inspection_tasks SET state = $6, recheck_result = $2, recheck_note = $3,
             rechecked_by = $4, rechecked_on = $5, updated_at = $7
         WHERE id = $1 AND state = 'rectifying'",
    )
    .bind(id)
    .bind(f.result)
    .bind(f.note)
    .bind(f.by)
    .bind(f.on)
    .bind(f.state_after)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps a photo of task `task_id` (its contents already in the store); false when the task
/// holds it already.
pub async fn add_photo(
    tx: &mut Transaction<'_, Any>,
    task_id: i64,
    (sha256, content_type, size): (&str, &str, i64),
    by: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO task_photos (task_id, sha256, content_type, size, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id, sha256) DO NOTHING",
    )
    .bind(task_id)
    .bind(sha256)
    .bind(content_type)
    .bind(size)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The photos of the tasks `task_ids`: (task id, SHA-256), in the order taken.
pub async fn photos(db: &Db, task_ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT task_id, sha256 FROM task_photos WHERE task_id IN ({})
         ORDER BY task_id, uploaded_at, sha256",
        id_list(task_ids)
    )))
    .fetch_all(&db.pool)
    .await
}

/// A photo's content type, if task `task_id` holds it.
pub async fn photo(db: &Db, task_id: i64, sha256: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT content_type FROM task_photos WHERE task_id = $1 AND sha256 = $2")
            .bind(task_id)
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(t,)| t))
}

/// Ids as an SQL list (`1, 2, 3`): integers only, so nothing from a client reaches the text.
fn id_list(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    list.join(", ")
}
