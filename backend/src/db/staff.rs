//! Staff accounts, their server-side sessions and the login throttle (shared by every backend
//! instance). Writes take the caller's transaction, so the audit entry commits with them.

use sqlx::AnyConnection;

use super::Db;
use crate::domain::login::Throttle;
use crate::domain::records::StaffMember;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department: Option<String>,
    pub password_hash: String,
    pub active: i64,
    pub certificate: Option<String>,
    pub email: Option<String>,
    /// `person` (logs in with a password) or `client` (a system: takes tokens with its secret).
    pub kind: String,
}

impl StaffRow {
    /// The staff member this account acts as (`None` for a role the server does not know).
    pub fn member(&self) -> Option<StaffMember> {
        Some(StaffMember {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: shared::staff::Role::parse(&self.role)?,
            department: self.department.clone(),
            email: self.email.clone(),
        })
    }
}

const COLUMNS: &str = "s.id, s.username, s.display_name, s.role, s.department, s.password_hash, s.active, \
     s.certificate, s.email, s.kind";

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub certificate: Option<&'a str>,
    pub password_hash: &'a str,
    /// `person` or `client` (`domain::accounts::Kind`).
    pub kind: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, s: &NewStaff<'_>, now: i64) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO staff (username, display_name, role, department, password_hash, created_at,
             certificate, kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.username)
    .bind(s.display_name)
    .bind(s.role)
    .bind(s.department)
    .bind(s.password_hash)
    .bind(now)
    .bind(s.certificate)
    .bind(s.kind)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Sets (or, with `None`, clears) where a staff member's daily list goes.
pub async fn set_email(conn: &mut AnyConnection, id: i64, email: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("UPDATE staff SET email = $2 WHERE id = $1")
        .bind(id)
        .bind(email)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_id(db: &Db, id: i64) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM staff s WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn by_username(db: &Db, username: &str) -> sqlx::Result<Option<StaffRow>> {
    by_username_in(&mut *db.pool.acquire().await?, username).await
}

/// The throttle of `key`, its row locked until the transaction ends (a row lock on
/// PostgreSQL, the write lock on SQLite): concurrent tries are counted one after another.
pub async fn throttle(conn: &mut AnyConnection, key: &str, now: i64) -> sqlx::Result<Throttle> {
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, blocked_until, updated_at) VALUES ($1, 0, 0, $2)
         ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (failures, blocked_until): (i64, i64) =
        sqlx::query_as("SELECT failures, blocked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_one(conn)
            .await?;
    Ok(Throttle {
        failures,
        blocked_until,
    })
}

pub async fn set_throttle(
    conn: &mut AnyConnection,
    key: &str,
    t: Throttle,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE login_throttle SET failures = $2, blocked_until = $3, updated_at = $4 WHERE key = $1",
    )
    .bind(key)
    .bind(t.failures)
    .bind(t.blocked_until)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A right password clears the count.
pub async fn clear_throttle(conn: &mut AnyConnection, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets throttles untouched since `before` that no longer hold anyone back.
pub async fn forget_throttles(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done =
        sqlx::query("DELETE FROM login_throttle WHERE updated_at < $1 AND blocked_until < $1")
            .bind(before)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

pub async fn create_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    staff_id: i64,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(staff_id)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The active staff member of a live session (not expired, not revoked).
pub async fn by_session(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sessions x JOIN staff s ON s.id = x.staff_id
         WHERE x.token_hash = $1 AND x.revoked_at IS NULL AND x.expires_at > $2 AND s.active = 1"
    )))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

pub async fn revoke_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every session of a staff member; returns how many were live.
pub async fn revoke_all(conn: &mut AnyConnection, staff_id: i64, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL",
    )
    .bind(staff_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Forgets sessions that expired or were revoked before `before`. How many.
pub async fn forget_sessions(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// An account as the administrator's list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department: Option<String>,
    pub certificate: Option<String>,
    pub active: i64,
    /// Sessions neither expired nor revoked at the time asked.
    pub live_sessions: i64,
    /// When the newest session began.
    pub last_login: Option<i64>,
    /// `person` or `client`.
    pub kind: String,
}

/// Every account, by username, with its live sessions at `now` and its last login.
pub async fn accounts(db: &Db, now: i64) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as(
        "SELECT s.id, s.username, s.display_name, s.role, s.department, s.certificate, s.active,
                (SELECT COUNT(*) FROM sessions x
                  WHERE x.staff_id = s.id AND x.revoked_at IS NULL AND x.expires_at > $1)
                  AS live_sessions,
                (SELECT MAX(x.created_at) FROM sessions x WHERE x.staff_id = s.id) AS last_login,
                s.kind
         FROM staff s ORDER BY s.username",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// The account `username`, read in the caller's transaction.
pub async fn by_username_in(
    conn: &mut AnyConnection,
    username: &str,
) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM staff s WHERE s.username = $1"
    )))
    .bind(username)
    .fetch_optional(conn)
    .await
}

/// How many active administrators there are.
pub async fn active_admins(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND active = 1")
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// An account's new name, placement and standing.
pub struct Placement<'a> {
    pub display_name: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub certificate: Option<&'a str>,
    pub active: bool,
}

pub async fn update(conn: &mut AnyConnection, id: i64, p: &Placement<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE staff SET display_name = $2, role = $3, department = $4, active = $5,
             certificate = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(p.display_name)
    .bind(p.role)
    .bind(p.department)
    .bind(i64::from(p.active))
    .bind(p.certificate)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_password(conn: &mut AnyConnection, id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE staff SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// A new set-password link for `staff_id`; the account's earlier unused links stop working.
pub async fn new_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    staff_id: i64,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE password_links SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL")
        .bind(staff_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_links (token_hash, staff_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(staff_id)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses the link `token_hash` at `now` if it still works (once: a concurrent use finds it
/// used): its active account's id and username.
pub async fn use_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    let used = sqlx::query(
        "UPDATE password_links SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT s.id, s.username FROM password_links l JOIN staff s ON s.id = l.staff_id
         WHERE l.token_hash = $1 AND s.active = 1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// Forgets links that expired before `before`. How many.
pub async fn forget_links(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM password_links WHERE expires_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// The account a set-password link belongs to, if the link still works at `now`.
pub async fn live_link(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT l.staff_id FROM password_links l JOIN staff s ON s.id = l.staff_id
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND s.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}
