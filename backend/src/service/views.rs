//! What each reader is shown: records turned into the shared DTOs — the applicant's status
//! page (never the staff's internal notes), an application as one staff member may see it (the
//! access policy decides every part), an item, a permit, a holder request, a file.

use shared::Text;
use shared::api::{ApplicationStatus, Asked, Exchange, LicenceRef, MaterialRef, SubApplication};
use shared::files::{PART_BYTES, StoredFile};
use shared::holder::{FiledRequest, HolderPermit};
use shared::records::{IntakeNotice, IntakeStatus};
use shared::staff::{StaffApplication, StaffItem, StaffMaterial, StaffPermit};
use shared::status::{OverallStatus, SubStatus};

use super::{Ctx, Result};
use crate::db;
use crate::domain::access::Access;
use crate::domain::clock::{county_date, due_on, now_unix, rfc3339};
use crate::domain::next_steps;
use crate::domain::records::{
    Application, Enterprise, HolderRequest, Item, Owner, RequestKind, Upload,
};
use crate::domain::uploads::application_materials;

/// Today in the county, `YYYY-MM-DD`.
pub fn today_text() -> String {
    shared::date::format_iso_date(county_date(now_unix()))
}

/// An item's due date, `YYYY-MM-DD` (see `clock::due_on`).
pub fn due(ctx: &Ctx, item: &Item) -> Option<String> {
    let limit = ctx.catalogue.item(&item.item)?.limit_working_days();
    due_on(item, limit, &ctx.calendar).map(shared::date::format_iso_date)
}

/// An item's due date once `change` is made (kept with the item, for the worklist's order).
pub fn due_after(ctx: &Ctx, item: &Item, change: &crate::domain::review::Change) -> Option<String> {
    let changed = Item {
        status: change.status,
        paused_since: change.paused_since,
        paused_days: change.paused_days,
        ..item.clone()
    };
    due(ctx, &changed)
}

/// What `item`'s row keeps once `change` is made today: its due date and, if decided now, its
/// measure (see `domain::review::kept`).
pub fn kept(
    ctx: &Ctx,
    item: &Item,
    change: &crate::domain::review::Change,
) -> crate::domain::review::Kept {
    let limit = ctx
        .catalogue
        .item(&item.item)
        .map_or(0, |i| i.limit_working_days());
    let today = crate::domain::clock::county_date(crate::domain::clock::now_unix());
    crate::domain::review::kept(
        item,
        change,
        due_after(ctx, item, change),
        limit,
        &ctx.calendar,
        today,
    )
}

/// An item as staff see it; `decision`: whether they may see what its department recorded.
pub fn staff_item(ctx: &Ctx, item: &Item, decision: bool) -> StaffItem {
    StaffItem {
        id: item.id,
        application: item.number.clone(),
        name: ctx
            .catalogue
            .item(&item.item)
            .map(|i| i.name.clone())
            .unwrap_or_default(),
        item: item.item.clone(),
        department: item.department.clone(),
        status: item.status,
        version: item.version,
        due_on: due(ctx, item),
        inspection: item.inspection_id,
        decision: decision.then(|| item.decision.clone()),
        numbered: ctx.catalogue.numbering(&item.item).is_some(),
    }
}

pub fn stored(u: &Upload) -> StoredFile {
    StoredFile {
        id: u.id.clone(),
        material: u.material.clone(),
        name: u.name.clone(),
        size: u.size,
        received: u.received,
        complete: u.complete,
        content_type: u.content_type.clone(),
        sha256: u.sha256.clone(),
        part_bytes: PART_BYTES,
    }
}

fn material_refs(ctx: &Ctx, ids: &[String]) -> Vec<MaterialRef> {
    ids.iter()
        .filter_map(|id| ctx.catalogue.material(id))
        .map(|m| MaterialRef {
            id: m.id.clone(),
            name: m.name.clone(),
        })
        .collect()
}

fn licence_ref(ctx: &Ctx, e: &Enterprise) -> LicenceRef {
    LicenceRef {
        verify_url: ctx.verify_url(&e.verify_token),
        uscc: e.uscc.clone(),
    }
}

