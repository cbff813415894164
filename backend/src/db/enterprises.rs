//! Enterprises and their permits: created when a business registration is approved; every
//! later approval of the application attaches its permit, in the approval's transaction.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::records::{Enterprise, InProgress, LicenceChangeRecord, Permit, PermitState};

#[derive(sqlx::FromRow)]
struct EnterpriseRow {
    id: i64,
    application_id: i64,
    uscc: String,
    name: String,
    entity_type: String,
    address: String,
    legal_rep: String,
    scope: String,
    established_on: String,
    verify_token: String,
    updated_at: i64,
}

impl From<EnterpriseRow> for Enterprise {
    fn from(r: EnterpriseRow) -> Enterprise {
        Enterprise {
            id: r.id,
            application_id: r.application_id,
            uscc: r.uscc,
            name: r.name,
            entity_type: r.entity_type,
            address: r.address,
            legal_rep: r.legal_rep,
            scope: r.scope,
            established_on: r.established_on,
            verify_token: r.verify_token,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PermitRow {
    id: i64,
    enterprise_id: i64,
    item: String,
    department: String,
    certificate: String,
    issued_on: String,
    valid_until: Option<String>,
    state: String,
    reason: Option<String>,
    updated_at: i64,
}

impl From<PermitRow> for Permit {
    fn from(r: PermitRow) -> Permit {
        Permit {
            id: r.id,
            enterprise_id: r.enterprise_id,
            item: r.item,
            department: r.department,
            certificate: r.certificate,
            issued_on: r.issued_on,
            valid_until: r.valid_until,
            // The column's CHECK allows the four stored states only.
            state: PermitState::parse(&r.state).unwrap_or(PermitState::Cancelled),
            reason: r.reason,
            updated_at: r.updated_at,
        }
    }
}

async fn one_enterprise(
    db: &Db,
    condition: &str,
    value: Value<'_>,
) -> sqlx::Result<Option<Enterprise>> {
    let query = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTERPRISE} FROM enterprises WHERE {condition}"
    )));
    let query = match value {
        Value::Id(id) => query.bind(id),
        Value::Text(t) => query.bind(t.to_string()),
    };
    let row: Option<EnterpriseRow> = query.fetch_optional(&db.pool).await?;
    Ok(row.map(Enterprise::from))
}

/// The value an enterprise is looked up by.
enum Value<'a> {
    Id(i64),
    Text(&'a str),
}

const ENTERPRISE: &str = "id, application_id, uscc, name, entity_type, address, legal_rep, scope, established_on, verify_token, updated_at";
const PERMIT: &str = "id, enterprise_id, item, department, certificate, issued_on, valid_until, state, reason, updated_at";

/// The next serial for a credit code.
pub async fn next_serial(tx: &mut Transaction<'_, Any>, now: i64) -> sqlx::Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO uscc_serials (issued_at) VALUES ($1) RETURNING id")
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

pub struct NewEnterprise<'a> {
    pub application_id: i64,
    pub uscc: &'a str,
    pub name: &'a str,
    pub entity_type: &'a str,
    pub address: &'a str,
    pub legal_rep: &'a str,
    pub scope: &'a str,
    pub established_on: &'a str,
    pub verify_token: &'a str,
}

pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    e: &NewEnterprise<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO enterprises (application_id, uscc, name, entity_type, address, legal_rep, scope, established_on, verify_token, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(e.application_id)
    .bind(e.uscc)
    .bind(e.name)
    .bind(e.entity_type)
    .bind(e.address)
    .bind(e.legal_rep)
    .bind(e.scope)
    .bind(e.established_on)
    .bind(e.verify_token)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn of_application(db: &Db, application_id: i64) -> sqlx::Result<Option<Enterprise>> {
    // The enterprise the application registered, or — for a permit added later (增项) — the
    // one it was filed for.
    let condition = "id = COALESCE((SELECT enterprise_id FROM applications WHERE id = $1),
                                   (SELECT id FROM enterprises WHERE application_id = $1))";
    one_enterprise(db, condition, Value::Id(application_id)).await
}

pub async fn by_token(db: &Db, token: &str) -> sqlx::Result<Option<Enterprise>> {
    one_enterprise(db, "verify_token = $1", Value::Text(token)).await
}

pub struct NewPermit<'a> {
    pub enterprise_id: i64,
    pub sub_application_id: i64,
    pub item: &'a str,
    pub department: &'a str,
    pub certificate: &'a str,
    pub issued_on: &'a str,
    pub valid_until: Option<&'a str>,
}

/// Attaches a permit (once per item of an application) and marks the enterprise changed.
pub async fn attach(
    tx: &mut Transaction<'_, Any>,
    p: &NewPermit<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO permits (enterprise_id, sub_application_id, item, department, certificate, issued_on, valid_until, state, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'valid', $8) ON CONFLICT (sub_application_id) DO NOTHING",
    )
    .bind(p.enterprise_id)
    .bind(p.sub_application_id)
    .bind(p.item)
    .bind(p.department)
    .bind(p.certificate)
    .bind(p.issued_on)
    .bind(p.valid_until)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // What the permit shows of its holder: the licence's name and address.
    sqlx::query(
        "UPDATE permits SET holder_name = (SELECT name FROM enterprises WHERE id = $1),
             holder_address = (SELECT address FROM enterprises WHERE id = $1)
         WHERE enterprise_id = $1 AND sub_application_id = $2",
    )
    .bind(p.enterprise_id)
    .bind(p.sub_application_id)
    .execute(&mut **tx)
    .await?;
    touch(tx, p.enterprise_id, now).await
}

