//! Inspection plans (双随机), for the administrator: make one (its lists frozen and its seed
//! committed to, published at once), draw it (the seed revealed), list them.

use axum::extract::State;
use shared::catalogue::InspectionItem;
use shared::error::ErrorBody;
use shared::supervision::{
    DeclaredConflict, InspectionPlan, NewConflict, NewInspectionPlan, SupervisedObject,
};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, supervision};

/// Every plan as published, newest first.
#[utoipa::path(get, path = "/api/staff/supervision/plans", tag = "supervision",
    responses((status = 200, body = [InspectionPlan]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<InspectionPlan>>, AppError> {
    Ok(Json(supervision::plans(&ctx, &s.staff).await?))
}

/// Makes a plan: the objects and inspectors databases frozen, a secret seed committed to;
/// both published at once. On the record.
#[utoipa::path(post, path = "/api/staff/supervision/plans", tag = "supervision",
    request_body = NewInspectionPlan,
    responses((status = 201, body = InspectionPlan), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Json(req): Json<NewInspectionPlan>,
) -> Result<(axum::http::StatusCode, Json<InspectionPlan>), AppError> {
    let plan = supervision::create(&ctx, &s.staff, &req).await?;
    Ok((axum::http::StatusCode::CREATED, Json(plan)))
}

/// Draws the plan, once: reveals the seed, records the objects and inspectors drawn.
#[utoipa::path(post, path = "/api/staff/supervision/plans/{id}/draw", tag = "supervision",
    params(("id" = i64, Path)),
    responses((status = 200, body = InspectionPlan), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Drawn already")))]
pub async fn draw(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
) -> Result<Json<InspectionPlan>, AppError> {
    Ok(Json(supervision::draw(&ctx, &s.staff, id).await?))
}

/// The inspection objects database: every enterprise holding a valid permit, its risk class
/// (and the rule that gave it) and its credit records.
#[utoipa::path(get, path = "/api/staff/supervision/objects", tag = "supervision",
    responses((status = 200, body = [SupervisedObject]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn objects(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<SupervisedObject>>, AppError> {
    Ok(Json(supervision::objects(&ctx, &s.staff).await?))
}

/// The list of inspection items (随机抽查事项清单): per permit type what is checked, its legal
/// basis, key or general, and the checklist.
#[utoipa::path(get, path = "/api/staff/supervision/items", tag = "supervision",
    responses((status = 200, body = [InspectionItem]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn items(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<InspectionItem>>, AppError> {
    Ok(Json(supervision::items(&ctx, &s.staff)?))
}

/// The conflicts of interest the bureau recorded (inspector ↔ enterprise), newest first.
#[utoipa::path(get, path = "/api/staff/supervision/conflicts", tag = "supervision",
    responses((status = 200, body = [DeclaredConflict]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn conflicts(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<DeclaredConflict>>, AppError> {
    Ok(Json(supervision::declared(&ctx, &s.staff).await?))
}

/// Records a relation between an inspector and an enterprise: from the next plan on, the
/// inspector is never drawn for it. On the record; answers every recorded relation.
#[utoipa::path(post, path = "/api/staff/supervision/conflicts", tag = "supervision",
    request_body = NewConflict,
    responses((status = 200, body = [DeclaredConflict]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn declare(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Json(req): Json<NewConflict>,
) -> Result<Json<Vec<DeclaredConflict>>, AppError> {
    Ok(Json(
        supervision::declare_conflict(&ctx, &s.staff, &req).await?,
    ))
}
