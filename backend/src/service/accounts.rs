//! Staff administration: the administrator adds accounts, changes their name, role, department
//! and standing, resets passwords and ends sessions — each on the record. A new or reset
//! account gets a one-time link with which its holder sets the password; the administrator
//! never knows it. The command line (`lianban staff add`) creates the first administrator by
//! the same rules.

use serde_json::json;
use shared::catalogue::Catalogue;
use shared::staff::{
    AccountChange, Accounts, NewStaffAccount, PasswordLink, SetPassword, StaffAccount,
};

use super::{Ctx, Result, sessions};
use crate::db::audit::{self, Entry};
use crate::db::{Db, staff as db_staff};
use crate::domain::access::Act;
use crate::domain::accounts::{self, Kind, LINK_SECS, Standing};
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::{now_unix, rfc3339};
use crate::domain::error::{Conflict, Invalid, Missing};
use crate::domain::password;
use crate::domain::records::{Actor, StaffMember};

/// A new staff account, as `lianban staff add` gives it.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub certificate: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub password: &'a str,
}

/// Checks and creates the account from the command line; the error says what is wrong.
pub async fn add_staff(db: &Db, catalogue: &Catalogue, a: &NewAccount<'_>) -> anyhow::Result<()> {
    let words = |i: Invalid| anyhow::anyhow!("{}: not acceptable", i.field());
    let username = accounts::username(a.username).map_err(words)?;
    let display_name = accounts::display_name(a.display_name.unwrap_or(username)).map_err(words)?;
    let (role, department, certificate) =
        accounts::placement(a.role, a.department, a.certificate, catalogue).map_err(|i| match (
            i,
            a.department,
        ) {
            (Invalid::Role, _) => {
                anyhow::anyhow!("role must be clerk, reviewer, inspector or admin")
            }
            (Invalid::StaffCertificate, _) => anyhow::anyhow!(
                "an inspector needs --certificate (40 characters at most); no one else has one"
            ),
            (_, Some(d)) if catalogue.department(d).is_none() => {
                anyhow::anyhow!("no department `{d}` in the catalogue")
            }
            (_, Some(_)) => {
                anyhow::anyhow!("only reviewers and inspectors belong to a department")
            }
            (_, None) => anyhow::anyhow!("a reviewer or an inspector needs --department"),
        })?;
    accounts::new_password(a.password)
        .map_err(|_| anyhow::anyhow!("a password has 12 to 128 characters"))?;
    if db_staff::by_username(db, username).await?.is_some() {
        anyhow::bail!("the username `{username}` is taken");
    }
    let hash = password::hash(a.password)?;
    let now = now_unix();
    let subject = format!("staff {username}");
    let after = json!({
        "role": role.as_str(), "department": department, "certificate": certificate,
    });
    let entry = Entry::by(&Actor::Cli, "staff.add", &subject, json!(null), after);
    let mut tx = db.begin().await?;
    db_staff::insert(
        &mut tx,
        &db_staff::NewStaff {
            username,
            display_name,
            role: role.as_str(),
            department: department.as_deref(),
            certificate: certificate.as_deref(),
            password_hash: &hash,
            kind: Kind::Person.as_str(),
        },
        now,
    )
    .await?;
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a department's own system as a machine client from the command line: an account
/// `name` of kind `client`, a reviewer of `department`, and its secret — made here, shown once,
/// kept only as a hash. The system takes tokens with the name and the secret
/// (`POST /api/oauth/token`); deactivating the account revokes it.
pub async fn add_client(
    db: &Db,
    catalogue: &Catalogue,
    name: &str,
    department: &str,
    display_name: Option<&str>,
) -> anyhow::Result<String> {
    let words = |i: Invalid| anyhow::anyhow!("{}: not acceptable", i.field());
    let username = accounts::username(name).map_err(words)?;
    let dept = catalogue
        .department(department)
        .ok_or_else(|| anyhow::anyhow!("no department `{department}` in the catalogue"))?;
    let shown = format!("{}系统", dept.name.zh);
    let display_name = accounts::display_name(display_name.unwrap_or(&shown)).map_err(words)?;
    if db_staff::by_username(db, username).await?.is_some() {
        anyhow::bail!("the name `{username}` is taken");
    }
    let secret = new_token();
    let hash = password::hash(&secret)?;
    let now = now_unix();
    let subject = format!("staff {username}");
    let after = json!({ "kind": "client", "role": "reviewer", "department": department });
    let entry = Entry::by(&Actor::Cli, "client.add", &subject, json!(null), after);
    let mut tx = db.begin().await?;
    let new = db_staff::NewStaff {
        username,
        display_name,
        role: shared::staff::Role::Reviewer.as_str(),
        department: Some(department),
        certificate: None,
        password_hash: &hash,
        kind: Kind::Client.as_str(),
    };
    db_staff::insert(&mut tx, &new, now).await?;
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Gives machine client `name` a new secret (shown once) from the command line: the old one
/// stops, and so does every token taken with it.
pub async fn rotate_client(db: &Db, name: &str) -> anyhow::Result<String> {
    let row = db_staff::by_username(db, name.trim())
        .await?
        .filter(|r| r.kind == Kind::Client.as_str())
        .ok_or_else(|| anyhow::anyhow!("no machine client `{}`", name.trim()))?;
    let secret = new_token();
    let hash = password::hash(&secret)?;
    let now = now_unix();
    let subject = format!("staff {}", row.username);
    let mut tx = db.begin().await?;
    db_staff::set_password(&mut tx, row.id, &hash).await?;
    let revoked = db_staff::revoke_all(&mut tx, row.id, now).await?;
    let after = json!({ "tokens_revoked": revoked });
    let entry = Entry::by(&Actor::Cli, "client.rotate", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(secret)
}

fn account(row: db_staff::AccountRow) -> Option<StaffAccount> {
    Some(StaffAccount {
        role: shared::staff::Role::parse(&row.role)?,
        username: row.username,
        display_name: row.display_name,
        department: row.department,
        certificate: row.certificate,
        active: row.active == 1,
        live_sessions: row.live_sessions,
        last_login: row.last_login.map(rfc3339),
        system: row.kind == Kind::Client.as_str(),
    })
}

/// Every staff account, for the administrator, with the catalogue's departments.
pub async fn list(ctx: &Ctx, staff: &StaffMember) -> Result<Accounts> {
    ctx.access(staff).require(Act::ManageStaff)?;
    let rows = db_staff::accounts(&ctx.db, now_unix()).await?;
    Ok(Accounts {
        accounts: rows.into_iter().filter_map(account).collect(),
        departments: ctx.catalogue.departments.clone(),
    })
}

async fn one(ctx: &Ctx, username: &str) -> Result<StaffAccount> {
    let rows = db_staff::accounts(&ctx.db, now_unix()).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.username == username)
        .find_map(account)
        .ok_or(Missing::Account)?)
}

/// A fresh one-time link for account `staff_id` (earlier ones stop working), in `tx`.
async fn issue_link(
    ctx: &Ctx,
    tx: &mut sqlx::AnyConnection,
    staff_id: i64,
    now: i64,
) -> Result<(String, i64)> {
    let token = new_token();
    let expires_at = now + LINK_SECS;
    db_staff::new_link(tx, &hash_token(&token), staff_id, now, expires_at).await?;
    let link = format!(
        "{}/staff/password#t={token}",
        ctx.public_url.trim_end_matches('/')
    );
    Ok((link, expires_at))
}

/// The administrator adds an account: no password yet, a one-time link to set it.
pub async fn create(ctx: &Ctx, staff: &StaffMember, req: &NewStaffAccount) -> Result<PasswordLink> {
    ctx.access(staff).require(Act::ManageStaff)?;
    let username = accounts::username(&req.username)?;
    let display_name = accounts::display_name(&req.display_name)?;
    let (role, department, certificate) = accounts::placement(
        &req.role,
        req.department.as_deref(),
        req.certificate.as_deref(),
        &ctx.catalogue,
    )?;
    // Until its holder sets one, the password is a random secret no one knows.
    let unknown = new_token();
    let hash = sessions::hashing(ctx, move || password::hash(&unknown)).await??;
    let now = now_unix();
    let subject = format!("staff {username}");
    let actor = Actor::Staff(staff);
    let after = json!({
        "display_name": display_name, "role": role.as_str(), "department": department,
        "certificate": certificate,
    });
    let entry = Entry::by(&actor, "staff.add", &subject, json!(null), after);
    let mut tx = ctx.db.begin().await?;
    if db_staff::by_username_in(&mut tx, username).await?.is_some() {
        return Err(Conflict::UsernameTaken.into());
    }
    let new = db_staff::NewStaff {
        username,
        display_name,
        role: role.as_str(),
        department: department.as_deref(),
        certificate: certificate.as_deref(),
        password_hash: &hash,
        kind: Kind::Person.as_str(),
    };
    let id = db_staff::insert(&mut tx, &new, now).await?;
    let (link, expires_at) = issue_link(ctx, &mut tx, id, now).await?;
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(PasswordLink {
        account: one(ctx, username).await?,
        link,
        expires_at: rfc3339(expires_at),
    })
}

/// The administrator changes an account's name, role, department or standing. Deactivating
/// ends its sessions at once; no one demotes or deactivates themselves, and the last active
/// administrator stays.
pub async fn change(
    ctx: &Ctx,
    staff: &StaffMember,
    username: &str,
    req: &AccountChange,
) -> Result<StaffAccount> {
    ctx.access(staff).require(Act::ManageStaff)?;
    let display_name = accounts::display_name(&req.display_name)?;
    let (role, department, certificate) = accounts::placement(
        &req.role,
        req.department.as_deref(),
        req.certificate.as_deref(),
        &ctx.catalogue,
    )?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    let row = db_staff::by_username_in(&mut tx, username)
        .await?
        .ok_or(Missing::Account)?;
    let before_role = shared::staff::Role::parse(&row.role).ok_or(Missing::Account)?;
    let before = Standing {
        id: row.id,
        role: before_role,
        active: row.active == 1,
    };
    let after = Standing {
        id: row.id,
        role,
        active: req.active,
    };
    let admins = db_staff::active_admins(&mut tx).await?;
    accounts::may_change(staff.id, before, after, admins)?;
    let placement = db_staff::Placement {
        display_name,
        role: role.as_str(),
        department: department.as_deref(),
        certificate: certificate.as_deref(),
        active: req.active,
    };
    db_staff::update(&mut tx, row.id, &placement).await?;
    let ended = if req.active {
        0
    } else {
        db_staff::revoke_all(&mut tx, row.id, now).await?
    };
    let subject = format!("staff {}", row.username);
    let actor = Actor::Staff(staff);
    let was = json!({
        "display_name": row.display_name, "role": row.role, "department": row.department,
        "certificate": row.certificate, "active": row.active == 1,
    });
    let is = json!({
        "display_name": display_name, "role": role.as_str(), "department": department,
        "certificate": certificate, "active": req.active, "sessions_ended": ended,
    });
    let entry = Entry::by(&actor, "staff.change", &subject, was, is);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    one(ctx, &row.username).await
}

/// The administrator resets an account's password: a new one-time link (the current password
/// works until the link is used).
pub async fn reset_password(
    ctx: &Ctx,
    staff: &StaffMember,
    username: &str,
) -> Result<PasswordLink> {
    ctx.access(staff).require(Act::ManageStaff)?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    let row = db_staff::by_username_in(&mut tx, username)
        .await?
        .ok_or(Missing::Account)?;
    if row.kind == Kind::Client.as_str() {
        return Err(Conflict::ClientHasNoPassword.into());
    }
    let (link, expires_at) = issue_link(ctx, &mut tx, row.id, now).await?;
    let subject = format!("staff {}", row.username);
    let actor = Actor::Staff(staff);
    let after = json!({ "expires_at": rfc3339(expires_at) });
    let entry = Entry::by(&actor, "staff.password_link", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(PasswordLink {
        account: one(ctx, &row.username).await?,
        link,
        expires_at: rfc3339(expires_at),
    })
}

/// A staff member sets their password with a one-time link: the link is used up, every
/// session of the account ends (they log in afresh).
pub async fn set_password(ctx: &Ctx, req: SetPassword) -> Result<()> {
    accounts::new_password(&req.password)?;
    let token_hash = hash_token(req.token.trim());
    let now = now_unix();
    // Hash only for a link that works now, outside the write transaction.
    if db_staff::live_link(&ctx.db, &token_hash, now)
        .await?
        .is_none()
    {
        return Err(Invalid::PasswordLink.into());
    }
    let password = req.password;
    let hash = sessions::hashing(ctx, move || password::hash(&password)).await??;
    let mut tx = ctx.db.begin().await?;
    let Some((id, username)) = db_staff::use_link(&mut tx, &token_hash, now).await? else {
        return Err(Invalid::PasswordLink.into());
    };
    db_staff::set_password(&mut tx, id, &hash).await?;
    let ended = db_staff::revoke_all(&mut tx, id, now).await?;
    let subject = format!("staff {username}");
    let after = json!({ "sessions_ended": ended });
    let entry = Entry {
        actor: &username,
        role: "staff",
        action: "password.set",
        subject: &subject,
        before: json!(null),
        after,
    };
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}
