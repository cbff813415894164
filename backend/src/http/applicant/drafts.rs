//! Drafts saved on the server: a form to go on with on any device, by its private link.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::files::{Draft, DraftRef, NewDraft, SaveDraft};

use crate::http::error::AppError;
use crate::http::extract::{Bearer, Json, Path};
use crate::service::{Ctx, materials};

/// Saves a new, empty draft of a bundle; its link (id and token) resumes it anywhere.
#[utoipa::path(post, path = "/api/drafts", tag = "applications", request_body = NewDraft,
    responses((status = 201, body = DraftRef), (status = 422)))]
pub async fn create(
    State(ctx): State<Ctx>,
    Json(req): Json<NewDraft>,
) -> Result<(StatusCode, Json<DraftRef>), AppError> {
    let draft = materials::create_draft(&ctx, &req.bundle).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "applications",
    params(("id" = String, Path)), security(("status_token" = [])),
    responses((status = 200, body = Draft), (status = 404)))]
pub async fn get(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    token: Bearer,
) -> Result<Response, AppError> {
    let mut res = Json(materials::draft(&ctx, &id, token.as_deref()).await?).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Saves the answers as they are (a draft is not checked: the submission is). Only the bundle's
/// own fields are kept.
#[utoipa::path(put, path = "/api/drafts/{id}", tag = "applications",
    params(("id" = String, Path)), request_body = SaveDraft, security(("status_token" = [])),
    responses((status = 200, body = Draft), (status = 404), (status = 409)))]
pub async fn save(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    token: Bearer,
    Json(req): Json<SaveDraft>,
) -> Result<Json<Draft>, AppError> {
    let draft = materials::save_draft(&ctx, &id, token.as_deref(), req.answers).await?;
    Ok(Json(draft))
}

/// The QR code (SVG) of the link that resumes the draft on any device — scanned with a phone
/// to go on there. The draft's token in the `Authorization` header, never in an address.
#[utoipa::path(get, path = "/api/drafts/{id}/qr.svg", tag = "applications",
    params(("id" = String, Path)), security(("status_token" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404)))]
pub async fn qr(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    token: Bearer,
) -> Result<Response, AppError> {
    let link = materials::resume_link(&ctx, &id, token.as_deref()).await?;
    let svg = crate::qr::svg(&crate::qr::code(&link)?, 180);
    let mut res = svg.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
