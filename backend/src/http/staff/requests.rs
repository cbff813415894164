//! Holder requests in the back office: the department's queue and its decision.

use axum::extract::State;
use shared::holder::{FiledRequest, RequestDecision};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, holder};

/// A department's pending holder requests, oldest first.
#[utoipa::path(get, path = "/api/staff/requests", tag = "staff",
    responses((status = 200, body = Vec<FiledRequest>), (status = 401), (status = 403)))]
pub async fn queue(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<FiledRequest>>, AppError> {
    Ok(Json(holder::queue(&ctx, &s.staff).await?))
}

/// The department decides a holder request: approving a change updates the licence and every
/// permit; approving a cancellation cancels the permit. A refusal needs its reason. Decided
/// once: a second decision gets 409.
#[utoipa::path(post, path = "/api/staff/requests/{id}", tag = "staff",
    params(("id" = i64, Path)), request_body = RequestDecision,
    responses((status = 200, body = FiledRequest), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn decide(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<RequestDecision>,
) -> Result<Json<FiledRequest>, AppError> {
    Ok(Json(holder::decide(&ctx, &s.staff, id, &req).await?))
}
