//! The dishonesty list (失信名单): an administrator replaces it with an import; the commitment
//! path checks an application's parties against it, the check and its result on the record
//! whatever it finds.

use serde_json::json;
use shared::records::{CreditCheck, ListedParty};

use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::clock::rfc3339;
use crate::domain::error::{Conflict, Invalid};
use crate::domain::notify::Alert;
use crate::domain::records::{Actor, Application, Item, StaffMember};
use crate::domain::{credit, risk};

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

/// Pulls the dishonesty list from the credit platform (`Context::credit_source`), checked
/// line by line as an import is, and replaces the list with it — the count on the record. A
/// pull that fails (unreachable, refused, a bad line) keeps the list as it was: on the record
/// with why, and an error, so the job shows failed in the administrator's console and is tried
/// again. `None` when no source is configured.
pub async fn sync(ctx: &Ctx) -> Result<Option<usize>> {
    let Some(source) = ctx.credit_source.as_ref() else {
        return Ok(None);
    };
    let (now, today) = now_and_today();
    let pulled = match source.fetch().await {
        Ok(text) => credit::parse_list(&text, today).map_err(|e| match e {
            crate::domain::Error::Invalid(Invalid::ListLines(lines)) => {
                format!("lines not acceptable: {lines:?}")
            }
            other => other.to_string(),
        }),
        Err(why) => Err(why),
    };
    let entries = match pulled {
        Ok(entries) => entries,
        Err(why) => {
            let after = json!({ "source": source.url, "error": why });
            let entry = Entry::by(
                &Actor::System,
                "dishonesty_list.sync_failed",
                "dishonesty list",
                json!(null),
                after,
            );
            // On the record, and the administrators told (once a day while it keeps failing).
            let day = shared::date::format_iso_date(today);
            let alert = Alert::CreditSyncFailed {
                source: &source.url,
                error: &why,
                day: &day,
            };
            let mut tx = ctx.db.begin().await?;
            audit::append(&mut tx, &entry, now).await?;
            let told = super::notifications::alert_admins(ctx, &mut tx, &alert, now).await?;
            tx.commit().await?;
            if told > 0 {
                ctx.jobs_wake.notify_one();
            }
            tracing::warn!(error = %why, "dishonesty list not pulled: the previous list stays");
            return Err(anyhow::anyhow!(
                "dishonesty list not pulled ({why}): the previous list stays"
            )
            .into());
        }
    };
    let mut tx = ctx.db.begin().await?;
    db::credit::replace(&mut tx, &entries, "system", now).await?;
    let after = json!({ "entries": entries.len(), "source": source.url });
    let entry = Entry::by(
        &Actor::System,
        "dishonesty_list.sync",
        "dishonesty list",
        json!(null),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(Some(entries.len()))
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
    let today = views::today_text();
    let (mut listed, mut barred) = (Vec::new(), Vec::new());
    for (kind, value) in &parties {
        if let Some((name, source)) = db::credit::lookup(&ctx.db, kind, value).await? {
            listed.push(ListedParty {
                kind: (*kind).into(),
                name,
                source,
            });
        }
        if let Some((name, record, until)) =
            db::credit::barring(&ctx.db, kind, value, &today).await?
        {
            let record = ctx
                .catalogue
                .credit_kind(&record)
                .map_or(record.clone(), |k| k.name.zh.clone());
            barred.push(ListedParty {
                kind: (*kind).into(),
                name,
                source: format!("信用记录：{record}，{until} 前不适用告知承诺"),
            });
        }
    }
    let result = credit::check(rfc3339(imported_at), parties.len(), listed, barred);
    let actor = Actor::Staff(staff);
    let after = serde_json::to_value(&result).map_err(anyhow::Error::from)?;
    let subject = item.subject();
    let entry = Entry::by(&actor, "credit.check", &subject, json!(null), after);
    let (now, _) = now_and_today();
    audit::record(&ctx.db, &entry, now).await?;
    credit::verdict(&result)?;
    Ok(result)
}

/// A credit record (信用记录) about `party`, written in `tx` with its audit entry: what the
/// catalogue says of its kind decides whether it bars the commitment path, and until when.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ctx: &Ctx,
    actor: &Actor<'_>,
    party: &Party<'_>,
    (kind, detail, source): (&str, &str, &str),
) -> Result<i64> {
    let (now, today) = now_and_today();
    let credit_kind = ctx
        .catalogue
        .credit_kind(kind)
        .ok_or_else(|| anyhow::anyhow!("credit kind {kind} is not in the catalogue"))?;
    let bars_until = risk::bars_until(credit_kind, today).map(shared::date::format_iso_date);
    let (recorded_on, recorded_by) = (shared::date::format_iso_date(today), actor.names().0);
    let new = db::credit::NewRecord {
        enterprise_id: party.enterprise_id,
        uscc: party.uscc,
        legal_rep_id: party.legal_rep_id,
        name: party.name,
        kind,
        detail,
        source,
        recorded_on: &recorded_on,
        bars_until: bars_until.as_deref(),
        recorded_by,
    };
    let id = db::credit::insert_record(tx, &new, now).await?;
    let after = json!({
        "kind": kind, "detail": detail, "source": source, "bars_until": bars_until,
        "enterprise": party.enterprise_id,
    });
    let subject = format!("credit_record {id}");
    let entry = Entry::by(actor, "credit.record", &subject, json!(null), after);
    audit::append(tx, &entry, now).await?;
    Ok(id)
}

/// Whom a credit record is about: the enterprise (when it has its licence) and its legal
/// representative.
pub struct Party<'a> {
    pub enterprise_id: Option<i64>,
    pub uscc: Option<&'a str>,
    pub legal_rep_id: &'a str,
    pub name: &'a str,
}
