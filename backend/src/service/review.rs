//! A department's review (并联审批): an action on one of its items, a joint inspection (单改综)
//! for several items of one application, and recording it once for all. An approval makes a
//! permit of the enterprise — the business registration's brings the enterprise into being —
//! in the approval's own transaction, and an approval by commitment its follow-up; the last
//! decision queues the archive's filing.

use serde_json::json;
use shared::i18n::Text;
use shared::staff::{JointInspectionRequest, ReviewRequest, StaffApplication, StaffItem};
use shared::status::SubStatus;

use super::{Ctx, Result, backoffice, credit, licence, notifications, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::error::{Conflict, Error, Invalid, Missing, message};
use crate::domain::intake;
use crate::domain::jobs::Job;
use crate::domain::licence::REGISTRATION;
use crate::domain::notify::Step;
use crate::domain::records::{Actor, Application, Item, StaffMember};
use crate::domain::review::{self, Change, Facts, Plan};

/// A reviewer acts on one item of their department (another's is 404): the state machine and
/// the rule decide what is allowed; a stale version changes nothing.
pub async fn act(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &ReviewRequest,
) -> Result<StaffItem> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let item = db::items::item(&ctx.db, id)
        .await?
        .filter(|i| access.item(&i.department))
        .ok_or(Missing::Item)?;
    let app = db::applications::application_by_id(&ctx.db, item.application_id)
        .await?
        .ok_or(Missing::Application)?;
    let rules = ctx
        .catalogue
        .item(&item.item)
        .ok_or_else(|| anyhow::anyhow!("item {} left the catalogue", item.item))?;
    let (_, today) = now_and_today();
    let owed = intake::owed_for(&app.notice, &rules.materials);
    let chosen = shared::rules::instance_key("commitment.chosen", &item.item);
    let siblings = db::items::of_application(&ctx.db, app.id).await?;
    let facts = Facts {
        licence_pending: review::licence_pending(&item, &siblings),
        numbered: ctx.catalogue.numbering(&item.item).is_some(),
        rules,
        owed: intake::names(&owed, |m| ctx.catalogue.material(m).map(|m| &m.name)),
        commitment_chosen: app.answers.get(&chosen).and_then(|v| v.as_bool()) == Some(true),
        today,
        calendar: &ctx.calendar,
    };
    match review::plan(&item, req, &facts)? {
        Plan::Inspect { on } => {
            schedule(ctx, staff, &app, &[&item], on).await?;
        }
        Plan::Record { inspection, result } => {
            record(ctx, staff, inspection, &result).await?;
        }
        Plan::Change(mut change) => {
            if change.status == SubStatus::SupplementRequested {
                change.decision.asked_at = Some(crate::domain::clock::now_unix());
            }
            if change.decision.by_commitment {
                change.decision.credit_check = Some(credit::check(ctx, staff, &app, &item).await?);
            }
            decide(ctx, staff, &app, &item, req, *change).await?;
        }
    }
    let item = db::items::item(&ctx.db, id).await?.ok_or(Missing::Item)?;
    Ok(views::staff_item(ctx, &item, true))
}

/// Writes an item's change; an approval attaches the permit (and the registration's creates
/// the enterprise, its number the issued credit code).
async fn decide(
    ctx: &Ctx,
    staff: &StaffMember,
    app: &Application,
    item: &Item,
    req: &ReviewRequest,
    mut change: Change,
) -> Result<()> {
    let (now, today) = now_and_today();
    let today_text = shared::date::format_iso_date(today);
    let approved = change.status == SubStatus::Approved;
    let (enterprise, earlier) = if approved {
        let all = db::items::of_application(&ctx.db, app.id).await?;
        let earlier: Vec<Item> = all
            .into_iter()
            .filter(|r| r.id != item.id && r.status == SubStatus::Approved)
            .collect();
        (
            db::enterprises::of_application(&ctx.db, app.id).await?,
            earlier,
        )
    } else {
        (None, Vec::new())
    };
    let mut tx = ctx.db.begin().await?;
    // Decisions on one application one after another: the last one sees every other.
    db::applications::lock(&mut tx, app.id).await?;
    let mut enterprise_id = enterprise.map(|e| e.id);
    if approved && item.item == REGISTRATION && enterprise_id.is_none() {
        let (id, uscc) = licence::create_enterprise(&mut tx, ctx, app, &today_text, now).await?;
        change.decision.certificate = Some(uscc);
        enterprise_id = Some(id);
        let before: Vec<_> = earlier.iter().map(|r| (r, &r.decision)).collect();
        licence::attach_approved(&mut tx, id, &before, &today_text, now).await?;
    }
    // A permit approved without a number gets the next of its department's numbering rule.
    if let (true, None, Some(format)) = (
        approved,
        &change.decision.certificate,
        ctx.catalogue.numbering(&item.item),
    ) {
        change.decision.certificate =
            Some(licence::certificate_number(&mut tx, &item.item, format, today).await?);
    }
    if !db::items::change(
        &mut tx,
        item,
        &change,
        &views::kept(ctx, item, &change),
        now,
    )
    .await?
    {
        return Err(Error::Stale.into());
    }
    if let (true, Some(id)) = (approved, enterprise_id) {
        licence::attach_approved(&mut tx, id, &[(item, &change.decision)], &today_text, now)
            .await?;
    }
    // An approval by commitment owes its follow-up (事后核查), due on the day set.
    if let (true, Some(due_on)) = (approved, change.decision.follow_up_on.as_deref()) {
        let f = db::follow_ups::NewFollowUp {
            sub_application_id: item.id,
            application_id: app.id,
            department: &item.department,
            item: &item.item,
            due_on,
        };
        db::follow_ups::insert(&mut tx, &f, now).await?;
    }
    let (actor, subject) = (Actor::Staff(staff), item.subject());
    let action = format!("review.{}", req.action.as_str());
    let entry = Entry::by(
        &actor,
        &action,
        &subject,
        json!({ "status": item.status.as_str(), "application": item.number }),
        json!({ "status": change.status.as_str(), "decision": change.decision }),
    );
    audit::append(&mut tx, &entry, now).await?;
    let told = match told(ctx, item, &change) {
        Some(step) => notifications::queue(&mut tx, app, &step, now).await?,
        None => 0,
    };
    // The last decision files the archive: a job, queued with it.
    let complete = change.status.is_final() && db::items::all_decided(&mut tx, app.id).await?;
    if complete {
        let job = Job::Archive {
            application_id: app.id,
        };
        db::jobs::queue(&mut tx, &job, now).await?;
    }
    tx.commit().await?;
    if complete || told > 0 {
        ctx.jobs_wake.notify_one();
    }
    Ok(())
}

