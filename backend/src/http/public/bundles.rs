//! The public catalogue of bundles: the list, one bundle with everything it may involve and its
//! rules, and its one-time notice (guide) for a day of acceptance and the applicant's answers.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::BundleSummary;
use shared::catalogue::{BundleGuide, BundleView};
use shared::error::ErrorBody;
use shared::form::answers_from_query;

use crate::domain::error::{Error, Invalid, Missing};
use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Query};
use crate::service::Ctx;
use crate::service::catalogue::Document;

/// A published document, or 304 when the client has it already (`If-None-Match`). Clients
/// revalidate every time: a new catalogue is a new tag.
fn published(doc: &Document, headers: &HeaderMap) -> Response {
    let tag = HeaderValue::from_str(&doc.etag).ok();
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == doc.etag || t.trim() == "*");
    let mut res = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            doc.bytes.clone(),
        )
            .into_response()
    };
    let h = res.headers_mut();
    if let Some(tag) = tag {
        h.insert(header::ETAG, tag);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// Lists the bundles an applicant can choose from.
#[utoipa::path(get, path = "/api/bundles", tag = "catalogue",
    params(("If-None-Match" = Option<String>, Header, description = "The tag of the list the client has")),
    responses((status = 200, description = "The bundles", body = [BundleSummary]),
        (status = 304, description = "The client's copy is current")))]
pub async fn list(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    published(&ctx.published.bundles, &headers)
}

fn view<'a>(ctx: &'a Ctx, id: &str) -> Result<std::borrow::Cow<'a, BundleView>, AppError> {
    Ok(ctx.view(id).ok_or(Error::NotFound(Missing::Bundle))?)
}

/// One bundle: every item, field and material it may involve, and the rules that choose among
/// them (run `resolve` on the answers, as the browser does, or ask the guide). A themed
/// bundle's is served as published; an addition's (增项, `add.<item>.<item>…`: permits for a
/// business that holds its licence) is merged when asked.
#[utoipa::path(get, path = "/api/bundles/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Bundle id, e.g. `restaurant`"),
        ("If-None-Match" = Option<String>, Header, description = "The tag of the bundle the client has")),
    responses((status = 200, body = BundleView), (status = 304, description = "The client's copy is current"),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(doc) = ctx.published.views.get(&id) {
        return Ok(published(doc, &headers));
    }
    let addition = view(&ctx, &id)?.into_owned();
    Ok(Json(addition).into_response())
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
