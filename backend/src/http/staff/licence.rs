//! The licence's permits and facts, changed by the departments that own them.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};
use shared::staff::{LicenceChange, PermitStateRequest};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, documents, licence};

/// A department changes the state of one of its own permits: suspend, revoke or cancel (a
/// reason required), reinstate a suspended one. The public page shows it at once.
#[utoipa::path(post, path = "/api/staff/permits/{id}/state", tag = "staff",
    params(("id" = i64, Path)), request_body = PermitStateRequest,
    responses((status = 200), (status = 403), (status = 404),
        (status = 409, description = "Not from the permit's state"), (status = 422)))]
pub async fn permit_state(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<PermitStateRequest>,
) -> Result<Json<Value>, AppError> {
    let (id, state) = licence::set_permit_state(&ctx, &s.staff, id, &req).await?;
    Ok(Json(json!({ "id": id, "state": state })))
}

/// A change event recorded by the registration authority at the counter: the name, legal
/// representative or address changes on the licence and on every permit together.
#[utoipa::path(post, path = "/api/staff/enterprises/{uscc}/changes", tag = "staff",
    params(("uscc" = String, Path)), request_body = LicenceChange,
    responses((status = 200), (status = 403), (status = 404), (status = 422)))]
pub async fn change(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(uscc): Path<String>,
    Json(req): Json<LicenceChange>,
) -> Result<Json<Value>, AppError> {
    let (e, value) = licence::record_change(&ctx, &s.staff, &uscc, &req).await?;
    Ok(Json(
        json!({ "uscc": e.uscc, "field": req.field, "value": value }),
    ))
}

/// A permit's electronic certificate, for the window to print for the holder (or a reviewer of
/// the issuing department): the sealed PDF the holder downloads.
#[utoipa::path(get, path = "/api/staff/permits/{id}/certificate", tag = "staff",
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed certificate"),
        (status = 401), (status = 403), (status = 404),
        (status = 409, description = "The permit is not in force")))]
pub async fn certificate(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let d = documents::staff_certificate(&ctx, &s.staff, id).await?;
    Ok(crate::http::download::pdf(&d.title, d.bytes)?)
}

/// One of an application's sealed documents (as the applicant downloads them), for the window
/// to print, the administrator, or a reviewer of one of its departments.
#[utoipa::path(get, path = "/api/staff/applications/{number}/documents/{document}", tag = "staff",
    params(("number" = String, Path), ("document" = String, Path, description = "`acceptance`, `correction`, `refusal-<item>` or `certificate-<permit id>`")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed document"),
        (status = 401), (status = 403), (status = 404)))]
pub async fn document(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path((number, document)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = documents::staff_document(&ctx, &s.staff, &number, &document).await?;
    Ok(crate::http::download::pdf(&d.title, d.bytes)?)
}

/// The window records a decision collected on paper (出件窗口, 送达): a permit's certificate
/// or a refusal, once each; the days since the decision are counted.
#[utoipa::path(post, path = "/api/staff/applications/{number}/deliveries", tag = "staff",
    params(("number" = String, Path)), request_body = shared::api::ReceiptRequest,
    responses((status = 200, body = shared::staff::StaffApplication), (status = 401), (status = 403),
        (status = 404, description = "No such application, or no such decision of it"),
        (status = 409, description = "Delivered already")))]
pub async fn delivered(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(number): Path<String>,
    Json(req): Json<shared::api::ReceiptRequest>,
) -> Result<Json<shared::staff::StaffApplication>, AppError> {
    Ok(Json(
        crate::service::delivery::collected(&ctx, &s.staff, &number, &req).await?,
    ))
}