/// A holder request; `e`: the enterprise, named for staff.
pub fn filed_request(r: HolderRequest, e: Option<&Enterprise>) -> FiledRequest {
    let request = match r.kind {
        RequestKind::Change => shared::holder::HolderRequest::Change {
            field: r.target.clone(),
            value: r.after,
            reason: r.reason,
        },
        RequestKind::Cancel => shared::holder::HolderRequest::Cancel {
            permit: r.permit_id.unwrap_or_default(),
            reason: r.reason,
        },
    };
    FiledRequest {
        id: r.id,
        request,
        before: r.before,
        state: r.state,
        note: r.note,
        filed_at: rfc3339(r.filed_at),
        uscc: e.map(|e| e.uscc.clone()).unwrap_or_default(),
        enterprise: e.map(|e| e.name.clone()).unwrap_or_default(),
    }
}

/// What a notice or a request asks of `app`'s applicant: the named fields as the form defines
/// them with the answers so far, the named materials.
fn asked(ctx: &Ctx, app: &Application, fields: &[String], materials: &[String]) -> Asked {
    let view = ctx.view(&app.bundle);
    Asked {
        fields: fields
            .iter()
            .filter_map(|k| view.as_ref()?.field(k).cloned())
            .collect(),
        answers: app
            .answers
            .iter()
            .filter(|(k, _)| fields.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        materials: material_refs(ctx, materials),
    }
}

/// The notices, requests and replies of `app`, oldest first, from its history: what the
/// applicant was asked and what they answered, changed and sent. Who asked is named by the
/// office (the window, a department), never by the staff member.
pub async fn exchanges(ctx: &Ctx, app: &Application, items: &[Item]) -> Result<Vec<Exchange>> {
    let entries = super::history::entries(ctx, app, items, None).await?;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(v.clone()).unwrap_or_default()
    };
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let a = &e.after;
            let department = |subject: &str| {
                let id: i64 = subject.strip_prefix("item ")?.parse().ok()?;
                let item = items.iter().find(|i| i.id == id)?;
                ctx.catalogue
                    .department(&item.department)
                    .map(|d| d.name.clone())
            };
            let by = match e.action.as_str() {
                "intake.correction_requested" => Text::new("综合窗口", "Intake window"),
                "review.request_supplement" => department(&e.subject).unwrap_or_default(),
                _ => Text::new("申请人", "Applicant"),
            };
            let (kind, said, materials) = match e.action.as_str() {
                "intake.correction_requested" => (
                    "correction",
                    text(&a["notice"]["correction"]),
                    ids(&a["notice"]["materials"]),
                ),
                "review.request_supplement" => (
                    "supplement",
                    text(&a["decision"]["supplement_request"]),
                    ids(&a["decision"]["insufficient_materials"]),
                ),
                "reply.correction" | "reply.supplement" => {
                    ("reply", text(&a["reply"]), ids(&a["sent"]))
                }
                _ => return None,
            };
            Some(Exchange {
                at: e.at,
                kind: kind.into(),
                by,
                item: e.about,
                text: said,
                changes: serde_json::from_value(a["changes"].clone()).unwrap_or_default(),
                materials: material_refs(ctx, &materials),
            })
        })
        .collect())
}

/// One item as the applicant sees it: its state and what is asked of them or decided —
/// never a credit check or a follow-up date.
fn sub_application(ctx: &Ctx, app: &Application, r: &Item) -> SubApplication {
    let c = &ctx.catalogue;
    let d = &r.decision;
    let when = |status: SubStatus| r.status == status;
    SubApplication {
        name: c.item(&r.item).map(|i| i.name.clone()).unwrap_or_default(),
        department_name: c
            .department(&r.department)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        status: r.status,
        updated_at: rfc3339(r.updated_at),
        due_on: due(ctx, r),
        supplement_request: d
            .supplement_request
            .clone()
            .filter(|_| when(SubStatus::SupplementRequested)),
        insufficient: if when(SubStatus::SupplementRequested) {
            material_refs(ctx, &d.insufficient_materials)
        } else {
            Vec::new()
        },
        asked: when(SubStatus::SupplementRequested)
            .then(|| asked(ctx, app, &d.supplement_fields, &d.insufficient_materials)),
        inspection_on: d
            .inspection_on
            .clone()
            .filter(|_| when(SubStatus::InspectionScheduled)),
        pause: d.pauses.last().cloned().filter(|_| when(SubStatus::Paused)),
        certificate: d.certificate.clone(),
        valid_until: d.valid_until.clone(),
        reason: d.reason.clone(),
        item: r.item.clone(),
        department: r.department.clone(),
    }
}