async fn touch(tx: &mut Transaction<'_, Any>, enterprise_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE enterprises SET updated_at = $2 WHERE id = $1")
        .bind(enterprise_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An enterprise's permits, the licence first.
pub async fn permits_of(db: &Db, enterprise_id: i64) -> sqlx::Result<Vec<Permit>> {
    let rows: Vec<PermitRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PERMIT} FROM permits WHERE enterprise_id = $1
         ORDER BY CASE WHEN item = 'business_registration' THEN 0 ELSE 1 END, id"
    )))
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Permit::from).collect())
}

/// An enterprise's items still being decided — of the application that registered it and of
/// its additions (增项) — in the order they were filed.
pub async fn in_progress(db: &Db, enterprise_id: i64) -> sqlx::Result<Vec<InProgress>> {
    sqlx::query_as(
        "SELECT item, department, due_on FROM sub_applications
         WHERE application_id IN (SELECT id FROM applications WHERE enterprise_id = $1
                                  UNION SELECT application_id FROM enterprises WHERE id = $1)
           AND status NOT IN ('approved', 'rejected')
         ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn permit(db: &Db, id: i64) -> sqlx::Result<Option<Permit>> {
    let row: Option<PermitRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PERMIT} FROM permits WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(Permit::from))
}

/// Sets a permit's state (and reason), and marks its enterprise changed.
pub async fn set_state(
    tx: &mut Transaction<'_, Any>,
    permit: &Permit,
    state: PermitState,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE permits SET state = $2, reason = $3, updated_at = $4 WHERE id = $1")
        .bind(permit.id)
        .bind(state.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    touch(tx, permit.enterprise_id, now).await
}

/// The application whose item a permit came of.
pub async fn application_of_permit(
    conn: &mut sqlx::AnyConnection,
    permit_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT s.application_id FROM permits p JOIN sub_applications s ON s.id = p.sub_application_id
         WHERE p.id = $1",
    )
    .bind(permit_id)
    .fetch_optional(conn)
    .await
}

pub async fn by_id(db: &Db, id: i64) -> sqlx::Result<Option<Enterprise>> {
    one_enterprise(db, "id = $1", Value::Id(id)).await
}

pub async fn by_uscc(db: &Db, uscc: &str) -> sqlx::Result<Option<Enterprise>> {
    one_enterprise(db, "uscc = $1", Value::Text(uscc)).await
}

/// A change of the licence's name, legal representative or address.
pub struct Change<'a> {
    /// `name`, `legal_rep` or `address`.
    pub field: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    pub reason: &'a str,
    pub by: &'a str,
}

/// Applies a change to the licence **and every permit** (what they show of the holder), and
/// records it — all in `tx`: a failure anywhere leaves everything as it was.
pub async fn change(
    tx: &mut Transaction<'_, Any>,
    e: &Enterprise,
    c: &Change<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let (licence, permits) = match c.field {
        "name" => (
            "UPDATE enterprises SET name = $2, updated_at = $3 WHERE id = $1",
            Some("UPDATE permits SET holder_name = $2, updated_at = $3 WHERE enterprise_id = $1"),
        ),
        "address" => (
            "UPDATE enterprises SET address = $2, updated_at = $3 WHERE id = $1",
            Some(
                "UPDATE permits SET holder_address = $2, updated_at = $3 WHERE enterprise_id = $1",
            ),
        ),
        _ => (
            "UPDATE enterprises SET legal_rep = $2, updated_at = $3 WHERE id = $1",
            None,
        ),
    };
    sqlx::query(licence)
        .bind(e.id)
        .bind(c.after)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if let Some(sql) = permits {
        sqlx::query(sql)
            .bind(e.id)
            .bind(c.after)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO enterprise_changes (enterprise_id, field, before_value, after_value, reason, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.id)
    .bind(c.field)
    .bind(c.before)
    .bind(c.after)
    .bind(c.reason)
    .bind(c.by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The licence's history of changes, oldest first.
pub async fn changes_of(db: &Db, enterprise_id: i64) -> sqlx::Result<Vec<LicenceChangeRecord>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT field, before_value, after_value, changed_at FROM enterprise_changes
         WHERE enterprise_id = $1 ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(field, before, after, changed_at)| LicenceChangeRecord {
            field,
            before,
            after,
            changed_at,
        })
        .collect())
}

/// What each permit of an enterprise shows of its holder (name, address), by permit id.
pub async fn holders(db: &Db, enterprise_id: i64) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT id, holder_name, holder_address FROM permits WHERE enterprise_id = $1 ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(&db.pool)
    .await
}
