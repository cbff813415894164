//! What the statistics read: the items of a period counted in groups (the database adds up,
//! the domain builds the tables), the overdue list, refusals with their reasons, and the
//! applicants' ratings (问效于企), which are written here too.

use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::statistics::Tally;
use shared::records::Decision;
use shared::status::SubStatus;

/// A period (acceptance days, both included, `YYYY-MM-DD`) and the filters; empty: any.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: String,
    pub to: String,
    pub department: String,
    pub bundle: String,
}

/// The conditions every query here shares: `$1`–`$4` are the filter's.
const WHERE: &str = "s.accepted_on IS NOT NULL AND s.accepted_on >= $1 AND s.accepted_on <= $2 \
     AND ($3 = '' OR s.department = $3) AND ($4 = '' OR a.bundle = $4)";

type Query<'q, O> = sqlx::query::QueryAs<'q, Any, O, sqlx::any::AnyArguments>;

/// Binds the filter's `$1`–`$4`.
fn bind<'q, O>(q: Query<'q, O>, f: &'q Filter) -> Query<'q, O> {
    q.bind(f.from.as_str())
        .bind(f.to.as_str())
        .bind(f.department.as_str())
        .bind(f.bundle.as_str())
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    item: String,
    department: String,
    bundle: String,
    month: String,
    status: String,
    actual_days: Option<i64>,
    on_time: Option<i64>,
    overdue: i64,
    by_commitment: i64,
    tolerated: i64,
    n: i64,
    rounds: i64,
}

/// The rollup's columns that say what is counted (its primary key).
const KEY: &str = "accepted_on, item, department, bundle, status, actual_days, on_time, due_on, \
     by_commitment, tolerated";

/// Folds the deltas the triggers appended into the totals, one folder at a time (the
/// transactional lock on PostgreSQL; SQLite has one writer); how many were folded. Each delta
/// is folded once: on PostgreSQL those taken are the ones deleted, in one statement; on SQLite
/// nothing else writes between the two.
pub async fn fold(db: &Db) -> sqlx::Result<u64> {
    let any: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM stat_deltas LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    if any.is_none() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let folded = match db.dialect {
        super::Dialect::Postgres => {
            sqlx::query("SELECT pg_advisory_xact_lock(20261204)")
                .execute(&mut **tx)
                .await?;
            let sql = format!(
                "WITH moved AS (DELETE FROM stat_deltas RETURNING *)
                 INSERT INTO stat_tallies SELECT {KEY}, SUM(n), SUM(rounds) FROM moved GROUP BY {KEY}
                 ON CONFLICT ({KEY}) DO UPDATE
                 SET n = stat_tallies.n + EXCLUDED.n, rounds = stat_tallies.rounds + EXCLUDED.rounds"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }
        super::Dialect::Sqlite => {
            let sql = format!(
                "INSERT INTO stat_tallies SELECT {KEY}, SUM(n), SUM(rounds) FROM stat_deltas
                 WHERE true GROUP BY {KEY}
                 ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n, rounds = rounds + excluded.rounds"
            );
            let n = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM stat_deltas")
                .execute(&mut **tx)
                .await?;
            n
        }
    };
    sqlx::query("DELETE FROM stat_tallies WHERE n = 0")
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(folded)
}

/// The period's items, counted in groups alike in every column of a `Tally` — read from the
/// rollup's totals (fold first); overdue against `today` (`YYYY-MM-DD`).
pub async fn tallies(db: &Db, f: &Filter, today: &str) -> sqlx::Result<Vec<Tally>> {
    let rows: Vec<TallyRow> = bind(
        sqlx::query_as(
            "SELECT item, department, bundle, SUBSTR(accepted_on, 1, 7) AS month, status,
                 CASE WHEN actual_days < 0 THEN NULL ELSE actual_days END AS actual_days,
                 CASE WHEN on_time < 0 THEN NULL ELSE on_time END AS on_time,
                 CASE WHEN due_on <> '' AND due_on < $5 THEN 1 ELSE 0 END AS overdue,
                 by_commitment, tolerated, CAST(SUM(n) AS BIGINT) AS n,
                 CAST(SUM(rounds) AS BIGINT) AS rounds
             FROM stat_tallies
             WHERE accepted_on >= $1 AND accepted_on <= $2 AND ($3 = '' OR department = $3)
                 AND ($4 = '' OR bundle = $4) AND n > 0
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        ),
        f,
    )
    .bind(today)
    .fetch_all(&db.pool)
    .await?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|r| Tally {
            item: r.item,
            department: r.department,
            bundle: r.bundle,
            month: r.month,
            status: SubStatus::parse(&r.status).unwrap_or(SubStatus::Accepted),
            actual_days: r.actual_days.and_then(|d| u32::try_from(d).ok()),
            on_time: r.on_time.map(|v| v != 0),
            overdue: r.overdue != 0,
            by_commitment: r.by_commitment != 0,
            tolerated: r.tolerated != 0,
            count: count(r.n),
            rounds: count(r.rounds),
        })
        .collect())
}

