//! 增项 — a business that holds its licence applies for more permits (`domain::addition`): the
//! holder, by their application's private link, sees what the licence knows for the new form,
//! and files it; the filing is checked here before it joins the others.

use shared::api::HolderRef;
use shared::catalogue::{ADDITION_PREFIX, BundleView, REGISTRATION};
use shared::form::Answers;

use super::{Ctx, Result};
use crate::db;
use crate::domain::addition;
use crate::domain::error::{Conflict, Invalid, Missing};
use crate::domain::records::{Application, Enterprise};

/// An addition checked: the enterprise it is for and the answers with the known ones in place.
pub struct Checked {
    pub enterprise: Enterprise,
    pub answers: Answers,
    /// The registration's answers: how the holder chose to be told (the addition's form does
    /// not ask again).
    pub registered: Answers,
}

/// The holder's application and enterprise, by the private link; no licence yet is 409.
async fn holder(ctx: &Ctx, number: &str, token: Option<&str>) -> Result<(Application, Enterprise)> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    let enterprise = db::enterprises::of_application(&ctx.db, app.id)
        .await?
        .ok_or(Conflict::NoLicenceYet)?;
    Ok((app, enterprise))
}

/// What the licence knows for `view`'s form: the registration's answers, the licence's current
/// facts.
async fn known_for(
    ctx: &Ctx,
    view: &BundleView,
    enterprise: &Enterprise,
) -> Result<(Answers, Answers)> {
    let registering = db::applications::application_by_id(&ctx.db, enterprise.application_id)
        .await?
        .ok_or(Missing::Application)?;
    let fields = ctx
        .catalogue
        .item(REGISTRATION)
        .map(|i| i.fields.clone())
        .unwrap_or_default();
    let known = addition::known(view, &fields, &registering.answers, enterprise);
    Ok((known, registering.answers))
}

/// `GET /api/applications/{number}/known?bundle=add.…`: what the new form is filled in with.
pub async fn known(ctx: &Ctx, number: &str, token: Option<&str>, bundle: &str) -> Result<Answers> {
    let (_, enterprise) = holder(ctx, number, token).await?;
    let view = ctx
        .view(bundle)
        .filter(|_| bundle.starts_with(ADDITION_PREFIX))
        .ok_or(Invalid::Bundle)?;
    Ok(known_for(ctx, &view, &enterprise).await?.0)
}

/// A filing of `view` with `answers`: for an addition, its holder's enterprise — licence in
/// force, none of the items held — and the answers with what the licence knows; `None` for a
/// themed bundle (a holder named there is refused).
pub async fn check(
    ctx: &Ctx,
    view: &BundleView,
    holder_ref: Option<&HolderRef>,
    answers: &Answers,
    today: &str,
) -> Result<Option<Checked>> {
    let is_addition = view.bundle.id.starts_with(ADDITION_PREFIX);
    let h = match (is_addition, holder_ref) {
        (false, None) => return Ok(None),
        (true, Some(h)) => h,
        _ => return Err(Invalid::Holder.into()),
    };
    let (_, enterprise) = holder(ctx, &h.number, Some(&h.token)).await?;
    let permits = db::enterprises::permits_of(&ctx.db, enterprise.id).await?;
    addition::may_add(&view.bundle.items, &permits, today)?;
    let (known, registered) = known_for(ctx, view, &enterprise).await?;
    let answers = addition::with_known(answers, &known)?;
    Ok(Some(Checked {
        registered,
        enterprise,
        answers,
    }))
}

/// One item a holder may add: what it is, who decides it, its promised days; `held` if the
/// business holds it in force already (shown, not offered).
pub struct Choice {
    pub id: String,
    pub name: shared::Text,
    pub department: shared::Text,
    pub committed_days: f32,
    pub held: bool,
}

/// The choices of the holder behind `number`'s private link: every item of the catalogue but
/// the registration, each with whether the business holds it.
pub async fn choices(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
) -> Result<(Enterprise, Vec<Choice>)> {
    let (_, enterprise) = holder(ctx, number, token).await?;
    let permits = db::enterprises::permits_of(&ctx.db, enterprise.id).await?;
    let today = super::views::today_text();
    // A licence no longer in force adds nothing.
    addition::may_add(&[], &permits, &today)?;
    let c = &ctx.catalogue;
    let list = c
        .items
        .iter()
        .filter(|i| i.id != REGISTRATION)
        .map(|i| Choice {
            held: addition::may_add(std::slice::from_ref(&i.id), &permits, &today).is_err(),
            id: i.id.clone(),
            name: i.name.clone(),
            department: c
                .department(&i.department)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            committed_days: i.committed_days,
        })
        .collect();
    Ok((enterprise, list))
}
