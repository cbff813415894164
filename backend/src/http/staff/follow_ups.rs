//! Follow-ups of approvals by commitment (告知承诺事后核查): the department's list and the
//! finding of one.

use axum::extract::State;
use shared::error::ErrorBody;
use shared::supervision::{FollowUp, FollowUpFinding};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, follow_ups};

/// The follow-ups the staff member sees (a reviewer their department's): open ones first,
/// soonest due first, overdue ones with their working days late.
#[utoipa::path(get, path = "/api/staff/follow-ups", tag = "supervision",
    responses((status = 200, body = [FollowUp]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<FollowUp>>, AppError> {
    Ok(Json(follow_ups::list(&ctx, &s.staff).await?))
}

/// Records what the follow-up found, once: a false commitment revokes the permit and writes
/// a credit record that bars approval by commitment.
#[utoipa::path(post, path = "/api/staff/follow-ups/{id}", tag = "supervision",
    params(("id" = i64, Path)), request_body = FollowUpFinding,
    responses((status = 200, body = FollowUp), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Found already"),
        (status = 422, body = ErrorBody)))]
pub async fn record(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<FollowUpFinding>,
) -> Result<Json<FollowUp>, AppError> {
    Ok(Json(follow_ups::record(&ctx, &s.staff, id, &req).await?))
}
