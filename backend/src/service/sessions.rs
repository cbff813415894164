//! Staff sessions: a random token (the cookie) of which the database keeps only the SHA-256, so
//! sessions work across instances and can be revoked. Repeated wrong passwords lock the account
//! for a while; an unknown user costs the same time as a wrong password.

use serde_json::json;

use super::{Ctx, Result};
use crate::db::audit::{self, Entry};
use crate::db::staff as db_staff;
use crate::domain::access::Act;
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::now_unix;
use crate::domain::error::{Credential, Error, Missing};
use crate::domain::password;
use crate::domain::records::{Actor, StaffMember};

/// A session lasts a working day and a half.
pub const SESSION_SECS: i64 = 12 * 3600;
/// Five wrong passwords in a row lock the account for 15 minutes.
const MAX_FAILURES: i64 = 5;
const LOCK_SECS: i64 = 15 * 60;

/// A signed-in staff member and the hash of the session they came with.
#[derive(Debug, Clone)]
pub struct Session {
    pub staff: StaffMember,
    /// The session token's SHA-256 (what logout revokes).
    pub hash: String,
}

/// The live session of a cookie's `token`, if any.
pub async fn session(ctx: &Ctx, token: &str) -> Result<Option<Session>> {
    let hash = hash_token(token);
    let row = db_staff::by_session(&ctx.db, &hash, now_unix()).await?;
    Ok(row
        .and_then(|r| r.member())
        .map(|staff| Session { staff, hash }))
}

/// Logs a staff member in: their profile and a new session token (for the cookie).
pub async fn login(ctx: &Ctx, username: &str, password: String) -> Result<(StaffMember, String)> {
    let now = now_unix();
    let username = username.trim();
    let row = if username.len() <= 64 {
        db_staff::by_username(&ctx.db, username).await?
    } else {
        None
    };
    let phc = row.as_ref().map(|r| r.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || password::verify(&password, phc.as_deref()))
        .await
        .map_err(anyhow::Error::from)?;
    let wrong = || Error::Unauthenticated(Credential::Password);
    let Some(row) = row else {
        return Err(wrong().into());
    };
    let subject = format!("staff {}", row.username);
    let entry = |action| Entry {
        actor: &row.username,
        role: &row.role,
        action,
        subject: &subject,
        before: json!(null),
        after: json!(null),
    };
    if row.locked_until > now {
        let minutes = (row.locked_until - now + 59) / 60;
        return Err(Error::Locked { minutes }.into());
    }
    if !ok || row.active != 1 {
        db_staff::login_failed(&ctx.db, row.id, now, MAX_FAILURES, LOCK_SECS).await?;
        audit::record(&ctx.db, &entry("login.failed"), now).await?;
        return Err(wrong().into());
    }
    let staff = row.member().ok_or_else(wrong)?;
    db_staff::login_succeeded(&ctx.db, row.id).await?;
    let token = new_token();
    db_staff::create_session(
        &ctx.db,
        &hash_token(&token),
        row.id,
        now,
        now + SESSION_SECS,
    )
    .await?;
    audit::record(&ctx.db, &entry("login"), now).await?;
    Ok((staff, token))
}

/// Ends the session on the server.
pub async fn logout(ctx: &Ctx, s: &Session) -> Result<()> {
    let now = now_unix();
    db_staff::revoke_session(&ctx.db, &s.hash, now).await?;
    let subject = format!("staff {}", s.staff.username);
    let actor = Actor::Staff(&s.staff);
    let entry = Entry::by(&actor, "logout", &subject, json!(null), json!(null));
    audit::record(&ctx.db, &entry, now).await?;
    Ok(())
}

/// An administrator ends every session of an account (a lost phone, a leaver); how many were
/// live.
pub async fn revoke_all(ctx: &Ctx, staff: &StaffMember, username: &str) -> Result<u64> {
    ctx.access(staff).require(Act::RevokeSessions)?;
    let target = db_staff::by_username(&ctx.db, username)
        .await?
        .ok_or(Missing::Account)?;
    let now = now_unix();
    let revoked = db_staff::revoke_all(&ctx.db, target.id, now).await?;
    let subject = format!("staff {}", target.username);
    let actor = Actor::Staff(staff);
    let after = json!({ "revoked": revoked });
    let entry = Entry::by(&actor, "sessions.revoke", &subject, json!(null), after);
    audit::record(&ctx.db, &entry, now).await?;
    Ok(revoked)
}
