//! 双随机: the two databases a draw reads (inspection objects, inspectors), the conflicts of
//! interest, and the plans with what they published.

use sqlx::{Any, Transaction};

use super::Db;

/// An enterprise with a valid permit: id, name, address, its legal representative's ID number
/// and credit code, its industry (the bundle it applied with), the departments and the items
/// of its valid permits (sorted, once each), whether it or its legal representative is on the
/// dishonesty list.
#[derive(Debug, Clone)]
pub struct ObjectRow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub uscc: String,
    pub legal_rep_id: String,
    pub industry: String,
    pub departments: Vec<String>,
    pub permits: Vec<String>,
    pub listed: bool,
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

/// The objects database: every enterprise holding a valid permit, with whether it or its
/// legal representative is on the dishonesty list (looked up by the list's key), by id.
pub async fn objects(db: &Db) -> sqlx::Result<Vec<ObjectRow>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.id, e.name, e.address, e.uscc, a.legal_rep_id, a.bundle, p.department, p.item,
                CASE WHEN EXISTS (SELECT 1 FROM dishonesty_list d
                    WHERE (d.kind = 'uscc' AND d.value = e.uscc)
                       OR (d.kind = 'id_number' AND d.value = a.legal_rep_id)) THEN 1 ELSE 0 END
         FROM enterprises e JOIN applications a ON a.id = e.application_id
         JOIN permits p ON p.enterprise_id = e.id AND p.state = 'valid'
         ORDER BY e.id, p.department, p.item",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<ObjectRow> = Vec::new();
    for (id, name, address, uscc, legal_rep_id, industry, department, item, listed) in rows {
        if out.last().is_none_or(|o| o.id != id) {
            out.push(ObjectRow {
                listed: listed == 1,
                id,
                name,
                address,
                uscc,
                legal_rep_id,
                industry,
                departments: Vec::new(),
                permits: Vec::new(),
            });
        }
        let Some(o) = out.last_mut() else { continue };
        if !o.departments.contains(&department) {
            o.departments.push(department);
        }
        if !o.permits.contains(&item) {
            o.permits.push(item);
        }
    }
    Ok(out)
}

/// The inspectors database: the departments' active inspectors (id, name, department,
/// certificate number), by id.
pub async fn inspectors(db: &Db) -> sqlx::Result<Vec<(i64, String, String, String)>> {
    sqlx::query_as(
        "SELECT id, display_name, department, COALESCE(certificate, '') FROM staff
         WHERE role = 'inspector' AND active = 1 AND department IS NOT NULL ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// Conflicts of interest on the record: (enterprise id, staff id) of everyone who approved one
/// of the enterprise's permits, and of every relation the bureau recorded.
pub async fn conflicts(db: &Db) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT p.enterprise_id, s.id FROM permits p
         JOIN audit_log l ON l.subject = 'item ' || CAST(p.sub_application_id AS TEXT)
         JOIN staff s ON s.username = l.actor
         WHERE l.action LIKE 'review.approve%'
         UNION
         SELECT enterprise_id, staff_id FROM declared_conflicts
         ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
}

/// Records a relation between inspector `staff_id` and an enterprise; false when recorded
/// already (the first reason stands).
pub async fn declare(
    tx: &mut Transaction<'_, Any>,
    (staff_id, enterprise_id): (i64, i64),
    reason: &str,
    by: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO declared_conflicts (staff_id, enterprise_id, reason, declared_by, declared_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (staff_id, enterprise_id) DO NOTHING",
    )
    .bind(staff_id)
    .bind(enterprise_id)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every recorded relation: (inspector's username, name, enterprise, credit code, reason,
/// when), the newest first.
pub async fn declared(db: &Db) -> sqlx::Result<Vec<(String, String, String, String, String, i64)>> {
    sqlx::query_as(
        "SELECT s.username, s.display_name, e.name, e.uscc, d.reason, d.declared_at
         FROM declared_conflicts d JOIN staff s ON s.id = d.staff_id
         JOIN enterprises e ON e.id = d.enterprise_id
         ORDER BY d.declared_at DESC, s.username",
    )
    .fetch_all(&db.pool)
    .await
}

/// A plan as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub name: String,
    pub frozen: String,
    pub frozen_hash: String,
    pub commitment: String,
    pub seed: String,
    pub drawn: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub drawn_at: Option<i64>,
    /// The inspection items covered, as the list had them (JSON).
    pub items: String,
    /// Which enterprises it took (JSON `PlanFilters`).
    pub filters: String,
}

const PLAN: &str = "id, name, frozen, frozen_hash, commitment, seed, drawn, created_by, \
     created_at, drawn_at, items, filters";

pub struct NewPlan<'a> {
    pub name: &'a str,
    pub frozen: &'a str,
    pub frozen_hash: &'a str,
    pub commitment: &'a str,
    pub seed: &'a str,
    pub created_by: &'a str,
    pub items: &'a str,
    pub filters: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, p: &NewPlan<'_>) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO inspection_plans (name, frozen, frozen_hash, commitment, seed, created_by,
             created_at, items, filters)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(p.name)
    .bind(p.frozen)
    .bind(p.frozen_hash)
    .bind(p.commitment)
    .bind(p.seed)
    .bind(p.created_by)
    .bind(p.now)
    .bind(p.items)
    .bind(p.filters)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn plan(db: &Db, id: i64) -> sqlx::Result<Option<PlanRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN} FROM inspection_plans WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// Every plan, newest first.
pub async fn plans(db: &Db) -> sqlx::Result<Vec<PlanRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN} FROM inspection_plans ORDER BY id DESC"
    )))
    .fetch_all(&db.pool)
    .await
}

/// Records the draw once: `false` if the plan was drawn already.
pub async fn set_drawn(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    drawn: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE inspection_plans SET drawn = $2, drawn_at = $3 WHERE id = $1 AND drawn IS NULL",
    )
    .bind(id)
    .bind(drawn)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