/// The applicant's status page: each item, what the window told them, and once registered the
/// enterprise's permits and what the holder has applied for since.
pub async fn status(ctx: &Ctx, app: Application) -> Result<ApplicationStatus> {
    let c = &ctx.catalogue;
    let rows = db::items::of_application(&ctx.db, app.id).await?;
    let items: Vec<SubApplication> = rows.iter().map(|r| sub_application(ctx, &app, r)).collect();
    let exchanges = exchanges(ctx, &app, &rows).await?;
    let statuses: Vec<SubStatus> = items.iter().map(|i| i.status).collect();
    let enterprise = db::enterprises::of_application(&ctx.db, app.id).await?;
    let (mut permits, mut requests, mut records) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(e) = &enterprise {
        let today = today_text();
        records = db::enterprises::permits_of(&ctx.db, e.id).await?;
        for p in records.iter().cloned() {
            permits.push(HolderPermit {
                state: p.state_on(&today),
                name: c.item(&p.item).map(|i| i.name.clone()).unwrap_or_default(),
                id: p.id,
                item: p.item,
                certificate: p.certificate,
                valid_until: p.valid_until,
            });
        }
        requests = db::holder_requests::of_enterprise(&ctx.db, e.id)
            .await?
            .into_iter()
            .map(|r| filed_request(r, None))
            .collect();
    }
    let correcting = app.intake == IntakeStatus::CorrectionRequested;
    let asked = correcting.then(|| asked(ctx, &app, &app.notice.fields, &app.notice.materials));
    let documents = document_links(ctx, &app, &rows, &records, &today_text()).await?;
    let IntakeNotice {
        correction,
        missing_materials,
        bring_by,
        ..
    } = app.notice;
    let missing_materials = material_refs(ctx, &missing_materials);
    let next_steps = next_steps::joined(&next_steps::Standing {
        intake: app.intake,
        items: &items,
        owed: &missing_materials,
        bring_by: bring_by.as_deref(),
        today: &today_text(),
        window: c.window.as_ref(),
    });
    Ok(ApplicationStatus {
        next_steps,
        documents,
        asked,
        exchanges,
        bundle_name: c.bundle_name(&app.bundle).unwrap_or_default(),
        submitted_at: rfc3339(app.submitted_at),
        status: if correcting {
            OverallStatus::ActionNeeded
        } else {
            OverallStatus::derive(&statuses)
        },
        correction: correction.filter(|_| correcting),
        missing_materials,
        bring_by,
        licence: enterprise.as_ref().map(|e| licence_ref(ctx, e)),
        permits,
        requests,
        intake: app.intake,
        number: app.number,
        rating: db::statistics::rating(&ctx.db, app.id)
            .await?
            .and_then(|(score, _)| u8::try_from(score).ok()),
        bundle: app.bundle,
        items,
    })
}

