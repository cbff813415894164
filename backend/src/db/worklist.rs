//! The worklist's queries: one page of applications (by filing time) or of items (by due date),
//! every filter a condition on indexed columns, paged by the sort key and the row's id (keyset:
//! no OFFSET, so a page costs the same at row 50 or 50,000, and rows filed meanwhile neither
//! repeat nor vanish). Saved views, and handing items to reviewers.

use sqlx::AnyConnection;

use super::Db;
use crate::domain::worklist::{Cursor, Due, Filter, ItemState, NO_DUE, Sort};

/// A value to bind.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// Conditions joined by AND, with their arguments numbered as they come.
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    /// Adds `cond`, whose `?` are the next arguments, in order.
    fn push(&mut self, cond: &str, args: Vec<Arg>) {
        let mut out = String::new();
        let mut rest = cond;
        for arg in args {
            let at = rest.find('?').unwrap_or(rest.len());
            out.push_str(&rest[..at]);
            self.args.push(arg);
            out.push_str(&format!("${}", self.args.len()));
            rest = rest.get(at + 1..).unwrap_or("");
        }
        out.push_str(rest);
        self.sql.push(out);
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            "TRUE".into()
        } else {
            self.sql.join(" AND ")
        }
    }
}

/// `%` and `_` in a search are themselves.
fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

const OPEN: &str = "('accepted', 'supplement_requested', 'inspection_scheduled')";
const DECIDED: &str = "('approved', 'rejected')";

/// Dates the query needs: today, the last day of "soon", and the filing range in Unix seconds.
pub struct Days {
    pub today: String,
    pub soon: String,
    pub filed_from: Option<i64>,
    pub filed_until: Option<i64>,
}

fn common(c: &mut Conditions, f: &Filter, d: &Days) {
    if let Some(q) = &f.search {
        // Candidates from indexes (a number's start, an ID number, a credit code, the pairs of
        // characters of a name), then each checked for what matched.
        let upper = q.to_uppercase();
        let lower = q.to_lowercase();
        let contains = format!("%{}%", like_escaped(&lower));
        let mut args = vec![
            Arg::Text(upper.clone()),
            Arg::Text(format!("{upper}~")),
            Arg::Text(upper.clone()),
            Arg::Text(upper.clone()),
        ];
        // A name by its pairs of characters; a single character has none to look up.
        let names = if q.chars().count() >= 2 {
            let grams = crate::domain::worklist::grams(q);
            let marks = vec!["?"; grams.len()].join(", ");
            let n = grams.len();
            args.extend(grams.into_iter().map(Arg::Text));
            format!(
                "SELECT application_id FROM name_grams WHERE gram IN ({marks})
                 GROUP BY application_id HAVING COUNT(*) = {n}"
            )
        } else {
            args.push(Arg::Text(contains.clone()));
            "SELECT id FROM applications WHERE LOWER(business_name) LIKE ? ESCAPE '\\'".to_string()
        };
        args.extend([
            Arg::Text(format!("{}%", like_escaped(&upper))),
            Arg::Text(upper.clone()),
            Arg::Text(upper),
            Arg::Text(contains),
        ]);
        c.push(
            &format!(
                "a.id IN (SELECT id FROM applications WHERE number >= ? AND number < ?
                   UNION SELECT id FROM applications WHERE legal_rep_id = ?
                   UNION SELECT application_id FROM enterprises WHERE uscc = ?
                   UNION {names})
                 AND (a.number LIKE ? ESCAPE '\\' OR a.legal_rep_id = ?
                      OR EXISTS (SELECT 1 FROM enterprises e WHERE e.application_id = a.id AND e.uscc = ?)
                      OR LOWER(a.business_name) LIKE ? ESCAPE '\\')"
            ),
            args,
        );
    }
    if let Some(b) = &f.bundle {
        c.push("a.bundle = ?", vec![Arg::Text(b.clone())]);
    }
    if let Some(from) = d.filed_from {
        c.push("a.submitted_at >= ?", vec![Arg::Int(from)]);
    }
    if let Some(until) = d.filed_until {
        c.push("a.submitted_at < ?", vec![Arg::Int(until)]);
    }
}

/// Conditions on one item `s` (its department, state, due date, holder).
fn item_conditions(c: &mut Conditions, f: &Filter, d: &Days, me: &str) {
    if let Some(dep) = &f.department {
        c.push("s.department = ?", vec![Arg::Text(dep.clone())]);
    }
    match f.due {
        Some(Due::Overdue) => c.push("s.due_on < ?", vec![Arg::Text(d.today.clone())]),
        Some(Due::Today) => c.push("s.due_on = ?", vec![Arg::Text(d.today.clone())]),
        Some(Due::Soon) => c.push(
            "s.due_on > ? AND s.due_on <= ?",
            vec![Arg::Text(d.today.clone()), Arg::Text(d.soon.clone())],
        ),
        None => {}
    }
    match f.mine {
        Some(true) => c.push("s.assignee = ?", vec![Arg::Text(me.into())]),
        Some(false) => c.push("s.assignee IS NULL", vec![]),
        None => {}
    }
}

