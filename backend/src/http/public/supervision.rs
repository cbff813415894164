//! A plan as published (一公开): before its draw, the frozen lists and the commitment to the
//! seed; after it, the seed and the result — what anyone needs to recompute the draw.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use shared::error::ErrorBody;
use shared::supervision::InspectionPlan;

use super::{page, plan_page};
use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Query, ReqLang};
use crate::service::{Ctx, supervision};

/// One plan as published.
#[utoipa::path(get, path = "/api/supervision/plans/{id}", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, body = InspectionPlan), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn plan(
    State(ctx): State<Ctx>,
    Path(id): Path<i64>,
) -> Result<Json<InspectionPlan>, AppError> {
    Ok(Json(supervision::public(&ctx, id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The page of drawn enterprises, from 1 (100 a page).
    page: Option<usize>,
}

/// `GET /supervision/plans/{id}`: the plan's public page (一公开), server-rendered.
#[utoipa::path(get, path = "/supervision/plans/{id}", tag = "supervision",
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, content_type = "text/html", body = String,
            description = "The plan: its commitment, then its seed and the drawn enterprises"),
        (status = 404, content_type = "text/html", body = String, description = "No such plan"),
        (status = 429, body = ErrorBody)))]
pub async fn page(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    match supervision::public(&ctx, id).await {
        Ok(plan) => {
            let body = plan_page::plan(&plan, &ctx.catalogue, q.page.unwrap_or(1), lang);
            Ok(page::html(StatusCode::OK, body))
        }
        Err(crate::service::Error::Refused(crate::domain::Error::NotFound(_))) => Ok(page::html(
            StatusCode::NOT_FOUND,
            plan_page::not_found(lang),
        )),
        Err(e) => Err(e.into()),
    }
}
