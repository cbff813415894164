//! Applications: filed with their items in one transaction; their intake state and notice,
//! guarded by the row's version (a stale writer changes nothing and is told so).

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::records::{Application, IntakeNotice, IntakeStatus};

/// A new application with its items, written in one transaction.
pub struct NewApplication {
    pub day: String,
    pub token_hash: String,
    pub bundle: String,
    pub answers: String,
    pub lang: &'static str,
    pub now: i64,
    /// The clerk who filed it at the counter for a walk-in applicant.
    pub filed_by: Option<String>,
    /// (item id, department id) for each sub-application.
    pub items: Vec<(String, String)>,
    /// What the worklist finds it by: the business name, the legal representative's ID
    /// number (upper case).
    pub business_name: String,
    pub legal_rep_id: String,
    /// The private token sealed at rest (for the messages and for finding it again).
    pub notify_link: Option<String>,
    /// The enterprise a permit added later (增项) is for.
    pub enterprise_id: Option<i64>,
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

/// Takes the next `count` sequence numbers of `day` (`YYYYMMDD`), atomically: the first of
/// them.
async fn next_sequences(
    tx: &mut Transaction<'_, Any>,
    day: &str,
    count: usize,
) -> sqlx::Result<i64> {
    let count = count as i64;
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO daily_counters (day, last) VALUES ($1, $2)
         ON CONFLICT (day) DO UPDATE SET last = daily_counters.last + $2 RETURNING last",
    )
    .bind(day)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - count + 1)
}

/// Inserts the applications and their sub-applications in `tx`, whatever their number, in
/// three statements (one more per further day): their ids and numbers, in the order given.
pub async fn insert_many(
    tx: &mut Transaction<'_, Any>,
    news: &[&NewApplication],
) -> sqlx::Result<Vec<(i64, String)>> {
    if news.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers in the order given, each day's sequence taken once.
    let mut numbers = Vec::with_capacity(news.len());
    let mut next: Vec<(&str, i64)> = Vec::new();
    for new in news {
        let seq = match next.iter_mut().find(|(day, _)| *day == new.day) {
            Some((_, seq)) => seq,
            None => {
                let count = news.iter().filter(|n| n.day == new.day).count();
                let first = next_sequences(tx, &new.day, count).await?;
                next.push((&new.day, first));
                &mut next.last_mut().expect("just pushed").1
            }
        };
        numbers.push(crate::domain::application::format_number(&new.day, *seq));
        *seq += 1;
    }
    let sql = format!(
        "INSERT INTO applications (number, token_hash, bundle, answers, lang, submitted_at, filed_by, business_name, legal_rep_id, notify_link, enterprise_id)
         VALUES {} RETURNING id, number",
        super::value_rows(tx, news.len(), 11)
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for (new, number) in news.iter().zip(&numbers) {
        query = query
            .bind(number.as_str())
            .bind(new.token_hash.as_str())
            .bind(new.bundle.as_str())
            .bind(new.answers.as_str())
            .bind(new.lang)
            .bind(new.now)
            .bind(new.filed_by.as_deref())
            .bind(new.business_name.as_str())
            .bind(new.legal_rep_id.as_str())
            .bind(new.notify_link.as_deref())
            .bind(new.enterprise_id);
    }
    let returned: Vec<(i64, String)> = query.fetch_all(&mut **tx).await?;
    // RETURNING promises no order: match the ids up by number.
    let ids: Vec<i64> = numbers
        .iter()
        .map(|number| {
            returned
                .iter()
                .find(|(_, n)| n == number)
                .map(|(id, _)| *id)
                .ok_or_else(|| sqlx::Error::Protocol(format!("no id returned for {number}")))
        })
        .collect::<sqlx::Result<_>>()?;
    // Every item of every application in one statement.
    let items: Vec<(i64, i64, &str, &str)> = news
        .iter()
        .zip(&ids)
        .flat_map(|(new, id)| {
            new.items
                .iter()
                .map(move |(item, department)| (*id, new.now, item.as_str(), department.as_str()))
        })
        .collect();
    if !items.is_empty() {
        let sql = format!(
            "INSERT INTO sub_applications (application_id, item, department, status, updated_at) VALUES {}",
            super::value_rows(tx, items.len(), 5)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, now, item, department) in items {
            query = query
                .bind(id)
                .bind(item)
                .bind(department)
                .bind("submitted")
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(ids.into_iter().zip(numbers).collect())
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
        "UPDATE applications SET status = $3, notice = $4, version = version + 1,
             corrections = corrections + $5
         WHERE id = $1 AND version = $2",
    )
    .bind(app.id)
    .bind(app.version)
    .bind(status.as_str())
    .bind(notice)
    .bind(i64::from(status == IntakeStatus::CorrectionRequested))
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
