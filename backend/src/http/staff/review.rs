//! A department's review actions on its items, and joint inspections.

use axum::extract::State;
use serde_json::{Value, json};
use shared::staff::{
    InspectionResult, JointInspectionRequest, ReviewRequest, StaffApplication, StaffItem,
};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, review};

/// A reviewer acts on one item of their department: the state machine decides what is allowed
/// (409 otherwise); a stale version changes nothing (412).
#[utoipa::path(post, path = "/api/staff/items/{id}/review", tag = "staff",
    params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = StaffItem), (status = 403), (status = 404),
        (status = 409, description = "Not possible in the item's state"),
        (status = 412, description = "Stale version"), (status = 422)))]
pub async fn act(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<ReviewRequest>,
) -> Result<Json<StaffItem>, AppError> {
    Ok(Json(review::act(&ctx, &s.staff, id, &req).await?))
}

/// A joint inspection (单改综): one visit for several items of one application that need an
/// on-site check, scheduled by a reviewer of one of them; every item's clock stops.
#[utoipa::path(post, path = "/api/staff/applications/{number}/inspections", tag = "staff",
    params(("number" = String, Path)), request_body = JointInspectionRequest,
    responses((status = 200, body = StaffApplication), (status = 403), (status = 404), (status = 409),
        (status = 412), (status = 422)))]
pub async fn joint_inspection(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
    Json(req): Json<JointInspectionRequest>,
) -> Result<Json<StaffApplication>, AppError> {
    Ok(Json(
        review::joint_inspection(&ctx, &s.staff, &number, &req).await?,
    ))
}

/// Records a joint inspection once, for every item in it; any reviewer of one of them may.
#[utoipa::path(post, path = "/api/staff/inspections/{id}/record", tag = "staff",
    params(("id" = i64, Path)), request_body = InspectionResult,
    responses((status = 200), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn record_inspection(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<InspectionResult>,
) -> Result<Json<Value>, AppError> {
    let id = review::record_inspection(&ctx, &s.staff, id, &req.result).await?;
    Ok(Json(json!({ "recorded": id })))
}
