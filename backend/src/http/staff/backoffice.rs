//! The one window and an application in the back office: the intake decision, the
//! application as the staff member may see it, its history, its archive, and owed materials
//! brought on paper. (The queues are the worklist's.)

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shared::error::ErrorBody;
use shared::staff::{
    HistoryEntry, IntakeRequest, MaterialReceived, OwedWithdrawn, StaffApplication,
};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, backoffice};

/// One application as this staff member may see it (the view is recorded in the audit log):
/// a reviewer gets their department's items and the answers and materials those use.
#[utoipa::path(get, path = "/api/staff/applications/{number}", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, body = StaffApplication), (status = 401), (status = 404)))]
pub async fn application(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
) -> Result<Json<StaffApplication>, AppError> {
    Ok(Json(
        backoffice::application(&ctx, &s.staff, &number).await?,
    ))
}

/// The one window's decision: accept (every item to its department at once, optionally with
/// secondary materials to come later), or one correction notice listing everything.
#[utoipa::path(post, path = "/api/staff/applications/{number}/intake", tag = "staff",
    params(("number" = String, Path)), request_body = IntakeRequest,
    responses((status = 200, body = StaffApplication), (status = 403), (status = 404),
        (status = 409, description = "Already decided"), (status = 412, description = "Stale version"),
        (status = 422)))]
pub async fn intake(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
    Json(req): Json<IntakeRequest>,
) -> Result<Json<StaffApplication>, AppError> {
    Ok(Json(
        backoffice::decide_intake(&ctx, &s.staff, &number, &req).await?,
    ))
}

/// An application's history, in words: for the window and administrators every entry; for a
/// reviewer those about their department's items and what concerns the whole application.
#[utoipa::path(get, path = "/api/staff/applications/{number}/history", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, body = [HistoryEntry]), (status = 401), (status = 404)))]
pub async fn history(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, AppError> {
    Ok(Json(backoffice::history(&ctx, &s.staff, &number).await?))
}

/// The application's archive (a zip: form, materials, decisions, audit excerpt, signed
/// manifest), once every item is decided — for the window and administrators (a reviewer:
/// 404; their share is what the application page shows them).
#[utoipa::path(get, path = "/api/staff/applications/{number}/archive", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, description = "The zip package"), (status = 404),
        (status = 409, description = "Not every item is decided yet")))]
pub async fn archive(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let (bytes, number) = backoffice::archive(&ctx, &s.staff, &number).await?;
    let disposition = format!("attachment; filename=\"archive-{number}.zip\"");
    let headers = [
        (header::CONTENT_TYPE, "application/zip".to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "private, no-store".to_string()),
    ];
    Ok((headers, bytes).into_response())
}

/// The window records an owed material (容缺) brought on paper: like an upload, it leaves the
/// owed list and the items waiting for it go on.
#[utoipa::path(post, path = "/api/staff/applications/{number}/received", tag = "staff",
    params(("number" = String, Path)), request_body = MaterialReceived,
    responses((status = 200, description = "What is still owed"), (status = 403), (status = 404),
        (status = 409, description = "Not owed")))]
pub async fn received(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
    Json(req): Json<MaterialReceived>,
) -> Result<Json<Value>, AppError> {
    let owed = backoffice::received_on_paper(&ctx, &s.staff, &number, &req.material).await?;
    Ok(Json(json!({ "material": req.material, "owed": owed })))
}

/// The window takes back a 容缺 choice made in error, while no item needing the material is
/// decided; the reason is on the record.
#[utoipa::path(post, path = "/api/staff/applications/{number}/owed-withdrawn", tag = "staff",
    params(("number" = String, Path)), request_body = OwedWithdrawn,
    responses((status = 200, description = "What is still owed"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not owed, or an item needing it is decided"),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody, description = "No reason")))]
pub async fn withdraw_owed(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
    Json(req): Json<OwedWithdrawn>,
) -> Result<Json<Value>, AppError> {
    let owed =
        backoffice::withdraw_owed(&ctx, &s.staff, &number, &req.material, &req.reason).await?;
    Ok(Json(json!({ "material": req.material, "owed": owed })))
}
