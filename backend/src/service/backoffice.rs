//! The back office around one application: the one window's decision, an application as one
//! staff member may see it, its history, its archive, and owed materials brought on paper.
//! What each may see is the access policy's. (The queues are the worklist's.)

use serde_json::json;
use shared::staff::{HistoryEntry, IntakeRequest, StaffApplication};

use super::{Ctx, Result, archive, history, materials, notifications, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::{Access, Act};
use crate::domain::clock::now_unix;
use crate::domain::error::{Conflict, Missing};
use crate::domain::intake;
use crate::domain::notify::Step;
use crate::domain::records::{Actor, Application, IntakeStatus, Item, StaffMember};
use shared::status::SubStatus;

/// The application behind `number` and **all** its items, if `access` sees one of them at
/// least (404 otherwise, as if it did not exist).
pub async fn load(
    ctx: &Ctx,
    access: &Access<'_>,
    number: &str,
) -> Result<(Application, Vec<Item>)> {
    access.require(Act::SeeApplications)?;
    let app = db::applications::application(&ctx.db, number)
        .await?
        .ok_or(Missing::Application)?;
    let items = db::items::of_application(&ctx.db, app.id).await?;
    if !access.application(&items) {
        return Err(Missing::Application.into());
    }
    Ok((app, items))
}

/// Reads the application again, as `access` sees it (after a change).
pub async fn reread(ctx: &Ctx, access: &Access<'_>, number: &str) -> Result<StaffApplication> {
    let (app, items) = load(ctx, access, number).await?;
    views::staff_application(ctx, access, app, items).await
}

/// One application as this staff member may see it; the view is on the record.
pub async fn application(ctx: &Ctx, staff: &StaffMember, number: &str) -> Result<StaffApplication> {
    let access = ctx.access(staff);
    let (app, items) = load(ctx, &access, number).await?;
    let actor = Actor::Staff(staff);
    let subject = app.subject();
    let entry = Entry::by(&actor, "view", &subject, json!(null), json!(null));
    audit::record(&ctx.db, &entry, now_unix()).await?;
    views::staff_application(ctx, &access, app, items).await
}

/// The one window's decision: accept (every item to its department at once, each clock from
/// today, perhaps with secondary materials to follow), or one correction notice.
pub async fn decide_intake(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    req: &IntakeRequest,
) -> Result<StaffApplication> {
    let access = ctx.access(staff);
    access.require(Act::DecideIntake)?;
    let (app, items) = load(ctx, &access, number).await?;
    let view = ctx
        .view(&app.bundle)
        .ok_or_else(|| anyhow::anyhow!("bundle {} left the catalogue", app.bundle))?;
    let (now, today) = now_and_today();
    let uploaded = views::uploaded_materials(ctx, &app).await?;
    let cart = view.resolve(&app.answers);
    let (status, mut notice) = intake::decide(&app, req, &cart, &uploaded, today)?;
    if status == IntakeStatus::CorrectionRequested {
        notice.asked_at = Some(now);
    }
    let mut tx = ctx.db.begin().await?;
    if !db::applications::set_intake(&mut tx, &app, status, &notice).await? {
        return Err(crate::domain::Error::Stale.into());
    }
    // The latest of the items' due days: when the bundle is done at the latest.
    let mut latest: Option<String> = None;
    if status == IntakeStatus::Accepted {
        // Accepted with materials to follow (容缺): counted in the statistics.
        let tolerated = !notice.missing_materials.is_empty();
        db::items::accept_all(&mut tx, app.id, today, tolerated, now).await?;
        // Each clock starts today: its due date, for the worklist.
        for item in items.iter().filter(|i| i.status == SubStatus::Submitted) {
            let accepted = Item {
                status: SubStatus::Accepted,
                accepted_on: Some(today),
                ..item.clone()
            };
            let due = views::due(ctx, &accepted);
            db::worklist::set_due(&mut tx, item.id, due.as_deref()).await?;
            latest = latest.max(due);
        }
    }
    let step = match status {
        IntakeStatus::Accepted => Some(Step::Accepted { due_on: latest }),
        IntakeStatus::CorrectionRequested => Some(Step::Correction { asked_at: now }),
        _ => None,
    };
    let told = match &step {
        Some(step) => notifications::queue(&mut tx, &app, step, now).await?,
        None => 0,
    };
    let (actor, subject) = (Actor::Staff(staff), app.subject());
    let action = format!("intake.{}", status.as_str());
    let entry = Entry::by(
        &actor,
        &action,
        &subject,
        json!({ "intake": app.intake.as_str() }),
        json!({ "intake": status.as_str(), "notice": notice }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    if told > 0 {
        ctx.jobs_wake.notify_one();
    }
    reread(ctx, &access, number).await
}

/// The application's history as this staff member may see it.
pub async fn history(ctx: &Ctx, staff: &StaffMember, number: &str) -> Result<Vec<HistoryEntry>> {
    let access = ctx.access(staff);
    let (app, items) = load(ctx, &access, number).await?;
    history::entries(ctx, &app, &items, Some(&access)).await
}

/// The application's electronic archive once every item is decided (built now if it was not),
/// for the window and administrators: the package and the application's number. The download
/// is on the record.
pub async fn archive(ctx: &Ctx, staff: &StaffMember, number: &str) -> Result<(Vec<u8>, String)> {
    let access = ctx.access(staff);
    let (app, _) = load(ctx, &access, number).await?;
    if !access.archive() {
        return Err(Missing::Archive.into());
    }
    let sha = archive::when_complete(ctx, app.id)
        .await?
        .ok_or(Conflict::NoArchiveYet)?;
    let bytes = ctx.files.get(&sha).await?;
    let (actor, subject) = (Actor::Staff(staff), app.subject());
    let after = json!({ "sha256": sha });
    let entry = Entry::by(&actor, "archive.download", &subject, json!(null), after);
    audit::record(&ctx.db, &entry, now_unix()).await?;
    Ok((bytes, app.number))
}

/// The window records an owed material (容缺) brought on paper: like an upload it leaves the
/// owed list and the items waiting for it go on. Returns what is still owed.
pub async fn received_on_paper(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    material: &str,
) -> Result<Vec<String>> {
    ctx.access(staff).require(Act::RecordPaperMaterial)?;
    let app = db::applications::application(&ctx.db, number)
        .await?
        .ok_or(Missing::Application)?;
    let actor = Actor::Staff(staff);
    if !materials::arrived(ctx, &app, material, &actor, "paper").await? {
        return Err(Conflict::NotOwed.into());
    }
    Ok(db::applications::application(&ctx.db, number)
        .await?
        .map(|a| a.notice.missing_materials)
        .unwrap_or_default())
}

/// The window takes back a 容缺 choice made in error (the material is not owed after all),
/// while no item needing it is decided; the reason is on the record. Returns what is still
/// owed.
pub async fn withdraw_owed(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    material: &str,
    reason: &str,
) -> Result<Vec<String>> {
    let access = ctx.access(staff);
    access.require(Act::DecideIntake)?;
    let (app, items) = load(ctx, &access, number).await?;
    let needed_by: Vec<String> = ctx
        .view(&app.bundle)
        .map(|v| v.resolve(&app.answers).materials)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.material.id == material)
        .flat_map(|m| m.needed_by)
        .collect();
    let decided = items
        .iter()
        .any(|i| needed_by.contains(&i.item) && i.status.is_final());
    let notice = intake::withdraw_owed(&app.notice, material, decided, reason)?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    if !db::applications::set_intake(&mut tx, &app, app.intake, &notice).await? {
        return Err(crate::domain::Error::Stale.into());
    }
    let (actor, subject) = (Actor::Staff(staff), app.subject());
    let after = json!({
        "material": material, "reason": reason.trim(), "still_missing": notice.missing_materials,
    });
    let entry = Entry::by(
        &actor,
        "intake.owed_withdrawn",
        &subject,
        json!(null),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(notice.missing_materials)
}
