//! Staff accounts and their server-side sessions (shared by every backend instance).

use super::Db;
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
    pub failed_logins: i64,
    pub locked_until: i64,
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
        })
    }
}

const COLUMNS: &str = "s.id, s.username, s.display_name, s.role, s.department, s.password_hash, s.active, s.failed_logins, s.locked_until";

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub password_hash: &'a str,
}

pub async fn insert(db: &Db, s: &NewStaff<'_>, now: i64) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO staff (username, display_name, role, department, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(s.username)
    .bind(s.display_name)
    .bind(s.role)
    .bind(s.department)
    .bind(s.password_hash)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

pub async fn by_username(db: &Db, username: &str) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM staff s WHERE s.username = $1"
    )))
    .bind(username)
    .fetch_optional(&db.pool)
    .await
}

/// A failed login: after `max` failures in a row the account is locked for `lock_secs`.
pub async fn login_failed(
    db: &Db,
    id: i64,
    now: i64,
    max: i64,
    lock_secs: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE staff SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
         WHERE id = $1",
    )
    .bind(id)
    .bind(max)
    .bind(now + lock_secs)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn login_succeeded(db: &Db, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = 0 WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn create_session(
    db: &Db,
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
    .execute(&db.pool)
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

pub async fn revoke_session(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Revokes every session of a staff member; returns how many were live.
pub async fn revoke_all(db: &Db, staff_id: i64, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL",
    )
    .bind(staff_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}
