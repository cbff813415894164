//! Administration from the command line (`lianban staff add`): creating staff accounts, on the
//! record like any other action; a refusal says in words what is wrong.

use serde_json::json;
use shared::catalogue::Catalogue;
use shared::staff::Role;

use crate::db::audit::{self, Entry};
use crate::db::{Db, staff as db_staff};
use crate::domain::clock::now_unix;
use crate::domain::password;
use crate::domain::records::Actor;

/// A new staff account, as `lianban staff add` gives it.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub password: &'a str,
}

/// Checks and creates the account; the error says what is wrong.
pub async fn add_staff(db: &Db, catalogue: &Catalogue, a: &NewAccount<'_>) -> anyhow::Result<()> {
    let username = a.username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        anyhow::bail!("a username is 1–64 letters, digits, `.`, `_` or `-`");
    }
    let role = Role::parse(a.role)
        .ok_or_else(|| anyhow::anyhow!("role must be clerk, reviewer or admin"))?;
    match (role, a.department) {
        (Role::Reviewer, Some(d)) if catalogue.department(d).is_some() => {}
        (Role::Reviewer, Some(d)) => anyhow::bail!("no department `{d}` in the catalogue"),
        (Role::Reviewer, None) => anyhow::bail!("a reviewer needs --department"),
        (_, Some(_)) => anyhow::bail!("only reviewers belong to a department"),
        (_, None) => {}
    }
    if !password::acceptable(a.password) {
        anyhow::bail!("a password has 12 to 128 characters");
    }
    if db_staff::by_username(db, username).await?.is_some() {
        anyhow::bail!("the username `{username}` is taken");
    }
    let hash = password::hash(a.password)?;
    let now = now_unix();
    let subject = format!("staff {username}");
    let after = json!({ "role": role.as_str(), "department": a.department });
    let entry = Entry::by(&Actor::Cli, "staff.add", &subject, json!(null), after);
    let mut tx = db.begin().await?;
    db_staff::insert(
        &mut tx,
        &db_staff::NewStaff {
            username,
            display_name: a.display_name.unwrap_or(username),
            role: role.as_str(),
            department: a.department,
            password_hash: &hash,
        },
        now,
    )
    .await?;
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}
