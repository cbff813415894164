//! The licence and its permits (一业一证): the enterprise brought into being by the business
//! registration's approval, permits attached as items are approved (all in the approval's own
//! transaction), a department's change of its permit's state, a change of the licence recorded
//! at the counter, and the licence as the public reads it — live, signed, or as an offline
//! snapshot.

use serde_json::json;
use shared::staff::{LicenceChange, PermitStateRequest};
use sqlx::{Any, Transaction};

use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::enterprises::{NewEnterprise, NewPermit};
use crate::domain::access::Act;
use crate::domain::application::new_token;
use crate::domain::clock::rfc3339;
use crate::domain::error::{Invalid, Missing, message};
use crate::domain::licence::{self, COUNTY_DIVISION};
use crate::domain::records::{
    Actor, Application, Enterprise, InProgress, Item, LicenceChangeRecord, Permit, PermitState,
    StaffMember,
};
use crate::domain::{permit, records::Decision};
use crate::seal::Purpose;

/// Creates the enterprise of `app` (inside `tx`): an issued credit code and the token of its
/// public page. Returns its id and code.
pub async fn create_enterprise(
    tx: &mut Transaction<'_, Any>,
    ctx: &Ctx,
    app: &Application,
    established_on: &str,
    now: i64,
) -> Result<(i64, String)> {
    let f = licence::facts(&ctx.catalogue, &app.answers);
    let serial = db::enterprises::next_serial(tx, now).await?;
    let uscc = shared::ids::uscc::issue(f.entity, COUNTY_DIVISION, serial as u64)
        .ok_or_else(|| anyhow::anyhow!("credit-code serials exhausted"))?;
    let token = new_token()[..22].to_string();
    let new = NewEnterprise {
        application_id: app.id,
        uscc: &uscc,
        name: &f.name,
        entity_type: &f.entity_type,
        address: &f.address,
        legal_rep: &f.legal_rep,
        scope: &f.scope,
        established_on,
        verify_token: &token,
    };
    let id = db::enterprises::insert(tx, &new, now).await?;
    Ok((id, uscc))
}

/// The next certificate number of `item` by its numbering rule `format`, taken in the
/// approval's transaction (its year is `today`'s).
pub async fn certificate_number(
    tx: &mut Transaction<'_, Any>,
    item: &str,
    format: &str,
    today: time::Date,
) -> Result<String> {
    use shared::catalogue::numbering::render;
    let broken = |e: String| anyhow::anyhow!("certificate number of {item}: {e}");
    let series = render(format, COUNTY_DIVISION, today.year(), None).map_err(broken)?;
    let serial = db::certificates::next_serial(tx, item, &series).await?;
    let serial = u64::try_from(serial).map_err(|e| broken(e.to_string()))?;
    Ok(render(format, COUNTY_DIVISION, today.year(), Some(serial)).map_err(broken)?)
}

/// Attaches each approved item (its decision holds certificate and validity) to the
/// enterprise; ones attached already stay as they are.
pub async fn attach_approved(
    tx: &mut Transaction<'_, Any>,
    enterprise_id: i64,
    items: &[(&Item, &Decision)],
    issued_on: &str,
    now: i64,
) -> Result<()> {
    for (item, decision) in items {
        let Some(certificate) = decision.certificate.as_deref() else {
            continue;
        };
        let p = NewPermit {
            enterprise_id,
            sub_application_id: item.id,
            item: &item.item,
            department: &item.department,
            certificate,
            issued_on,
            valid_until: decision.valid_until.as_deref(),
        };
        db::enterprises::attach(tx, &p, now).await?;
    }
    Ok(())
}

/// Applies a checked change of the licence (licence and every permit) with its history and
/// audit entry, in `tx`: a failure anywhere leaves everything as it was.
pub async fn apply_change(
    tx: &mut Transaction<'_, Any>,
    e: &Enterprise,
    field: &str,
    (before, after): (&str, &str),
    reason: &str,
    staff: &StaffMember,
    now: i64,
) -> Result<()> {
    let change = db::enterprises::Change {
        field,
        before,
        after,
        reason,
        by: &staff.username,
    };
    db::enterprises::change(tx, e, &change, now).await?;
    let (subject, action) = (e.subject(), format!("licence.change.{field}"));
    let actor = Actor::Staff(staff);
    let entry = Entry::by(
        &actor,
        &action,
        &subject,
        json!({ "value": before }),
        json!({ "value": after, "reason": reason }),
    );
    audit::append(tx, &entry, now).await?;
    Ok(())
}

/// The registration authority records a change of the licence at the counter: name, legal
/// representative or address, on the licence and every permit together.
pub async fn record_change(
    ctx: &Ctx,
    staff: &StaffMember,
    uscc: &str,
    req: &LicenceChange,
) -> Result<(Enterprise, String)> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    access.registers_changes()?;
    let e = db::enterprises::by_uscc(&ctx.db, uscc.trim())
        .await?
        .ok_or(Missing::Enterprise)?;
    let (now, today) = now_and_today();
    let (before, after) = licence::check_change(&ctx.catalogue, &e, &req.field, &req.value, today)?;
    let reason = message(Some(&req.reason)).ok_or(Invalid::Reason)?;
    let mut tx = ctx.db.begin().await?;
    apply_change(
        &mut tx,
        &e,
        &req.field,
        (&before, &after),
        reason,
        staff,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((e, after))
}

