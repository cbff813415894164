//! Files uploaded once in parts, for a draft (`/api/drafts/{id}/files…`, `APP = false`) or an
//! application (`/api/applications/{number}/files…`, `APP = true`): announced, sent part by
//! part with `Upload-Offset` (resumable: `GET` says where to go on), checked when whole.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::files::{NewUpload, StoredFile, UPLOAD_OFFSET};

use crate::http::error::{AppError, Request};
use crate::http::extract::{Bearer, Json, Path};
use crate::service::Ctx;
use crate::service::materials::{self, Sent};

/// Announces a file: checked against the material list, the number of files per material and
/// the size limits before a byte is sent.
#[utoipa::path(post, path = "/api/drafts/{id}/files", tag = "applications",
    params(("id" = String, Path)), request_body = NewUpload, security(("status_token" = [])),
    responses((status = 201, body = StoredFile), (status = 404), (status = 422)))]
pub async fn announce<const APP: bool>(
    State(ctx): State<Ctx>,
    Path(key): Path<String>,
    token: Bearer,
    Json(req): Json<NewUpload>,
) -> Result<(StatusCode, Json<StoredFile>), AppError> {
    let owner = materials::owner(&ctx, APP, &key, token.as_deref()).await?;
    let stored = materials::announce(&ctx, &owner, &req).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Where an upload stands: the next part starts at `received`.
#[utoipa::path(get, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path)), security(("status_token" = [])),
    responses((status = 200, body = StoredFile), (status = 404)))]
pub async fn state<const APP: bool>(
    State(ctx): State<Ctx>,
    Path((key, id)): Path<(String, String)>,
    token: Bearer,
) -> Result<Json<StoredFile>, AppError> {
    let owner = materials::owner(&ctx, APP, &key, token.as_deref()).await?;
    Ok(Json(materials::upload_state(&ctx, &owner, &id).await?))
}

/// A part's 409, as documented: the upload's state to go on from, or a refusal.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PartConflict {
    Elsewhere(StoredFile),
    Refused(shared::error::ErrorBody),
}

/// One part at `Upload-Offset`. A part that is not where the upload stands changes nothing
/// (409 with the upload's state, to go on from there). The first part must show a PDF, JPEG or
/// PNG; the last one completes the file, which is checked whole and stored under its SHA-256.
/// A rejected file is removed with everything that arrived of it.
#[utoipa::path(patch, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path), ("Upload-Offset" = u64, Header)),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    security(("status_token" = [])),
    responses((status = 200, body = StoredFile), (status = 404),
        (status = 409, description = "Not where the upload stands: go on from `received` (the upload's state); or the draft was submitted, the application archived (an `ErrorBody`)", body = PartConflict),
        (status = 422, description = "Rejected; nothing of it is kept")))]
pub async fn part<const APP: bool>(
    State(ctx): State<Ctx>,
    Path((key, id)): Path<(String, String)>,
    token: Bearer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let owner = materials::owner(&ctx, APP, &key, token.as_deref()).await?;
    let offset: u64 = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(Request::UploadOffset)?;
    Ok(
        match materials::part(&ctx, &owner, &id, offset, &body).await? {
            Sent::Kept(stored) => Json(stored).into_response(),
            Sent::Elsewhere(stored) => (StatusCode::CONFLICT, Json(stored)).into_response(),
        },
    )
}

/// Cancels an upload or removes a file (before the draft is submitted; an application's file
/// stays with it).
#[utoipa::path(delete, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path)), security(("status_token" = [])),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn discard<const APP: bool>(
    State(ctx): State<Ctx>,
    Path((key, id)): Path<(String, String)>,
    token: Bearer,
) -> Result<StatusCode, AppError> {
    let owner = materials::owner(&ctx, APP, &key, token.as_deref()).await?;
    materials::discard(&ctx, &owner, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
