//! A plan as published (一公开): before its draw, the frozen lists and the commitment to the
//! seed; after it, the seed and the result — what anyone needs to recompute the draw.

use axum::extract::{Path, State};
use shared::error::ErrorBody;
use shared::supervision::InspectionPlan;

use crate::http::error::AppError;
use crate::http::extract::Json;
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