/// The materials of `app` with at least one finished file.
pub async fn uploaded_materials(ctx: &Ctx, app: &Application) -> Result<Vec<String>> {
    let files = db::materials::uploads_of(&ctx.db, &Owner::Application(app.id)).await?;
    let mut ids: Vec<String> = files
        .into_iter()
        .filter(|f| f.complete)
        .map(|f| f.material)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The application's materials that `access` lets its staff member see, each with its
/// finished files.
pub async fn staff_materials(
    ctx: &Ctx,
    access: &Access<'_>,
    app: &Application,
) -> Result<Vec<StaffMaterial>> {
    let files = db::materials::uploads_of(&ctx.db, &Owner::Application(app.id)).await?;
    let materials = ctx
        .view(&app.bundle)
        .map(|v| application_materials(&v, &app.answers))
        .unwrap_or_default();
    Ok(materials
        .iter()
        .filter(|m| access.material(&materials, &m.material.id))
        .map(|m| StaffMaterial {
            owed: app.notice.missing_materials.contains(&m.material.id),
            may_follow: m.material.may_be_missing,
            paper: app.notice.paper_materials.contains(&m.material.id),
            files: files
                .iter()
                .filter(|f| f.complete && f.material == m.material.id)
                .map(stored)
                .collect(),
            id: m.material.id.clone(),
            name: m.material.name.clone(),
            needed_by: m.needed_by.clone(),
        })
        .collect())
}

/// An application as one staff member may see it: their items with their decisions, the
/// answers and materials those items use, the items that could join an inspection (without
/// other departments' decisions), the licence and its permits.
pub async fn staff_application(
    ctx: &Ctx,
    access: &Access<'_>,
    app: Application,
    all: Vec<Item>,
) -> Result<StaffApplication> {
    let c = &ctx.catalogue;
    let inspectable = all
        .iter()
        .filter(|r| r.status == SubStatus::Accepted)
        .filter(|r| c.item(&r.item).is_some_and(|i| i.onsite_inspection))
        .map(|r| staff_item(ctx, r, false))
        .collect();
    let enterprise = db::enterprises::of_application(&ctx.db, app.id).await?;
    let (mut permits, mut records) = (Vec::new(), Vec::new());
    if let Some(e) = &enterprise {
        let today = today_text();
        records = db::enterprises::permits_of(&ctx.db, e.id).await?;
        for p in records.iter().cloned() {
            permits.push(StaffPermit {
                state: p.state_on(&today),
                id: p.id,
                item: p.item,
                department: p.department,
                certificate: p.certificate,
                valid_until: p.valid_until,
                reason: p.reason,
            });
        }
    }
    let filed = db::materials::archive(&ctx.db, app.id).await?.is_some();
    let documents = document_links(ctx, &app, &all, &records, &today_text()).await?;
    Ok(StaffApplication {
        notifications: super::notifications::of_application(ctx, app.id).await?,
        documents,
        inspectable,
        licence: enterprise.as_ref().map(|e| licence_ref(ctx, e)),
        permits,
        materials: staff_materials(ctx, access, &app).await?,
        archived: filed && access.archive(),
        bundle_name: c.bundle_name(&app.bundle).unwrap_or_default(),
        answers: access.answers(&all, app.answers),
        items: all
            .iter()
            .filter(|r| access.item(&r.department))
            .map(|r| staff_item(ctx, r, true))
            .collect(),
        number: app.number,
        bundle: app.bundle,
        intake: app.intake,
        version: app.version,
        submitted_at: rfc3339(app.submitted_at),
        filed_by: app.filed_by,
        notice: Some(app.notice),
    })
}

/// The documents an application has now, each with its delivery (送达).
async fn document_links(
    ctx: &Ctx,
    app: &Application,
    items: &[Item],
    permits: &[crate::domain::records::Permit],
    today: &str,
) -> Result<Vec<shared::api::DocumentLink>> {
    let delivered = db::deliveries::of_application(&ctx.db, app.id).await?;
    let deliverable = crate::domain::delivery::deliverable(items, permits, today);
    let titled = crate::domain::documents::titled(&ctx.catalogue, app, items, permits, today);
    Ok(titled
        .into_iter()
        .map(|(path, title)| {
            let done = delivered.iter().find(|d| d.document == path);
            let open = deliverable.iter().any(|d| d.document.path() == path);
            shared::api::DocumentLink {
                receipt: open && done.is_none(),
                delivered_on: done.map(|d| d.delivered_on.clone()),
                delivered_way: done.map(|d| d.way.clone()),
                path,
                title,
            }
        })
        .collect())
}