/// Per bundle, the correction notices the window sent to the applications accepted in the
/// period (the window's, not a department's: no department filter): (bundle, notices).
pub async fn corrections(db: &Db, f: &Filter) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT bundle, CAST(SUM(corrections) AS BIGINT) FROM applications
         WHERE corrections > 0 AND accepted_on >= $1 AND accepted_on <= $2
             AND ($3 = '' OR bundle = $3)
         GROUP BY bundle",
    )
    .bind(f.from.as_str())
    .bind(f.to.as_str())
    .bind(f.bundle.as_str())
    .fetch_all(&db.pool)
    .await
}

/// An open item past its due date, or a refusal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub number: String,
    pub item: String,
    pub department: String,
    /// The due date (overdue) or the day decided (refusals; empty if decided before measuring).
    pub day: String,
    pub decision: Option<String>,
}

impl Listed {
    /// A refusal's reason.
    pub fn reason(&self) -> String {
        Decision::from_stored(self.decision.as_deref())
            .reason
            .unwrap_or_default()
    }
}

/// The period's open items past their due date, the longest overdue first (at most `limit`).
pub async fn overdue(db: &Db, f: &Filter, today: &str, limit: i64) -> sqlx::Result<Vec<Listed>> {
    let sql = format!(
        "SELECT a.number, s.item, s.department, s.due_on AS day, s.decision
         FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE {WHERE} AND s.due_on IS NOT NULL AND s.due_on < $5
         ORDER BY s.due_on, s.id LIMIT $6"
    );
    bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), f)
        .bind(today)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

/// The period's refusals, the latest first (at most `limit`).
pub async fn refusals(db: &Db, f: &Filter, limit: i64) -> sqlx::Result<Vec<Listed>> {
    let sql = format!(
        "SELECT a.number, s.item, s.department, COALESCE(s.decided_on, '') AS day, s.decision
         FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE {WHERE} AND s.status = 'rejected'
         ORDER BY s.decided_on DESC, s.id DESC LIMIT $5"
    );
    bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)), f)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

/// Ratings of the applications accepted in the period (of the bundle; with an item of the
/// department: `$3` is `department_pattern`'s).
const RATED: &str = "ratings r WHERE r.accepted_on >= $1 AND r.accepted_on <= $2 \
     AND ($3 = '' OR r.departments LIKE $3 ESCAPE '\\') AND ($4 = '' OR r.bundle = $4)";

/// A rating keeps its application's departments each between spaces (` samr health `).
fn departments_text(departments: &[&str]) -> String {
    let mut ids: Vec<&str> = departments.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        String::new()
    } else {
        format!(" {} ", ids.join(" "))
    }
}

/// The LIKE pattern that finds a department in a rating's departments ('' for any).
fn department_pattern(department: &str) -> String {
    if department.is_empty() {
        return String::new();
    }
    let mut p = String::from("% ");
    for c in department.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push_str(" %");
    p
}

/// Binds the ratings' `$1`–`$4`.
fn bind_rated<'q, O>(q: Query<'q, O>, f: &'q Filter) -> Query<'q, O> {
    q.bind(f.from.as_str())
        .bind(f.to.as_str())
        .bind(department_pattern(&f.department))
        .bind(f.bundle.as_str())
}

/// How many ratings of each score (1–5).
pub async fn scores(db: &Db, f: &Filter) -> sqlx::Result<Vec<(i64, i64)>> {
    let sql = format!("SELECT r.score, COUNT(*) FROM {RATED} GROUP BY r.score");
    bind_rated(sqlx::query_as(sqlx::AssertSqlSafe(sql)), f)
        .fetch_all(&db.pool)
        .await
}

/// The latest comments: score, Unix time, words (at most `limit`).
pub async fn comments(db: &Db, f: &Filter, limit: i64) -> sqlx::Result<Vec<(i64, i64, String)>> {
    let sql = format!(
        "SELECT r.score, r.rated_at, r.comment FROM {RATED} AND r.comment <> ''
         ORDER BY r.rated_at DESC LIMIT $5"
    );
    bind_rated(sqlx::query_as(sqlx::AssertSqlSafe(sql)), f)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

/// Records an application's rating, replacing an earlier one, with the departments of its
/// items.
pub async fn rate(
    tx: &mut Transaction<'_, Any>,
    application_id: i64,
    departments: &[&str],
    score: u8,
    comment: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ratings (application_id, bundle, accepted_on, departments, score, comment, rated_at)
         SELECT id, bundle, COALESCE(accepted_on, ''), $2, $3, $4, $5 FROM applications WHERE id = $1
         ON CONFLICT (application_id) DO UPDATE SET score = $3, comment = $4, rated_at = $5",
    )
    .bind(application_id)
    .bind(departments_text(departments))
    .bind(i64::from(score))
    .bind(comment)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An application's rating: score and comment.
pub async fn rating(db: &Db, application_id: i64) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as("SELECT score, comment FROM ratings WHERE application_id = $1")
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_is_found_between_spaces_and_nothing_in_it_is_a_wildcard() {
        assert_eq!(
            departments_text(&["samr", "health", "samr"]),
            " health samr "
        );
        assert_eq!(departments_text(&[]), "");
        assert_eq!(department_pattern(""), "");
        assert_eq!(department_pattern("samr"), "% samr %");
        assert_eq!(department_pattern("fire_1%"), "% fire\\_1\\% %");
    }
}
