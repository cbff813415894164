//! The applicant's use cases: file an application (one integrated form, split into one item per
//! department, all in one transaction, safe to retry), open it with the private token, answer
//! what the window or a department asked.

use serde_json::json;
use shared::Lang;
use shared::api::{ApplicationStatus, CreateApplication, Reply};
use shared::records::IntakeStatus;
use shared::status::SubStatus;
use validator::Validate;

use super::filings::{Filed, Pending, replay};
use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::db::applications::NewApplication;
use crate::db::audit::{self, Entry};
use crate::db::idempotency;
use crate::domain::application::{day_code, hash_token, new_token, sha256_hex};
use crate::domain::error::{Conflict, Error, Invalid, Missing};
use crate::domain::idempotency as idempotency_rule;
use crate::domain::records::{Actor, StaffMember};
use crate::domain::{correction, intake};
use shared::staff::Role;

/// Files an application. Every item the rules choose becomes an item for its department. A
/// clerk's session (`staff`) files it at the counter for a walk-in applicant. With `key`, a
/// retry of the same request gets the first answer again; another request with the key is
/// refused.
pub async fn file(
    ctx: &Ctx,
    req: &CreateApplication,
    key: Option<&str>,
    staff: Option<&StaffMember>,
    lang: Lang,
) -> Result<Filed> {
    let (now, today) = now_and_today();
    let request_hash = sha256_hex(&serde_json::to_vec(req).map_err(anyhow::Error::from)?);
    if let Some(key) = key
        && let Some(stored) =
            idempotency::find(&ctx.db, &idempotency_rule::lookup(key), now).await?
    {
        return replay(stored, key, &request_hash);
    }
    req.validate().map_err(|_| Invalid::Bundle)?;
    let view = ctx.view(&req.bundle).ok_or(Invalid::Bundle)?;
    // A permit added later (增项): for the holder's enterprise, with what its licence knows.
    let today_text = shared::date::format_iso_date(today);
    let addition =
        super::additions::check(ctx, &view, req.holder.as_ref(), &req.answers, &today_text).await?;
    let submitted = addition.as_ref().map_or(&req.answers, |a| &a.answers);
    // The rules decide the items and the fields asked; hidden answers are dropped.
    let (cart, answers) = view
        .check_answers(submitted, today)
        .map_err(Error::Answers)?;
    // A new business's name is free in the county (名称查重); an addition keeps its own.
    if addition.is_none()
        && cart
            .items
            .iter()
            .any(|i| i == shared::catalogue::REGISTRATION)
    {
        super::names::check(ctx, &answers).await?;
    }
    if let Some(d) = &req.draft {
        let owned = db::materials::draft(&ctx.db, &d.id)
            .await?
            .filter(|row| row.token_hash == hash_token(&d.token) && row.bundle == view.bundle.id);
        owned.ok_or(Invalid::Draft)?;
    }
    let token = new_token();
    let answers_json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let clerk = staff.filter(|s| at_counter(Some(s)));
    let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let business_name = text("business.name").to_string();
    let (actor, action) = match clerk {
        Some(clerk) => (Actor::Staff(clerk), "application.file_at_counter"),
        None => (Actor::Applicant, "application.filed"),
    };
    let (actor, role) = actor.names();
    let pending = Pending {
        grams: crate::domain::worklist::grams(&business_name),
        new: NewApplication {
            legal_rep_id: text("legal_rep.id_number").to_uppercase(),
            notify_link: Some(super::notifications::seal_link(ctx, &token)),
            enterprise_id: addition.as_ref().map(|a| a.enterprise.id),
            business_name,
            filed_by: clerk.map(|c| c.username.clone()),
            day: day_code(today),
            token_hash: hash_token(&token),
            bundle: view.bundle.id.clone(),
            answers: answers_json,
            lang: if lang == Lang::Zh { "zh" } else { "en" },
            now,
            items: cart
                .items
                .iter()
                .filter_map(|id| view.item(id))
                .map(|i| (i.id.clone(), i.department.clone()))
                .collect(),
        },
        token,
        draft: req.draft.as_ref().map(|d| d.id.clone()),
        // On the record: filed online by the applicant, or at the counter by the clerk.
        actor: actor.to_string(),
        role: role.to_string(),
        action,
        after: json!({ "bundle": view.bundle.id, "items": cart.items,
            "enterprise": addition.as_ref().map(|a| &a.enterprise.uscc) }),
        key: key.map(|k| (k.to_string(), request_hash)),
    };
    // Written together with the filings that arrive meanwhile, answered after the commit.
    let filed = ctx
        .filings
        .submit(pending)
        .await
        .ok_or_else(|| anyhow::anyhow!("the filing's group failed"))??;
    tracing::info!(number = %filed.number, bundle = %view.bundle.id, "application filed");
    Ok(filed)
}

