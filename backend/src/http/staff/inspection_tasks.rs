//! An inspector's tasks of drawn plans (双随机) and the result of a visit.

use axum::extract::{Path, State};
use shared::error::ErrorBody;
use shared::supervision::{InspectionFinding, InspectionTask};

use crate::http::error::AppError;
use crate::http::extract::{Json, Staff};
use crate::service::{Ctx, inspection_tasks};

/// The staff member's inspection tasks: open ones first, each with its enterprise, its
/// fellow inspectors and the checklists of the plan's items.
#[utoipa::path(get, path = "/api/staff/supervision/tasks", tag = "supervision",
    responses((status = 200, body = [InspectionTask]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<InspectionTask>>, AppError> {
    Ok(Json(inspection_tasks::mine(&ctx, &s.staff).await?))
}

/// Records a visit's result, once, by one of its inspectors: published at once on the plan's
/// page and the enterprise's verify page; a failure goes on the credit record.
#[utoipa::path(post, path = "/api/staff/supervision/tasks/{id}", tag = "supervision",
    params(("id" = i64, Path)), request_body = InspectionFinding,
    responses((status = 200, body = InspectionTask), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Recorded already"),
        (status = 422, body = ErrorBody)))]
pub async fn record(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<InspectionFinding>,
) -> Result<Json<InspectionTask>, AppError> {
    Ok(Json(
        inspection_tasks::record(&ctx, &s.staff, id, &req).await?,
    ))
}
