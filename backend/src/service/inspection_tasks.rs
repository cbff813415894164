//! Inspection tasks of drawn plans (双随机): an inspector's own tasks, the result of a visit —
//! recorded once, published at once (一公开) on the plan's page and the enterprise's verify
//! page; a failure writes a credit record (`catalogue/credit.toml`).

use std::collections::HashMap;

use serde_json::json;
use shared::catalogue::InspectionItem;
use shared::supervision::{DrawnInspector, InspectionFinding, InspectionTask};

use super::credit::{self, Party};
use super::{Ctx, Result, now_and_today};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::inspection_tasks::TaskRow;
use crate::domain::access::Act;
use crate::domain::error::{Conflict, Missing};
use crate::domain::inspection_task;
use crate::domain::records::{Actor, StaffMember};

/// The tasks of the staff member as an inspector: open ones first.
pub async fn mine(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<InspectionTask>> {
    ctx.access(staff).require(Act::Inspect)?;
    let rows = db::inspection_tasks::of_inspector(&ctx.db, staff.id).await?;
    views(ctx, rows).await
}

async fn views(ctx: &Ctx, rows: Vec<TaskRow>) -> Result<Vec<InspectionTask>> {
    let (_, today) = now_and_today();
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut photos: HashMap<i64, Vec<String>> = HashMap::new();
    for (task, sha) in db::inspection_tasks::photos(&ctx.db, &ids).await? {
        photos.entry(task).or_default().push(sha);
    }
    let mut inspectors: HashMap<i64, Vec<DrawnInspector>> = HashMap::new();
    for (task, id, name, certificate) in db::inspection_tasks::inspectors(&ctx.db, &ids).await? {
        let one = DrawnInspector {
            id,
            name,
            certificate,
        };
        inspectors.entry(task).or_default().push(one);
    }
    rows.into_iter()
        .map(|t| {
            let items: Vec<InspectionItem> =
                serde_json::from_str(&t.items).map_err(anyhow::Error::from)?;
            let checks: Vec<bool> = match &t.checks {
                Some(text) => serde_json::from_str(text).map_err(anyhow::Error::from)?,
                None => Vec::new(),
            };
            let late = inspection_task::recheck_late(
                &t.state,
                t.rectify_by.as_deref(),
                today,
                &ctx.calendar,
            );
            Ok(InspectionTask {
                photos: photos.remove(&t.id).unwrap_or_default(),
                recheck_late: late,
                inspectors: inspectors.remove(&t.id).unwrap_or_default(),
                verify_url: ctx.verify_url(&t.verify_token),
                id: t.id,
                plan: t.plan_id,
                plan_name: t.plan_name,
                enterprise: t.enterprise,
                uscc: t.uscc,
                address: t.address,
                items,
                state: t.state,
                result: t.result,
                rectify_by: t.rectify_by,
                note: t.note,
                checks,
                recorded_by: t.recorded_by,
                recorded_on: t.recorded_on,
                recheck_result: t.recheck_result,
                recheck_note: t.recheck_note,
                rechecked_by: t.rechecked_by,
                rechecked_on: t.rechecked_on,
            })
        })
        .collect()
}

/// Records a visit's result, once, by one of its inspectors (for anyone else the task does
/// not exist) — or, for a task whose visit ordered a rectification, its re-check, once:
/// published at once; a failure or a rectification writes a credit record, in the same
/// transaction.
pub async fn record(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &InspectionFinding,
) -> Result<InspectionTask> {
    ctx.access(staff).require(Act::Inspect)?;
    let task = own(ctx, staff, id).await?;
    let items: Vec<InspectionItem> =
        serde_json::from_str(&task.items).map_err(anyhow::Error::from)?;
    let lines = items.iter().map(|i| i.checklist.len()).sum();
    let (now, today) = now_and_today();
    let checked = inspection_task::finding(&task.state, lines, req, today)?;
    let on = shared::date::format_iso_date(today);
    let checks = serde_json::to_string(&checked.checks).map_err(anyhow::Error::from)?;
    let finding = db::inspection_tasks::Finding {
        result: checked.result,
        rectify_by: checked.rectify_by.as_deref(),
        checks: &checks,
        note: checked.note.as_deref(),
        by: &staff.username,
        on: &on,
        state_after: checked.state_after,
    };
    let actor = Actor::Staff(staff);
    let mut tx = ctx.db.begin().await?;
    let written = if checked.recheck {
        db::inspection_tasks::recheck(&mut tx, id, &finding, now).await?
    } else {
        db::inspection_tasks::record(&mut tx, id, &finding, now).await?
    };
    if !written {
        return Err(Conflict::TaskRecorded.into());
    }
    let subject = format!("inspection_task {id}");
    let after = json!({
        "result": checked.result, "rectify_by": checked.rectify_by, "note": checked.note,
        "checks": checked.checks, "plan": task.plan_id, "enterprise": task.enterprise_id,
        "state": checked.state_after,
    });
    let action = match checked.recheck {
        true => "inspection_task.recheck",
        false => "inspection_task.record",
    };
    let entry = Entry::by(
        &actor,
        action,
        &subject,
        json!({ "state": task.state }),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    if let Some(kind) = inspection_task::credit_kind(checked.result) {
        let party = Party {
            enterprise_id: Some(task.enterprise_id),
            uscc: Some(&task.uscc),
            legal_rep_id: &task.legal_rep_id,
            name: &task.enterprise,
        };
        let detail = checked.note.clone().unwrap_or_default();
        credit::record(&mut tx, ctx, &actor, &party, (kind, &detail, &subject)).await?;
    }
    tx.commit().await?;
    let row = db::inspection_tasks::get(&ctx.db, id)
        .await?
        .ok_or(Missing::Task)?;
    let mut one = views(ctx, vec![row]).await?;
    one.pop().ok_or_else(|| Missing::Task.into())
}

/// A task of the staff member's own (for anyone else it does not exist).
async fn own(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<TaskRow> {
    let task = db::inspection_tasks::get(&ctx.db, id)
        .await?
        .ok_or(Missing::Task)?;
    let own = db::inspection_tasks::inspectors(&ctx.db, &[id]).await?;
    if !own.iter().any(|(_, staff_id, _, _)| *staff_id == staff.id) {
        return Err(Missing::Task.into());
    }
    Ok(task)
}

/// One of the task's inspectors adds a photo of the visit (JPEG or PNG, while the task is not
/// closed): its contents go to the store under their SHA-256, so the same photo sent again —
/// a resend from the outbox — is kept once. On the record.
pub async fn add_photo(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    bytes: Vec<u8>,
) -> Result<InspectionTask> {
    ctx.access(staff).require(Act::Inspect)?;
    let task = own(ctx, staff, id).await?;
    let held = db::inspection_tasks::photos(&ctx.db, &[id]).await?.len();
    let kind = inspection_task::photo(&task.state, &bytes, held)?;
    let size = bytes.len() as i64;
    let sha = ctx.files.put(bytes).await?;
    let (now, _) = now_and_today();
    let mut tx = ctx.db.begin().await?;
    let photo = (sha.as_str(), kind.content_type(), size);
    if db::inspection_tasks::add_photo(&mut tx, id, photo, &staff.username, now).await? {
        let actor = Actor::Staff(staff);
        let subject = format!("inspection_task {id}");
        let after = json!({ "photo": sha, "size": size });
        let entry = Entry::by(
            &actor,
            "inspection_task.photo",
            &subject,
            json!(null),
            after,
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    tx.commit().await?;
    let row = db::inspection_tasks::get(&ctx.db, id)
        .await?
        .ok_or(Missing::Task)?;
    let mut one = views(ctx, vec![row]).await?;
    one.pop().ok_or_else(|| Missing::Task.into())
}

/// A visit's photo, for the task's inspectors and the administrators: (content type, bytes).
pub async fn photo(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    sha256: &str,
) -> Result<(String, Vec<u8>)> {
    let access = ctx.access(staff);
    if access.require(Act::PlanInspections).is_err() {
        access.require(Act::Inspect)?;
        own(ctx, staff, id).await?;
    }
    let content_type = db::inspection_tasks::photo(&ctx.db, id, sha256)
        .await?
        .ok_or(Missing::Task)?;
    Ok((content_type, ctx.files.get(sha256).await?))
}

/// A visit's result as the public reads it (一公开): the plan, the result with the day to
/// rectify by, and the re-check's result once made.
pub struct Published {
    pub plan_name: String,
    pub result: String,
    pub rectify_by: Option<String>,
    pub recorded_on: String,
    pub recheck_result: Option<String>,
    pub rechecked_on: Option<String>,
}

/// The published results about an enterprise (on its verify page), in the order visited.
pub async fn published_of(ctx: &Ctx, enterprise_id: i64) -> Result<Vec<Published>> {
    let rows = db::inspection_tasks::recorded(&ctx.db, None, Some(enterprise_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|t| {
            Some(Published {
                plan_name: t.plan_name,
                result: t.result?,
                rectify_by: t.rectify_by,
                recorded_on: t.recorded_on?,
                recheck_result: t.recheck_result,
                rechecked_on: t.rechecked_on,
            })
        })
        .collect())
}
