//! Requests of the licence holder (变更, 注销): filed with the private link of the application
//! that registered the enterprise; the registration authority decides a change, the issuing
//! department a cancellation (each sees only its own: anything else is 404). An approved change
//! updates the licence and every permit in one transaction, with its history and audit entry.

use serde_json::json;
use shared::holder::{FiledRequest, HolderRequest as Filing, RequestDecision};

use super::{Ctx, Result, licence, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::holder_requests::NewRequest;
use crate::db::is_unique_violation;
use crate::domain::access::Act;
use crate::domain::error::{Conflict, Invalid, Missing, message};
use crate::domain::licence::{REGISTRATION, check_change};
use crate::domain::permit;
use crate::domain::records::{Actor, Enterprise, Permit, PermitState, RequestKind, StaffMember};

/// What a request is about, once checked.
struct Target {
    kind: RequestKind,
    target: String,
    permit_id: Option<i64>,
    department: String,
    before: String,
    after: String,
}

/// What a filing is about, checked: a change follows the form's rule for the fact and goes to
/// the registration authority; a cancellation names a permit of this enterprise still in force
/// and goes to its department.
async fn target(ctx: &Ctx, e: &Enterprise, req: &Filing, today: time::Date) -> Result<Target> {
    Ok(match req {
        Filing::Change { field, value, .. } => {
            let (before, after) = check_change(&ctx.catalogue, e, field, value, today)?;
            let authority = ctx
                .catalogue
                .item(REGISTRATION)
                .ok_or_else(|| anyhow::anyhow!("no registration item"))?;
            Target {
                kind: RequestKind::Change,
                target: field.clone(),
                permit_id: None,
                department: authority.department.clone(),
                before,
                after,
            }
        }
        Filing::Cancel { permit, .. } => {
            let p = db::enterprises::permit(&ctx.db, *permit)
                .await?
                .filter(|p| p.enterprise_id == e.id)
                .ok_or(Invalid::Permit)?;
            if !p.state_on(&views::today_text()).in_force() {
                return Err(Invalid::PermitNotInForce.into());
            }
            cancel_target(ctx, &p)
        }
        // Filed as one cancellation per permit (`cancel_all`).
        Filing::CancelAll { .. } => return Err(Invalid::Permit.into()),
    })
}

/// Files the request for `t`: one pending request per fact or permit (409 otherwise).
async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    t: &Target,
    e: &Enterprise,
    reason: &str,
    now: i64,
) -> Result<i64> {
    let new = NewRequest {
        enterprise_id: e.id,
        kind: t.kind,
        target: &t.target,
        permit_id: t.permit_id,
        department: &t.department,
        before: &t.before,
        after: &t.after,
        reason,
    };
    match db::holder_requests::insert(tx, &new, now).await {
        Err(err) if is_unique_violation(&err) => Err(Conflict::RequestPending.into()),
        id => Ok(id?),
    }
}

/// A permit's cancellation, to its department.
fn cancel_target(ctx: &Ctx, p: &Permit) -> Target {
    // The permit as the holder names it (Chinese, as on the licence).
    let name = ctx
        .catalogue
        .item(&p.item)
        .map(|i| i.name.zh.clone())
        .unwrap_or_default();
    Target {
        kind: RequestKind::Cancel,
        target: format!("permit:{}", p.id),
        permit_id: Some(p.id),
        before: format!("{name} {}", p.certificate),
        department: p.department.clone(),
        after: String::new(),
    }
}

