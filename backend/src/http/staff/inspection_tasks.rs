//! An inspector's tasks of drawn plans (双随机) and the result of a visit.

use axum::extract::State;
use shared::error::ErrorBody;
use shared::supervision::{InspectionFinding, InspectionTask};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
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

/// One of the task's inspectors adds a photo of the visit: the body is the JPEG or PNG itself
/// (1 MB at most: the desk scales photos down first). The same photo twice is kept once.
#[utoipa::path(post, path = "/api/staff/supervision/tasks/{id}/photos", tag = "supervision",
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = InspectionTask), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The task is closed"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_photo(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<InspectionTask>, AppError> {
    Ok(Json(
        inspection_tasks::add_photo(&ctx, &s.staff, id, body.to_vec()).await?,
    ))
}

/// A visit's photo, for the task's inspectors and the administrators.
#[utoipa::path(get, path = "/api/staff/supervision/tasks/{id}/photos/{sha256}", tag = "supervision",
    params(("id" = i64, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path((id, sha256)): Path<(i64, String)>,
) -> Result<axum::response::Response, AppError> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let (content_type, bytes) = inspection_tasks::photo(&ctx, &s.staff, id, &sha256).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    // The stored type is one this server wrote (image/jpeg or image/png).
    let kind = HeaderValue::from_str(&content_type).map_err(anyhow::Error::from)?;
    h.insert(header::CONTENT_TYPE, kind);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