/// A department changes the state of one of its own permits (others are 404): suspend, revoke
/// or cancel with a reason, reinstate a suspended one. The public page shows it at once.
pub async fn set_permit_state(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &PermitStateRequest,
) -> Result<(i64, PermitState)> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let p = db::enterprises::permit(&ctx.db, id)
        .await?
        .filter(|p| access.permit(p))
        .ok_or(Missing::Permit)?;
    let (now, _) = now_and_today();
    let (to, reason) = permit::change(&p, &req.state, req.reason.as_deref(), &views::today_text())?;
    let mut tx = ctx.db.begin().await?;
    super::archive::set_permit_state(&mut tx, &p, to, reason.as_deref(), now).await?;
    let (actor, subject) = (Actor::Staff(staff), p.subject());
    let entry = Entry::by(
        &actor,
        "permit.state",
        &subject,
        json!({ "state": p.state.as_str() }),
        json!({ "state": to.as_str(), "reason": reason }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok((p.id, to))
}

/// A licence as the public reads it.
pub struct Public {
    pub enterprise: Enterprise,
    pub permits: Vec<Permit>,
}

/// Tokens are 22 base64url characters; anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 22
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The licence behind a verify token, with its permits; `None` for a malformed or unknown
/// token alike.
pub async fn public(ctx: &Ctx, token: &str) -> Result<Option<Public>> {
    if !plausible(token) {
        return Ok(None);
    }
    let Some(enterprise) = db::enterprises::by_token(&ctx.db, token).await? else {
        return Ok(None);
    };
    let permits = db::enterprises::permits_of(&ctx.db, enterprise.id).await?;
    Ok(Some(Public {
        enterprise,
        permits,
    }))
}

/// The public page of a licence: kept in memory since it was last rendered (until its rows
/// change, see [`crate::db::page_cache`]), or the ticket to keep the one about to be rendered.
pub enum KeptPage {
    Kept(bytes::Bytes),
    Render(PageTicket),
}

/// Where and as of when a page about to be rendered may be kept.
pub struct PageTicket {
    key: String,
    epoch: u64,
}

/// The kept page of `token` in `lang` (a page shows which permits are valid today: kept per
/// day). Ask before reading the licence.
pub fn kept_page(ctx: &Ctx, token: &str, lang: shared::Lang) -> KeptPage {
    let key = format!("{token}/{}/{}", lang.tag(), views::today_text());
    match ctx.db.pages.get(&key) {
        Some(body) => KeptPage::Kept(body),
        None => KeptPage::Render(PageTicket {
            key,
            epoch: ctx.db.pages.epoch(),
        }),
    }
}

/// Keeps the page rendered under `ticket` from the licence of `enterprise_id` — unless the
/// licence changed meanwhile.
pub fn keep_page(ctx: &Ctx, ticket: PageTicket, enterprise_id: i64, body: bytes::Bytes) {
    ctx.db
        .pages
        .keep(ticket.epoch, ticket.key, enterprise_id, body);
}

/// The licence's history of changes.
pub async fn changes(ctx: &Ctx, e: &Enterprise) -> Result<Vec<LicenceChangeRecord>> {
    Ok(db::enterprises::changes_of(&ctx.db, e.id).await?)
}

/// The enterprise's items still being decided (办理中), for its public page.
pub async fn in_progress(ctx: &Ctx, e: &Enterprise) -> Result<Vec<InProgress>> {
    Ok(db::enterprises::in_progress(&ctx.db, e.id).await?)
}

/// The licence now as canonical JSON, with the seal's key id and signature over its bytes.
pub fn signed(ctx: &Ctx, l: &Public) -> (String, String, String) {
    let (now, _) = now_and_today();
    let document = licence::canonical(
        &l.enterprise,
        &l.permits,
        &views::today_text(),
        &rfc3339(now),
    );
    let signature = ctx.seal.sign(Purpose::Licence, document.as_bytes());
    (document, ctx.seal.kid().to_string(), signature)
}

/// The signed snapshot text of the licence now (the second QR, checked offline).
pub fn snapshot(ctx: &Ctx, l: &Public) -> String {
    let (now, _) = now_and_today();
    let payload = licence::snapshot(
        &ctx.catalogue,
        &l.enterprise,
        &l.permits,
        &views::today_text(),
        now,
    );
    let bytes = serde_json::to_vec(&payload).unwrap_or_default();
    shared::snapshot::encode(
        &bytes,
        &ctx.seal.kid_bytes(),
        &ctx.seal.sign_raw(Purpose::Snapshot, &bytes),
    )
}
