//! Follow-ups of approvals by commitment (告知承诺事后核查): the department's list (overdue ones
//! flagged in working days), its finding — a false commitment revokes the permit through the
//! permit's state machine and writes a credit record that bars the commitment path — and the
//! background check that flags the overdue ones on the record.

use serde_json::json;
use shared::records::PermitState;
use shared::supervision::{FollowUp as FollowUpView, FollowUpFinding};

use super::credit::{self, Party};
use super::{Ctx, Result, now_and_today};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::error::Missing;
use crate::domain::follow_up::{self, FollowUp, Outcome};
use crate::domain::permit;
use crate::domain::records::{Actor, StaffMember};

/// The most a list shows (open ones first).
const LIST_LIMIT: i64 = 500;

/// The follow-ups the staff member sees: a reviewer their department's, an administrator all.
pub async fn list(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<FollowUpView>> {
    let access = ctx.access(staff);
    access.require(Act::SeeFollowUps)?;
    let rows = db::follow_ups::list(&ctx.db, access.only_department(), LIST_LIMIT).await?;
    Ok(rows.into_iter().map(|f| view(ctx, f)).collect())
}

fn view(ctx: &Ctx, f: FollowUp) -> FollowUpView {
    let (_, today) = now_and_today();
    let overdue_days = follow_up::overdue_days(&f, today, &ctx.calendar);
    let item_name = ctx
        .catalogue
        .item(&f.item)
        .map(|i| i.name.clone())
        .unwrap_or_default();
    FollowUpView {
        id: f.id,
        application: f.number,
        item: f.item,
        item_name,
        department: f.department,
        business_name: f.business_name,
        permit: f.permit_id,
        certificate: f.certificate,
        due_on: f.due_on,
        overdue_days,
        state: f.state,
        note: f.note,
        done_by: f.done_by,
        done_on: f.done_on,
    }
}

/// Records what the follow-up found, once, in one transaction with everything it causes: a
/// false commitment revokes the permit (when issued and not revoked or cancelled already) and
/// writes a barring credit record; a fulfilled one writes its record.
pub async fn record(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &FollowUpFinding,
) -> Result<FollowUpView> {
    let access = ctx.access(staff);
    access.require(Act::RecordFollowUp)?;
    let f = db::follow_ups::get(&ctx.db, id)
        .await?
        .filter(|f| access.of_department(&f.department))
        .ok_or(Missing::FollowUp)?;
    let (outcome, note) = follow_up::finding(&f, &req.outcome, req.note.as_deref())?;
    let permit = match f.permit_id {
        Some(id) => db::enterprises::permit(&ctx.db, id).await?,
        None => None,
    };
    let enterprise = db::enterprises::of_application(&ctx.db, f.application_id).await?;
    let (now, today) = now_and_today();
    let today_text = shared::date::format_iso_date(today);
    let actor = Actor::Staff(staff);
    let mut tx = ctx.db.begin().await?;
    let finding = (outcome.state(), note.as_deref());
    if !db::follow_ups::finish(&mut tx, id, finding, (&staff.username, &today_text), now).await? {
        return Err(crate::domain::error::Conflict::FollowUpDone.into());
    }
    let subject = format!("follow_up {id}");
    let after = json!({ "state": outcome.state(), "note": note, "item": f.sub_application_id });
    let entry = Entry::by(
        &actor,
        "follow_up.record",
        &subject,
        json!({ "state": f.state }),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    let revoke = permit.as_ref().filter(|p| {
        outcome == Outcome::False && permit::allowed(p.state_on(&today_text), PermitState::Revoked)
    });
    if let Some(p) = revoke {
        let reason = format!(
            "告知承诺不实（事后核查）：{}",
            note.as_deref().unwrap_or("")
        );
        super::archive::set_permit_state(&mut tx, p, PermitState::Revoked, Some(&reason), now)
            .await?;
        let permit_subject = p.subject();
        let entry = Entry::by(
            &actor,
            "permit.state",
            &permit_subject,
            json!({ "state": p.state.as_str() }),
            json!({ "state": PermitState::Revoked.as_str(), "reason": reason, "follow_up": id }),
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    let party = Party {
        enterprise_id: enterprise.as_ref().map(|e| e.id),
        uscc: enterprise.as_ref().map(|e| e.uscc.as_str()),
        legal_rep_id: &f.legal_rep_id,
        name: enterprise.as_ref().map_or(&f.business_name, |e| &e.name),
    };
    let detail = note.clone().unwrap_or_default();
    let what = (outcome.credit_kind(), detail.as_str(), subject.as_str());
    credit::record(&mut tx, ctx, &actor, &party, what).await?;
    tx.commit().await?;
    let f = db::follow_ups::get(&ctx.db, id)
        .await?
        .ok_or(Missing::FollowUp)?;
    Ok(view(ctx, f))
}

/// The background check: flags the open follow-ups past their day, on the record once each.
pub async fn flag_overdue(ctx: &Ctx) -> Result<usize> {
    let (now, today) = now_and_today();
    let today_text = shared::date::format_iso_date(today);
    let mut tx = ctx.db.begin().await?;
    let ids = db::follow_ups::flag_overdue(&mut tx, &today_text, now).await?;
    if !ids.is_empty() {
        let after = json!({ "overdue_since": today_text, "follow_ups": ids });
        let entry = Entry::by(
            &Actor::System,
            "follow_up.overdue",
            "follow_ups",
            json!(null),
            after,
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}
