//! The public catalogue of bundles.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use shared::api::BundleSummary;
use shared::catalogue::{BundleGuide, BundleView};
use shared::error::ErrorBody;

use super::{Json, ReqLang, text};
use crate::AppState;
use crate::error::AppError;

/// Lists the bundles an applicant can choose from.
#[utoipa::path(get, path = "/api/bundles", tag = "catalogue",
    responses((status = 200, description = "The bundles", body = [BundleSummary])))]
pub async fn list(State(state): State<AppState>) -> Json<Vec<BundleSummary>> {
    let c = &state.catalogue;
    let list = c
        .bundles
        .iter()
        .filter_map(|b| c.bundle_view(&b.id))
        .map(|v| BundleSummary {
            id: v.bundle.id,
            name: v.bundle.name,
            summary: v.bundle.summary,
            item_names: v.items.into_iter().map(|i| i.name).collect(),
            department_count: v.departments.len(),
            promised_days: v.promised_days,
        })
        .collect();
    Json(list)
}

/// One bundle: its items, departments, merged materials and integrated form.
#[utoipa::path(get, path = "/api/bundles/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Bundle id, e.g. `restaurant`")),
    responses((status = 200, body = BundleView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Result<Json<BundleView>, AppError> {
    state.catalogue.bundle_view(&id).map(Json).ok_or_else(|| {
        AppError::client(
            StatusCode::NOT_FOUND,
            text(lang, "没有这个套餐", "No such bundle"),
        )
    })
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct GuideQuery {
    /// The day of acceptance, `YYYY-MM-DD`; today (Beijing) if absent.
    accepted_on: Option<String>,
}

/// The one-time notice's dates and figures: each item's due date in working days if accepted
/// on `accepted_on`, the bundle's (the latest: items run in parallel), and the reform figures.
#[utoipa::path(get, path = "/api/bundles/{id}/guide", tag = "catalogue",
    params(("id" = String, Path, description = "Bundle id"), GuideQuery),
    responses((status = 200, body = BundleGuide), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn guide(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    Query(query): Query<GuideQuery>,
) -> Result<Json<BundleGuide>, AppError> {
    let view = state.catalogue.bundle_view(&id).ok_or_else(|| {
        AppError::client(
            StatusCode::NOT_FOUND,
            text(lang, "没有这个套餐", "No such bundle"),
        )
    })?;
    let accepted = match query.accepted_on.as_deref() {
        None => crate::domain::clock::county_date(crate::domain::clock::now_unix()),
        Some(s) => shared::date::parse_iso_date(s).ok_or_else(|| {
            let message = text(
                lang,
                "请输入有效日期（年-月-日）",
                "Enter a real date (YYYY-MM-DD)",
            );
            AppError::Validation(ErrorBody::field("accepted_on", message))
        })?,
    };
    Ok(Json(view.guide(&state.calendar, accepted)))
}
