//! The public catalogue of bundles: the list, one bundle with everything it may involve and its
//! rules, and its one-time notice (guide) for a day of acceptance and the applicant's answers.

use axum::extract::{Path, Query, State};
use shared::api::BundleSummary;
use shared::catalogue::{BundleGuide, BundleView};
use shared::error::ErrorBody;
use shared::form::{Answers, answers_from_query};

use crate::domain::error::{Error, Invalid, Missing};
use crate::http::error::AppError;
use crate::http::extract::Json;
use crate::service::Ctx;

/// Lists the bundles an applicant can choose from.
#[utoipa::path(get, path = "/api/bundles", tag = "catalogue",
    responses((status = 200, description = "The bundles", body = [BundleSummary])))]
pub async fn list(State(ctx): State<Ctx>) -> Json<Vec<BundleSummary>> {
    let c = &ctx.catalogue;
    let list = c
        .bundles
        .iter()
        .filter_map(|b| c.bundle_view(&b.id))
        .map(|v| {
            let cart = v.resolve(&Answers::new());
            let name = |id: &String| v.item(id).map(|i| i.name.clone());
            BundleSummary {
                item_names: v.bundle.items.iter().filter_map(name).collect(),
                addon_names: v
                    .bundle
                    .addons
                    .iter()
                    .filter_map(|a| name(&a.item))
                    .collect(),
                department_count: cart.departments.len(),
                promised_days: cart.promised_days,
                id: v.bundle.id,
                name: v.bundle.name,
                summary: v.bundle.summary,
            }
        })
        .collect();
    Json(list)
}

fn view(ctx: &Ctx, id: &str) -> Result<BundleView, AppError> {
    Ok(ctx
        .catalogue
        .bundle_view(id)
        .ok_or(Error::NotFound(Missing::Bundle))?)
}

/// One bundle: every item, field and material it may involve, and the rules that choose among
/// them (run `resolve` on the answers, as the browser does, or ask the guide).
#[utoipa::path(get, path = "/api/bundles/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Bundle id, e.g. `restaurant`")),
    responses((status = 200, body = BundleView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<BundleView>, AppError> {
    view(&ctx, &id).map(Json)
}

/// The one-time notice for one applicant: the items that apply to their answers, each item's
/// due date in working days if accepted on `accepted_on`, the bundle's (the latest: items run in
/// parallel), departments, merged materials and the reform figures.
#[utoipa::path(get, path = "/api/bundles/{id}/guide", tag = "catalogue",
    params(("id" = String, Path, description = "Bundle id"),
        ("accepted_on" = Option<String>, Query,
            description = "The day of acceptance, `YYYY-MM-DD`; today (Beijing) if absent"),
        ("answers" = Option<String>, Query, description = "Any other pair is an answer to the \
            bundle's questions, e.g. `plans.tobacco=true&premises.area=320&business.scope=bulk_food` \
            (a multiselect takes one pair per option)")),
    responses((status = 200, body = BundleGuide), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn guide(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    Query(mut pairs): Query<Vec<(String, String)>>,
) -> Result<Json<BundleGuide>, AppError> {
    let view = view(&ctx, &id)?;
    let accepted_on = pairs
        .iter()
        .position(|(k, _)| k == "accepted_on")
        .map(|n| pairs.remove(n).1);
    let accepted = match accepted_on.as_deref() {
        None => crate::domain::clock::county_date(crate::domain::clock::now_unix()),
        Some(s) => shared::date::parse_iso_date(s).ok_or(Error::Invalid(Invalid::AcceptedOn))?,
    };
    let answers = answers_from_query(|k| view.field(k), &pairs).map_err(Error::Answers)?;
    let cart = view.resolve(&answers);
    Ok(Json(view.guide(&cart, &ctx.calendar, accepted)))
}
