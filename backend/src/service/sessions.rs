//! Staff sessions: a random token (the cookie) of which the database keeps only the SHA-256, so
//! sessions work across instances and can be revoked. Logins are throttled per account and
//! client (`domain::login`): a try is counted before the password is checked; unknown, wrong
//! and throttled tries get one and the same answer. Password hashes are checked on a bounded
//! number of threads. Each entry of the audit log commits with the change it records.
//!
//! A machine client (`domain::accounts::Kind::Client`) logs in the same way with its secret —
//! the OAuth 2.0 client-credentials grant — and gets a token of fifteen minutes, sent as a
//! bearer; a person's password gives no token and a client's secret no session.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::json;

use super::{Ctx, Result};
use crate::db::audit::{self, Entry};
use crate::db::staff as db_staff;
use crate::domain::access::Act;
use crate::domain::accounts::Kind;
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::now_unix;
use crate::domain::error::{Credential, Error, Missing};
use crate::domain::login;
use crate::domain::password;
use crate::domain::records::{Actor, StaffMember};

/// A session lasts a working day and a half.
pub const SESSION_SECS: i64 = Kind::Person.lasts();
/// How long a login waits for a free hashing thread before the server says it is busy.
const HASHING_WAIT: Duration = Duration::from_secs(10);

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

/// Runs `work` (an argon2id hash) on one of the bounded hashing threads; the server is busy
/// when none frees up in time.
pub async fn hashing<T: Send + 'static>(
    ctx: &Ctx,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let permit = tokio::time::timeout(HASHING_WAIT, ctx.hashing.clone().acquire_owned())
        .await
        .map_err(|_| Error::Busy)?
        .map_err(anyhow::Error::from)?;
    let out = tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(out)
}

/// Checks `password` against `phc` (a dummy hash when `None`) on one of the bounded hashing
/// threads.
pub async fn check_password(ctx: &Ctx, password: String, phc: Option<String>) -> Result<bool> {
    hashing(ctx, move || password::verify(&password, phc.as_deref())).await
}

/// Logs a staff member in from `client`: their profile and a new session token (for the
/// cookie).
pub async fn login(
    ctx: &Ctx,
    username: &str,
    password: String,
    client: IpAddr,
    kind: Kind,
) -> Result<(StaffMember, String)> {
    let now = now_unix();
    let wrong = || Error::Unauthenticated(Credential::Password);
    // Count the try first, in a transaction of its own, so that parallel tries see it.
    let key = login::key(username, client);
    let mut tx = ctx.db.begin().await?;
    let current = db_staff::throttle(&mut tx, &key, now).await?;
    let Some(counted) = login::attempt(current, now) else {
        return Err(wrong().into());
    };
    db_staff::set_throttle(&mut tx, &key, counted, now).await?;
    tx.commit().await?;

    let username = username.trim();
    let row = if username.len() <= 64 {
        db_staff::by_username(&ctx.db, username).await?
    } else {
        None
    };
    let phc = row.as_ref().map(|r| r.password_hash.clone());
    let ok = check_password(ctx, password, phc).await?;
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
        after: json!({ "failures": counted.failures }),
    };
    let mut tx = ctx.db.begin().await?;
    let member = row
        .member()
        .filter(|_| ok && row.active == 1 && row.kind == kind.as_str());
    let Some(staff) = member else {
        audit::append(&mut tx, &entry("login.failed"), now).await?;
        tx.commit().await?;
        return Err(wrong().into());
    };
    let token = new_token();
    db_staff::clear_throttle(&mut tx, &key).await?;
    db_staff::create_session(
        &mut tx,
        &hash_token(&token),
        row.id,
        now,
        now + kind.lasts(),
    )
    .await?;
    audit::append(&mut tx, &entry(kind.login_action()), now).await?;
    tx.commit().await?;
    Ok((staff, token))
}

/// Ends the session on the server.
pub async fn logout(ctx: &Ctx, s: &Session) -> Result<()> {
    let now = now_unix();
    let subject = format!("staff {}", s.staff.username);
    let actor = Actor::Staff(&s.staff);
    let entry = Entry::by(&actor, "logout", &subject, json!(null), json!(null));
    let mut tx = ctx.db.begin().await?;
    db_staff::revoke_session(&mut tx, &s.hash, now).await?;
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator ends every session of an account (a lost phone, a leaver); how many were
/// live.
pub async fn revoke_all(ctx: &Ctx, staff: &StaffMember, username: &str) -> Result<u64> {
    ctx.access(staff).require(Act::ManageStaff)?;
    let target = db_staff::by_username(&ctx.db, username)
        .await?
        .ok_or(Missing::Account)?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    let revoked = db_staff::revoke_all(&mut tx, target.id, now).await?;
    let subject = format!("staff {}", target.username);
    let actor = Actor::Staff(staff);
    let after = json!({ "revoked": revoked });
    let entry = Entry::by(&actor, "sessions.revoke", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(revoked)
}

/// A staff member sets where their daily list of items due goes (an empty address: no list).
pub async fn set_email(ctx: &Ctx, staff: &StaffMember, email: Option<&str>) -> Result<StaffMember> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if email.is_some_and(|e| !shared::form::is_email(e)) {
        return Err(crate::domain::error::Invalid::Email.into());
    }
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    db_staff::set_email(&mut tx, staff.id, email).await?;
    let actor = Actor::Staff(staff);
    let subject = format!("staff {}", staff.username);
    let masked =
        email.map(|e| crate::domain::notify::masked(crate::domain::notify::Channel::Email, e));
    let entry = Entry::by(
        &actor,
        "staff.email",
        &subject,
        json!(null),
        json!({ "email": masked }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(StaffMember {
        email: email.map(String::from),
        ..staff.clone()
    })
}
