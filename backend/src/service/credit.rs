//! The dishonesty list (失信名单): an administrator replaces it with an import; the commitment
//! path checks an application's parties against it, the check and its result on the record
//! whatever it finds.

use serde_json::json;
use shared::records::{CreditCheck, ListedParty};

use super::{Ctx, Result, now_and_today};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::clock::rfc3339;
use crate::domain::credit;
use crate::domain::error::Conflict;
use crate::domain::records::{Actor, Application, Item, StaffMember};

/// Replaces the list with the CSV `text` (`None`: what was sent is not CSV). Every line is
/// checked first: one bad line and nothing changes. Returns how many entries it now has.
pub async fn import(ctx: &Ctx, staff: &StaffMember, text: Option<&str>) -> Result<usize> {
    ctx.access(staff).require(Act::ImportDishonestyList)?;
    let text = text.ok_or(crate::domain::Error::NotCsv)?;
    let (now, today) = now_and_today();
    let entries = credit::parse_list(text, today)?;
    let mut tx = ctx.db.begin().await?;
    db::credit::replace(&mut tx, &entries, &staff.username, now).await?;
    let actor = Actor::Staff(staff);
    let after = json!({ "entries": entries.len() });
    let entry = Entry::by(
        &actor,
        "dishonesty_list.import",
        "dishonesty list",
        json!(null),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(entries.len())
}

/// The credit check before `item` of `app` is approved by commitment: the list must have been
/// imported and no party of the application be on it. The check is recorded either way.
pub async fn check(
    ctx: &Ctx,
    staff: &StaffMember,
    app: &Application,
    item: &Item,
) -> Result<CreditCheck> {
    let imported_at = db::credit::last_import(&ctx.db)
        .await?
        .ok_or(Conflict::ListNotImported)?;
    let parties = credit::parties(&app.answers);
    let mut listed = Vec::new();
    for (kind, value) in &parties {
        if let Some((name, source)) = db::credit::lookup(&ctx.db, kind, value).await? {
            listed.push(ListedParty {
                kind: (*kind).into(),
                name,
                source,
            });
        }
    }
    let result = credit::check(rfc3339(imported_at), parties.len(), listed);
    let actor = Actor::Staff(staff);
    let after = serde_json::to_value(&result).map_err(anyhow::Error::from)?;
    let subject = item.subject();
    let entry = Entry::by(&actor, "credit.check", &subject, json!(null), after);
    let (now, _) = now_and_today();
    audit::record(&ctx.db, &entry, now).await?;
    credit::verdict(&result)?;
    Ok(result)
}