/// What the applicant hears of an item's change: a supplement request, a decision.
fn told(ctx: &Ctx, item: &Item, change: &Change) -> Option<Step> {
    let name = || {
        ctx.catalogue
            .item(&item.item)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| Text::new(&item.item, &item.item))
    };
    match change.status {
        SubStatus::SupplementRequested => Some(Step::Supplement {
            item: name(),
            item_id: item.item.clone(),
            asked_at: change.decision.asked_at.unwrap_or_default(),
        }),
        SubStatus::Approved | SubStatus::Rejected => Some(Step::Decided {
            item: name(),
            item_id: item.item.clone(),
            approved: change.status == SubStatus::Approved,
        }),
        _ => None,
    }
}

/// Schedules one visit for `items` (each at the version read): every item's clock stops until
/// the visit is recorded. One audit entry names them all.
async fn schedule(
    ctx: &Ctx,
    staff: &StaffMember,
    app: &Application,
    items: &[&Item],
    on: time::Date,
) -> Result<i64> {
    let (now, today) = now_and_today();
    let first = items.first().ok_or(Missing::Item)?;
    let mut tx = ctx.db.begin().await?;
    let id =
        db::items::create_inspection(&mut tx, first.application_id, on, &staff.username).await?;
    for item in items {
        let change = review::schedule(item, on, id, today)?;
        if !db::items::change(
            &mut tx,
            item,
            &change,
            &views::kept(ctx, item, &change),
            now,
        )
        .await?
        {
            return Err(Error::Stale.into());
        }
    }
    let (actor, subject) = (Actor::Staff(staff), format!("application {}", first.number));
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let after = json!({ "inspection": id, "on": shared::date::format_iso_date(on), "items": ids });
    let entry = Entry::by(&actor, "inspection.schedule", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    let step = Step::Inspection {
        id,
        on: shared::date::format_iso_date(on),
        items: items
            .iter()
            .filter_map(|i| ctx.catalogue.item(&i.item).map(|c| c.name.clone()))
            .collect(),
    };
    let told = notifications::queue(&mut tx, app, &step, now).await?;
    tx.commit().await?;
    if told > 0 {
        ctx.jobs_wake.notify_one();
    }
    Ok(id)
}

/// Records a visit once for all its items: each clock runs again, the paused days added.
async fn record(ctx: &Ctx, staff: &StaffMember, inspection: i64, result: &str) -> Result<()> {
    let (now, today) = now_and_today();
    let items = db::items::of_inspection(&ctx.db, inspection).await?;
    let mut tx = ctx.db.begin().await?;
    if !db::items::record_inspection(&mut tx, inspection, &staff.username, result).await? {
        return Err(Conflict::InspectionRecorded.into());
    }
    for item in &items {
        let Some(change) = review::record(item, result, &ctx.calendar, today) else {
            continue;
        };
        if !db::items::change(
            &mut tx,
            item,
            &change,
            &views::kept(ctx, item, &change),
            now,
        )
        .await?
        {
            return Err(Error::Stale.into());
        }
    }
    let (actor, subject) = (Actor::Staff(staff), format!("inspection {inspection}"));
    let after = json!({ "result": result });
    let entry = Entry::by(&actor, "inspection.record", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A joint inspection (单改综): one visit for several items of one application that need an
/// on-site check, scheduled by a reviewer of one of them; every item's clock stops.
pub async fn joint_inspection(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    req: &JointInspectionRequest,
) -> Result<StaffApplication> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let (app, all) = backoffice::load(ctx, &access, number).await?;
    let (_, today) = now_and_today();
    let onsite = |i: &Item| {
        ctx.catalogue
            .item(&i.item)
            .is_some_and(|c| c.onsite_inspection)
    };
    let (on, items) = review::joint(&all, &req.items, &req.on, today, &access, onsite)?;
    schedule(ctx, staff, &app, &items, on).await?;
    backoffice::reread(ctx, &access, number).await
}

/// Records a joint inspection once, for every item in it; any reviewer of one of them may
/// (for anyone else it does not exist).
pub async fn record_inspection(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    result: &str,
) -> Result<i64> {
    let access = ctx.access(staff);
    access.require(Act::Review)?;
    let items = db::items::of_inspection(&ctx.db, id).await?;
    if db::items::inspection(&ctx.db, id).await?.is_none() || !access.application(&items) {
        return Err(Missing::Inspection.into());
    }
    let result = message(Some(result)).ok_or(Invalid::InspectionResult)?;
    record(ctx, staff, id, result).await?;
    Ok(id)
}
