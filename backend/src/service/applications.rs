//! The applicant's use cases: file an application (one integrated form, split into one item per
//! department, all in one transaction, safe to retry), open it with the private token, answer
//! what the window or a department asked.

use serde_json::json;
use shared::Lang;
use shared::api::{ApplicationCreated, ApplicationStatus, CreateApplication, Reply};
use shared::records::IntakeStatus;
use shared::status::SubStatus;
use validator::Validate;

use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::db::applications::NewApplication;
use crate::db::audit::{self, Entry};
use crate::db::idempotency::{self, Stored};
use crate::db::is_unique_violation;
use crate::domain::application::{day_code, hash_token, is_number, new_token, sha256_hex};
use crate::domain::error::{Conflict, Credential, Error, Invalid, Missing};
use crate::domain::idempotency as idempotency_rule;
use crate::domain::records::{Actor, Application, StaffMember};
use crate::domain::{correction, intake};
use shared::staff::Role;

/// A filing's answer: the body of the 201, its number, and whether it replays an earlier one
/// (a retry with the same `Idempotency-Key`).
pub struct Filed {
    pub body: String,
    pub number: String,
    pub replayed: bool,
}

/// The first answer to `key` again, opened with the key (the database keeps it sealed).
fn replay(stored: Stored, key: &str, request_hash: &str) -> Result<Filed> {
    if stored.request_hash != request_hash {
        return Err(Conflict::IdempotencyKeyReused.into());
    }
    let body = idempotency_rule::open(key, &stored.body)
        .ok_or_else(|| anyhow::anyhow!("a kept answer does not open with its key"))?;
    let created: ApplicationCreated = serde_json::from_str(&body).map_err(anyhow::Error::from)?;
    Ok(Filed {
        body,
        number: created.number,
        replayed: true,
    })
}

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
    let view = ctx
        .catalogue
        .bundle_view(&req.bundle)
        .ok_or(Invalid::Bundle)?;
    // The rules decide the items and the fields asked; hidden answers are dropped.
    let (cart, answers) = view
        .check_answers(&req.answers, today)
        .map_err(Error::Answers)?;
    if let Some(d) = &req.draft {
        let owned = db::materials::draft(&ctx.db, &d.id)
            .await?
            .filter(|row| row.token_hash == hash_token(&d.token) && row.bundle == view.bundle.id);
        owned.ok_or(Invalid::Draft)?;
    }
    let token = new_token();
    let token_hash = hash_token(&token);
    let answers_json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let day = day_code(today);
    let clerk = staff.filter(|s| s.role == Role::Clerk);
    let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let legal_rep_id = text("legal_rep.id_number").to_uppercase();
    let new = NewApplication {
        business_name: text("business.name"),
        legal_rep_id: &legal_rep_id,
        filed_by: clerk.map(|c| c.username.as_str()),
        day: &day,
        token_hash: &token_hash,
        bundle: &view.bundle.id,
        answers: &answers_json,
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        now,
        items: cart
            .items
            .iter()
            .filter_map(|id| view.item(id))
            .map(|i| (i.id.as_str(), i.department.as_str()))
            .collect(),
    };

    let mut tx = ctx.db.begin().await?;
    let (id, number) = db::applications::insert(&mut tx, &new).await?;
    db::worklist::keep_grams(
        &mut tx,
        id,
        &crate::domain::worklist::grams(new.business_name),
    )
    .await?;
    // The draft's files go with the application (its token proved the draft is the sender's).
    if let Some(d) = &req.draft
        && !db::materials::submit_draft(&mut tx, &d.id, id, now).await?
    {
        return Err(Conflict::DraftSubmitted.into());
    }
    // On the record: filed online by the applicant, or at the counter by the clerk.
    let subject = format!("application {number}");
    let (actor, action) = match clerk {
        Some(clerk) => (Actor::Staff(clerk), "application.file_at_counter"),
        None => (Actor::Applicant, "application.filed"),
    };
    let after = json!({ "bundle": view.bundle.id, "items": cart.items });
    let entry = Entry::by(&actor, action, &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    let created = ApplicationCreated { number, token };
    let body = serde_json::to_string(&created).map_err(anyhow::Error::from)?;
    if let Some(key) = key {
        let stored = Stored {
            request_hash: request_hash.clone(),
            status: 201,
            body: idempotency_rule::seal(key, &body),
        };
        let lookup = idempotency_rule::lookup(key);
        if !remember(&mut tx, &lookup, &stored, now).await? {
            // A concurrent request with the same key won: undo ours, answer with theirs.
            drop(tx);
            let theirs = idempotency::find(&ctx.db, &lookup, now)
                .await?
                .ok_or_else(|| anyhow::anyhow!("idempotency key vanished after a conflict"))?;
            return replay(theirs, key, &request_hash);
        }
    }
    tx.commit().await?;
    tracing::info!(number = %created.number, bundle = %view.bundle.id, "application filed");
    Ok(Filed {
        body,
        number: created.number,
        replayed: false,
    })
}

/// Keeps the first answer under `key`, in the filing's transaction (so it commits with what it
/// answers for); `false` if a concurrent request with the same key holds it already.
async fn remember(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    stored: &Stored,
    now: i64,
) -> Result<bool> {
    match idempotency::record(tx, key, stored, now).await {
        Err(e) if is_unique_violation(&e) => Ok(false),
        other => Ok(other.map(|()| true)?),
    }
}

/// The application behind `number` if `token` is its status token: none is 401; a wrong
/// token and an unknown number are the same 404, at the same cost.
pub async fn authorised(ctx: &Ctx, number: &str, token: Option<&str>) -> Result<Application> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(Error::Unauthenticated(Credential::StatusToken))?;
    // Hash first, whatever the number: an unknown number and a wrong token cost the same.
    let presented = hash_token(token);
    if !is_number(number) {
        return Err(Missing::Application.into());
    }
    db::applications::application(&ctx.db, number)
        .await?
        .filter(|a| a.token_hash == presented)
        .ok_or_else(|| Missing::Application.into())
}

/// The applicant's status page.
pub async fn status(ctx: &Ctx, number: &str, token: Option<&str>) -> Result<ApplicationStatus> {
    let app = authorised(ctx, number, token).await?;
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
    let app = authorised(ctx, number, token).await?;
    let message = intake::reply_text(&req.message)?;
    let (now, today) = now_and_today();
    let view = ctx
        .catalogue
        .bundle_view(&app.bundle)
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
            if !db::items::change(
                &mut tx,
                row,
                &change,
                views::due_after(ctx, row, &change).as_deref(),
                now,
            )
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
