//! Applications: filed with their items in one transaction; their intake state and notice,
//! guarded by the row's version (a stale writer changes nothing and is told so).

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::records::{Application, IntakeNotice, IntakeStatus};

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
    /// What the worklist finds it by: the business name, the legal representative's ID
    /// number (upper case).
    pub business_name: &'a str,
    pub legal_rep_id: &'a str,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    bundle: String,
    answers: String,
    status: String,
    version: i64,
    submitted_at: i64,
    notice: Option<String>,
    filed_by: Option<String>,
    token_hash: String,
}

impl From<Row> for Application {
    fn from(r: Row) -> Application {
        Application {
            id: r.id,
            answers: serde_json::from_str(&r.answers).unwrap_or_default(),
            intake: IntakeStatus::parse(&r.status).unwrap_or_default(),
            notice: IntakeNotice::from_stored(r.notice.as_deref()),
            number: r.number,
            bundle: r.bundle,
            version: r.version,
            submitted_at: r.submitted_at,
            filed_by: r.filed_by,
            token_hash: r.token_hash,
        }
    }
}

const COLUMNS: &str =
    "id, number, bundle, answers, status, version, submitted_at, notice, filed_by, token_hash";

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
        "INSERT INTO applications (number, token_hash, bundle, answers, lang, submitted_at, filed_by, business_name, legal_rep_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&number)
    .bind(new.token_hash)
    .bind(new.bundle)
    .bind(new.answers)
    .bind(new.lang)
    .bind(new.now)
    .bind(new.filed_by)
    .bind(new.business_name)
    .bind(new.legal_rep_id)
    .fetch_one(&mut **tx)
    .await?;
    // Every item in one statement: one round trip, however many items.
    if !new.items.is_empty() {
        let rows: Vec<String> = (0..new.items.len())
            .map(|n| format!("($1, ${}, ${}, 'submitted', $2)", 3 + 2 * n, 4 + 2 * n))
            .collect();
        let sql = format!(
            "INSERT INTO sub_applications (application_id, item, department, status, updated_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(new.now);
        for (item, department) in &new.items {
            query = query.bind(*item).bind(*department);
        }
        query.execute(&mut **tx).await?;
    }
    Ok((id, number))
}

/// The applications of these ids (in no particular order).
pub async fn by_ids(db: &Db, ids: &[i64]) -> sqlx::Result<Vec<Application>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    let rows: Vec<Row> = query.fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(Application::from).collect())
}

/// Holds the application's row until the transaction ends (a row lock on PostgreSQL, the write
/// lock on SQLite): what is decided about one application is decided one after another.
pub async fn lock(conn: &mut sqlx::AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET id = id WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn application(db: &Db, number: &str) -> sqlx::Result<Option<Application>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE number = $1"
    )))
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(Application::from))
}

pub async fn application_by_id(db: &Db, id: i64) -> sqlx::Result<Option<Application>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM applications WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(Application::from))
}

/// How many items an application has.
pub async fn item_count(db: &Db, application_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sub_applications WHERE application_id = $1")
            .bind(application_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(n)
}

/// Sets the intake state and notice if the version read is still the row's; `false` if
/// someone else changed it meanwhile.
pub async fn set_intake(
    tx: &mut Transaction<'_, Any>,
    app: &Application,
    status: IntakeStatus,
    notice: &IntakeNotice,
) -> sqlx::Result<bool> {
    let notice = serde_json::to_string(notice).unwrap_or_default();
    let done = sqlx::query(
        "UPDATE applications SET status = $3, notice = $4, version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(app.id)
    .bind(app.version)
    .bind(status.as_str())
    .bind(notice)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
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

/// An application's answers as a reply changed them, with the columns the worklist finds it
/// by; `false` if it changed meanwhile (its version, which the reply's own change of state
/// then moves on).
pub async fn set_answers(
    tx: &mut Transaction<'_, Any>,
    app: &Application,
    answers: &str,
    business_name: &str,
    legal_rep_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE applications SET answers = $3, business_name = $4, legal_rep_id = $5
         WHERE id = $1 AND version = $2",
    )
    .bind(app.id)
    .bind(app.version)
    .bind(answers)
    .bind(business_name)
    .bind(legal_rep_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
