//! An application's part of the audit log — its own entries, its items' and its inspections',
//! in order — with each entry's words, as the history page shows it (to each staff member what
//! the access policy lets them see) and as the archive files it (whole).

use std::collections::BTreeMap;

use serde_json::Value;
use shared::staff::HistoryEntry;

use super::{Ctx, Result};
use crate::db;
use crate::domain::access::{Access, EntryFacts};
use crate::domain::clock::rfc3339;
use crate::domain::history::{Who, about, what};
use crate::domain::records::{Application, Item};
use crate::domain::uploads::application_materials;

/// The entries about `app` and its `items`; with `access`, only those its staff member may
/// see.
pub async fn entries(
    ctx: &Ctx,
    app: &Application,
    items: &[Item],
    access: Option<&Access<'_>>,
) -> Result<Vec<HistoryEntry>> {
    let mut subjects = vec![app.subject()];
    subjects.extend(items.iter().map(Item::subject));
    let mut inspections: Vec<i64> = items.iter().filter_map(|r| r.inspection_id).collect();
    inspections.sort_unstable();
    inspections.dedup();
    subjects.extend(inspections.iter().map(|i| format!("inspection {i}")));
    let needed = ctx
        .view(&app.bundle)
        .map(|v| application_materials(&v, &app.answers))
        .unwrap_or_default();
    let mut rows = Vec::new();
    for subject in &subjects {
        rows.extend(db::audit::history(&ctx.db, subject).await?);
    }
    rows.sort_by_key(|r| r.seq);
    rows.dedup_by_key(|r| r.seq);
    // Each staff account once: its name and department for the words.
    let mut accounts = BTreeMap::new();
    for r in &rows {
        if !accounts.contains_key(&r.actor) {
            let account = db::staff::by_username(&ctx.db, &r.actor).await?;
            accounts.insert(r.actor.clone(), account);
        }
    }
    let mut out = Vec::new();
    for r in rows {
        let facts = EntryFacts::of(
            &r.subject,
            &r.action,
            &r.actor,
            &[&r.before_state, &r.after_state],
        );
        if access.is_some_and(|a| !a.history(&facts, items, &needed)) {
            continue;
        }
        let account = accounts
            .get(&r.actor)
            .and_then(Option::as_ref)
            .map(|a| (a.display_name.as_str(), a.department.as_deref()));
        let who = Who::of(&r.actor, &r.role, account).words(&ctx.catalogue);
        out.push(HistoryEntry {
            seq: r.seq,
            at: rfc3339(r.at),
            who,
            what: what(&r.action),
            about: about(&facts, &ctx.catalogue, items),
            after: visible_after(&r.after_state, access, items),
            actor: r.actor,
            role: r.role,
            action: r.action,
            subject: r.subject,
        });
    }
    Ok(out)
}

/// An entry's state after, as `access` lets its staff member see it: a reply's changed answers
/// only for the fields they see.
fn visible_after(after: &str, access: Option<&Access<'_>>, items: &[Item]) -> Value {
    let mut after: Value = serde_json::from_str(after).unwrap_or(Value::Null);
    if let (Some(access), Some(changes)) = (access, after.get_mut("changes"))
        && let Some(list) = changes.as_array_mut()
    {
        list.retain(|c| c["field"].as_str().is_some_and(|k| access.field(items, k)));
    }
    after
}