/// 注销联办: one cancellation for each permit in force that ends by its department's decision
/// (the licence's last), in one transaction with one audit entry; the permits that follow the
/// licence end with it. Answers the licence's request (the others are in the holder's list).
async fn cancel_all(ctx: &Ctx, e: &Enterprise, reason: &str) -> Result<FiledRequest> {
    let now = crate::domain::clock::now_unix();
    let permits = db::enterprises::permits_of(&ctx.db, e.id).await?;
    let follows = &ctx.catalogue.follows_licence;
    let c = permit::cancellation(&permits, follows, REGISTRATION, &views::today_text());
    if !c.own.iter().any(|p| p.item == REGISTRATION) {
        return Err(Invalid::PermitNotInForce.into());
    }
    let pending: Vec<String> = db::holder_requests::of_enterprise(&ctx.db, e.id)
        .await?
        .into_iter()
        .filter(|r| r.state == "pending")
        .map(|r| r.target)
        .collect();
    let mut tx = ctx.db.begin().await?;
    let mut ids = Vec::new();
    for t in c.own.iter().map(|p| cancel_target(ctx, p)) {
        // A permit whose cancellation is pending already keeps that request.
        if pending.contains(&t.target) {
            continue;
        }
        ids.push(insert(&mut tx, &t, e, reason, now).await?);
    }
    let Some(&last) = ids.last() else {
        return Err(Conflict::RequestPending.into());
    };
    let following: Vec<i64> = c.following.iter().map(|p| p.id).collect();
    let subject = e.subject();
    let entry = Entry::by(
        &Actor::Applicant,
        "holder.request.cancel_all",
        &subject,
        json!(null),
        json!({ "requests": ids, "following": following, "reason": reason }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    tracing::info!(requests = ids.len(), "cancellation of everything filed");
    let row = db::holder_requests::find(&ctx.db, last)
        .await?
        .ok_or_else(|| anyhow::anyhow!("request {last} vanished"))?;
    Ok(views::filed_request(row, None))
}

/// The holder applies for a change of the licence, the cancellation of a permit, or of
/// everything (`cancel_all`). One pending request per fact or permit.
pub async fn file(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
    req: &Filing,
) -> Result<FiledRequest> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    let e = db::enterprises::of_application(&ctx.db, app.id)
        .await?
        .ok_or(Conflict::NoLicenceYet)?;
    let reason = message(Some(req.reason())).ok_or(Invalid::Reason)?;
    if let Filing::CancelAll { .. } = req {
        return cancel_all(ctx, &e, reason).await;
    }
    let (now, today) = now_and_today();
    let t = target(ctx, &e, req, today).await?;
    // 名称查重 for a new name, as for a registration (the holder's own pending ones aside).
    if matches!(req, Filing::Change { field, .. } if field == "name") {
        let rep = app.answer("legal_rep.id_number").to_uppercase();
        if let Some(who) = super::names::taken(ctx, &t.after, Some(&rep)).await? {
            return Err(Invalid::ChangeValue(who.problem()).into());
        }
    }
    let mut tx = ctx.db.begin().await?;
    let id = insert(&mut tx, &t, &e, reason, now).await?;
    let (action, subject) = (format!("holder.request.{}", t.kind.as_str()), e.subject());
    let entry = Entry::by(
        &Actor::Applicant,
        &action,
        &subject,
        json!({ "value": t.before }),
        json!({ "request": id, "target": t.target, "value": t.after, "reason": reason }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    tracing::info!(request = id, kind = t.kind.as_str(), "holder request filed");
    let row = db::holder_requests::find(&ctx.db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("request {id} vanished"))?;
    Ok(views::filed_request(row, None))
}

/// A department's pending holder requests, oldest first.
pub async fn queue(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<FiledRequest>> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let mut out = Vec::new();
    for r in db::holder_requests::pending_for(&ctx.db, access.department()).await? {
        let e = db::enterprises::by_id(&ctx.db, r.enterprise_id).await?;
        out.push(views::filed_request(r, e.as_ref()));
    }
    Ok(out)
}

/// The department decides a request, once: approving a change updates the licence and every
/// permit; approving a cancellation cancels the permit. A refusal needs its reason.
pub async fn decide(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &RequestDecision,
) -> Result<FiledRequest> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let row = db::holder_requests::find(&ctx.db, id)
        .await?
        .filter(|r| access.holder_request(r))
        .ok_or(Missing::HolderRequest)?;
    if row.state != "pending" {
        return Err(Conflict::RequestDecided.into());
    }
    let note = match req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(message(Some(n)).ok_or(Invalid::NoteTooLong)?),
        None => None,
    };
    if !req.approve && note.is_none() {
        return Err(Invalid::NoteRequired.into());
    }
    let e = db::enterprises::by_id(&ctx.db, row.enterprise_id)
        .await?
        .ok_or(Missing::HolderRequest)?;
    let (now, today) = now_and_today();
    // Read before the transaction; the first statement in it is a write.
    let change = match (req.approve, row.kind) {
        (true, RequestKind::Change) => Some(
            check_change(&ctx.catalogue, &e, &row.target, &row.after, today)
                .map_err(|_| Conflict::LicenceSaysThisAlready)?,
        ),
        _ => None,
    };
    let permit = match (req.approve, row.kind, row.permit_id) {
        (true, RequestKind::Cancel, Some(pid)) => Some(
            db::enterprises::permit(&ctx.db, pid)
                .await?
                .filter(|p| p.state_on(&views::today_text()).in_force())
                .ok_or(Conflict::PermitNotInForce)?,
        ),
        _ => None,
    };
    // The licence ends last, and the permits that follow it with it (none to check or end
    // for any other request: no permits read).
    let all = if permit.as_ref().is_some_and(|p| p.item == REGISTRATION) {
        db::enterprises::permits_of(&ctx.db, e.id).await?
    } else {
        Vec::new()
    };
    let follows = &ctx.catalogue.follows_licence;
    let following = permit::licence_may_end(&all, follows, REGISTRATION, &views::today_text())?;
    // A pending cancellation of a permit that ends with the licence is done with it.
    let mut settled = Vec::new();
    if !following.is_empty() {
        for r in db::holder_requests::of_enterprise(&ctx.db, e.id).await? {
            let ends = following.iter().any(|f| Some(f.id) == r.permit_id);
            if ends && r.state == "pending" && r.kind == RequestKind::Cancel {
                settled.push(r.id);
            }
        }
    }
    let new_state = if req.approve { "approved" } else { "rejected" };
    let mut tx = ctx.db.begin().await?;
    for r in &settled {
        let with = Some("随营业执照注销");
        db::holder_requests::decide(&mut tx, *r, "approved", with, &staff.username, now).await?;
    }
    if !db::holder_requests::decide(&mut tx, id, new_state, note, &staff.username, now).await? {
        return Err(Conflict::RequestDecided.into());
    }
    if let Some((before, after)) = &change {
        let values = (before.as_str(), after.as_str());
        licence::apply_change(&mut tx, &e, &row.target, values, &row.reason, staff, now).await?;
    }
    if let Some(p) = &permit {
        // Kept as the public page shows it (Chinese, the licence's language).
        let reason = format!("持证人申请注销：{}", row.reason);
        super::archive::set_permit_state(&mut tx, p, PermitState::Cancelled, Some(&reason), now)
            .await?;
        let with = format!("随营业执照注销：{}", row.reason);
        for f in &following {
            super::archive::set_permit_state(&mut tx, f, PermitState::Cancelled, Some(&with), now)
                .await?;
        }
    }
    let (actor, action) = (Actor::Staff(staff), format!("holder.request.{new_state}"));
    let subject = e.subject();
    let entry = Entry::by(
        &actor,
        &action,
        &subject,
        json!({ "request": id, "state": row.state }),
        json!({ "request": id, "state": new_state, "note": note,
                "following": following.iter().map(|p| p.id).collect::<Vec<_>>(),
                "settled": settled }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let row = db::holder_requests::find(&ctx.db, id)
        .await?
        .ok_or(Missing::HolderRequest)?;
    Ok(views::filed_request(row, Some(&e)))
}