/// Is a form filed with this session filed at the counter — by the one window's clerk, for a
/// walk-in applicant? (Then the browser keeps nothing of it: `GET /api/counter`.)
pub fn at_counter(staff: Option<&StaffMember>) -> bool {
    staff.is_some_and(|s| s.role == Role::Clerk)
}

/// The applicant's status page.
pub async fn status(ctx: &Ctx, number: &str, token: Option<&str>) -> Result<ApplicationStatus> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    views::status(ctx, app).await
}

/// The applicant answers the correction notice (the application goes back to the one window)
/// or an item's supplement request (the item's clock runs again).
pub async fn reply(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
    req: &Reply,
) -> Result<ApplicationStatus> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    let message = intake::reply_text(&req.message)?;
    let (now, today) = now_and_today();
    let view = ctx
        .view(&app.bundle)
        .ok_or_else(|| anyhow::anyhow!("bundle {} left the catalogue", app.bundle))?;
    let items = db::items::of_application(&ctx.db, app.id).await?;
    // What the notice or the request asks: its fields, its materials, since when.
    let row = match req.item.as_deref() {
        None if app.intake == IntakeStatus::CorrectionRequested => None,
        None => return Err(Conflict::NothingToAnswer.into()),
        Some(item) => Some(
            items
                .iter()
                .find(|r| r.item == item && r.status == SubStatus::SupplementRequested)
                .ok_or(Conflict::NothingToAnswer)?,
        ),
    };
    let (fields, materials, asked_at) = match row {
        None => (
            &app.notice.fields,
            &app.notice.materials,
            app.notice.asked_at,
        ),
        Some(r) => (
            &r.decision.supplement_fields,
            &r.decision.insufficient_materials,
            r.decision.asked_at,
        ),
    };
    let asked = correction::Asked { fields, materials };
    // A request from before requests named their time asks for no new file.
    let sent = match asked_at {
        Some(at) => db::materials::finished_since(&ctx.db, app.id, at).await?,
        None => materials.clone(),
    };
    let (answers, changes) =
        correction::reply(&view, &app.answers, asked, &req.answers, &sent, today)?;
    let sent: Vec<&String> = materials.iter().filter(|m| sent.contains(m)).collect();
    let subject = app.subject();
    let mut tx = ctx.db.begin().await?;
    if !changes.is_empty() {
        let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).unwrap_or("");
        let json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
        let legal_rep_id = text("legal_rep.id_number").to_uppercase();
        let name = text("business.name");
        if !db::applications::set_answers(&mut tx, &app, &json, name, &legal_rep_id).await? {
            return Err(crate::domain::Error::Stale.into());
        }
        db::worklist::forget_grams(&mut tx, app.id).await?;
        db::worklist::keep_grams(&mut tx, app.id, &crate::domain::worklist::grams(name)).await?;
    }
    let entry = match row {
        None => {
            let notice = intake::answer_correction(&app, message)?;
            if !db::applications::set_intake(&mut tx, &app, IntakeStatus::Submitted, &notice)
                .await?
            {
                return Err(Conflict::NothingToAnswer.into());
            }
            Entry::by(
                &Actor::Applicant,
                "reply.correction",
                &subject,
                json!({ "intake": app.intake.as_str() }),
                json!({ "intake": "submitted", "reply": message, "changes": changes,
                    "sent": sent }),
            )
        }
        Some(row) => {
            let change =
                crate::domain::review::supplied_by_applicant(row, message, &ctx.calendar, today)?;
            if !db::items::change(&mut tx, row, &change, &views::kept(ctx, row, &change), now)
                .await?
            {
                return Err(Conflict::NothingToAnswer.into());
            }
            Entry::by(
                &Actor::Applicant,
                "reply.supplement",
                &subject,
                json!({ "item": row.item, "status": row.status.as_str() }),
                json!({ "status": "accepted", "reply": message, "changes": changes,
                    "sent": sent }),
            )
        }
    };
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let app = db::applications::application(&ctx.db, number)
        .await?
        .ok_or(Missing::Application)?;
    views::status(ctx, app).await
}