/// One page of item ids (their application's too), in the list's order: `limit + 1` rows, the
/// last telling that there is a next page.
///
/// Nearest deadline first is two index walks: the items whose clock runs (a due date: open,
/// not paused) by date, then the open items whose clock stands still, by id — an item has a
/// due date exactly when its clock runs, so neither walk sorts anything.
pub async fn items(
    db: &Db,
    f: &Filter,
    d: &Days,
    me: &str,
) -> sqlx::Result<Vec<(i64, i64, String, i64)>> {
    let want = f.limit as usize + 1;
    if f.sort != Sort::Due {
        return items_by_filing(db, f, d, me).await;
    }
    let (after_due, after_id) = match &f.after {
        Some(Cursor::Due { due, id }) => (Some(due.as_str()), *id),
        _ => (None, 0),
    };
    let mut rows = Vec::new();
    if f.items == ItemState::Open && after_due != Some(NO_DUE) {
        let mut c = Conditions::default();
        c.push("s.due_on IS NOT NULL", vec![]);
        item_conditions(&mut c, f, d, me);
        common(&mut c, f, d);
        if let Some(due) = after_due {
            c.push(
                "(s.due_on > ? OR (s.due_on = ? AND s.id > ?))",
                vec![
                    Arg::Text(due.into()),
                    Arg::Text(due.into()),
                    Arg::Int(after_id),
                ],
            );
        }
        let sql = format!(
            "SELECT s.id, a.id, s.due_on, a.submitted_at FROM sub_applications s
             JOIN applications a ON a.id = s.application_id
             WHERE {} ORDER BY s.due_on, s.id LIMIT {want}",
            c.clause()
        );
        rows = fetch(db, &sql, c.args).await?;
    }
    // The items without a running clock, after every dated one (none of them is due anything).
    if rows.len() < want && f.due.is_none() {
        let mut c = Conditions::default();
        match f.items {
            ItemState::Open => c.push(&format!("s.due_on IS NULL AND s.status IN {OPEN}"), vec![]),
            ItemState::Paused => c.push("s.paused_since IS NOT NULL", vec![]),
            ItemState::Decided => c.push(&format!("s.status IN {DECIDED}"), vec![]),
            ItemState::Waiting => c.push("s.status = 'submitted'", vec![]),
        }
        item_conditions(&mut c, f, d, me);
        common(&mut c, f, d);
        if after_due == Some(NO_DUE) {
            c.push("s.id > ?", vec![Arg::Int(after_id)]);
        }
        let sql = format!(
            "SELECT s.id, a.id, '{NO_DUE}', a.submitted_at FROM sub_applications s
             JOIN applications a ON a.id = s.application_id
             WHERE {} ORDER BY s.id LIMIT {}",
            c.clause(),
            want - rows.len()
        );
        rows.extend(fetch(db, &sql, c.args).await?);
    }
    Ok(rows)
}

/// Items by their application's filing time.
async fn items_by_filing(
    db: &Db,
    f: &Filter,
    d: &Days,
    me: &str,
) -> sqlx::Result<Vec<(i64, i64, String, i64)>> {
    let mut c = Conditions::default();
    match f.items {
        ItemState::Open => c.push(&format!("s.status IN {OPEN}"), vec![]),
        ItemState::Paused => c.push("s.paused_since IS NOT NULL", vec![]),
        ItemState::Decided => c.push(&format!("s.status IN {DECIDED}"), vec![]),
        ItemState::Waiting => c.push("s.status = 'submitted'", vec![]),
    }
    item_conditions(&mut c, f, d, me);
    common(&mut c, f, d);
    let (cmp, dir) = if f.sort == Sort::Filed {
        (">", "")
    } else {
        ("<", " DESC")
    };
    if let Some(Cursor::Filed { at, id }) = &f.after {
        c.push(
            &format!("(a.submitted_at {cmp} ? OR (a.submitted_at = ? AND s.id {cmp} ?))"),
            vec![Arg::Int(*at), Arg::Int(*at), Arg::Int(*id)],
        );
    }
    let sql = format!(
        "SELECT s.id, a.id, COALESCE(s.due_on, '{NO_DUE}'), a.submitted_at FROM sub_applications s
         JOIN applications a ON a.id = s.application_id
         WHERE {} ORDER BY a.submitted_at{dir}, s.id{dir} LIMIT {}",
        c.clause(),
        f.limit + 1
    );
    fetch(db, &sql, c.args).await
}

/// One page of application ids, in the list's order (`limit + 1` rows).
pub async fn applications(
    db: &Db,
    f: &Filter,
    d: &Days,
    me: &str,
) -> sqlx::Result<Vec<(i64, i64, String, i64)>> {
    let mut c = Conditions::default();
    if let Some(state) = f.intake {
        c.push("a.status = ?", vec![Arg::Text(state.as_str().into())]);
    }
    // Conditions on items: some item of the application meets them all.
    let mut inner = Conditions::default();
    item_conditions(&mut inner, f, d, me);
    if !inner.sql.is_empty() {
        let offset = c.args.len();
        let renumbered: Vec<String> = inner.sql.iter().map(|s| renumber(s, offset)).collect();
        c.sql.push(format!(
            "EXISTS (SELECT 1 FROM sub_applications s WHERE s.application_id = a.id AND {})",
            renumbered.join(" AND ")
        ));
        c.args.extend(inner.args);
    }
    common(&mut c, f, d);
    let (cmp, dir) = if f.sort == Sort::FiledDesc {
        ("<", " DESC")
    } else {
        (">", "")
    };
    if let Some(Cursor::Filed { at, id }) = &f.after {
        c.push(
            &format!("(a.submitted_at {cmp} ? OR (a.submitted_at = ? AND a.id {cmp} ?))"),
            vec![Arg::Int(*at), Arg::Int(*at), Arg::Int(*id)],
        );
    }
    let sql = format!(
        "SELECT a.id, a.id, '', a.submitted_at FROM applications a WHERE {}
         ORDER BY a.submitted_at{dir}, a.id{dir} LIMIT {}",
        c.clause(),
        f.limit + 1
    );
    fetch(db, &sql, c.args).await
}

/// `$n` in `sql` becomes `$(n + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '$' {
            out.push(ch);
            continue;
        }
        let mut n = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            n.push(*d);
            chars.next();
        }
        let n: usize = n.parse().unwrap_or(0);
        out.push_str(&format!("${}", n + offset));
    }
    out
}

async fn fetch(db: &Db, sql: &str, args: Vec<Arg>) -> sqlx::Result<Vec<(i64, i64, String, i64)>> {
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()));
    for arg in args {
        query = match arg {
            Arg::Text(t) => query.bind(t),
            Arg::Int(i) => query.bind(i),
        };
    }
    query.fetch_all(&db.pool).await
}

/// Hands an item to `to` (`None`: to nobody) if it is still held by `holder` as read (the
/// review's version is not touched: taking an item is no change of its state). Whether it
/// happened.
pub async fn assign(
    conn: &mut AnyConnection,
    item: i64,
    holder: Option<&str>,
    to: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sub_applications SET assignee = $2
         WHERE id = $1 AND (assignee = $3 OR (assignee IS NULL AND $3 IS NULL))",
    )
    .bind(item)
    .bind(to)
    .bind(holder)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the pairs of characters of an application's former name.
pub async fn forget_grams(conn: &mut AnyConnection, application_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM name_grams WHERE application_id = $1")
        .bind(application_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the pairs of characters an application's name is found by.
pub async fn keep_grams(
    conn: &mut AnyConnection,
    application_id: i64,
    grams: &[String],
) -> sqlx::Result<()> {
    keep_grams_of_many(conn, &[(application_id, grams)]).await
}

/// [`keep_grams`] for several applications in one statement.
pub async fn keep_grams_of_many(
    conn: &mut AnyConnection,
    applications: &[(i64, &[String])],
) -> sqlx::Result<()> {
    let pairs: Vec<(i64, &str)> = applications
        .iter()
        .flat_map(|(id, grams)| grams.iter().map(move |g| (*id, g.as_str())))
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO name_grams (gram, application_id) VALUES {} ON CONFLICT DO NOTHING",
        super::value_rows(conn, pairs.len(), 2)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (id, gram) in pairs {
        query = query.bind(gram).bind(id);
    }
    query.execute(conn).await?;
    Ok(())
}

/// Applications whose name is not indexed yet (from before the worklist): id and name.
pub async fn without_grams(db: &Db) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT a.id, a.business_name FROM applications a WHERE a.business_name <> ''
         AND NOT EXISTS (SELECT 1 FROM name_grams g WHERE g.application_id = a.id)",
    )
    .fetch_all(&db.pool)
    .await
}

/// Keeps an item's due date (after every change of its clock).
pub async fn set_due(conn: &mut AnyConnection, item: i64, due: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("UPDATE sub_applications SET due_on = $2 WHERE id = $1")
        .bind(item)
        .bind(due)
        .execute(conn)
        .await?;
    Ok(())
}

/// The items whose due date is not kept yet (open, not paused): after an upgrade.
pub async fn without_due(db: &Db) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM sub_applications WHERE due_on IS NULL AND paused_since IS NULL AND status IN {OPEN}"
    )))
    .fetch_all(&db.pool)
    .await
}

/// A staff member's saved views: (id, name, query).
pub async fn views(db: &Db, staff_id: i64) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as("SELECT id, name, query FROM saved_views WHERE staff_id = $1 ORDER BY name")
        .bind(staff_id)
        .fetch_all(&db.pool)
        .await
}

/// Saves (or replaces, by name) a view; its id.
pub async fn save_view(
    conn: &mut AnyConnection,
    staff_id: i64,
    name: &str,
    query: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO saved_views (staff_id, name, query, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (staff_id, name) DO UPDATE SET query = excluded.query RETURNING id",
    )
    .bind(staff_id)
    .bind(name)
    .bind(query)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Removes one of a staff member's views; whether it was theirs.
pub async fn delete_view(conn: &mut AnyConnection, staff_id: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND staff_id = $2")
        .bind(id)
        .bind(staff_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
