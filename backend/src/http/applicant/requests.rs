//! The licence holder's requests: a change of the licence or the cancellation of a permit.

use axum::extract::State;
use axum::http::StatusCode;
use shared::holder::{FiledRequest, HolderRequest};

use crate::http::error::AppError;
use crate::http::extract::{Bearer, Json, Path};
use crate::service::{Ctx, holder};

/// The holder applies for a change of the licence or the cancellation of a permit, with the
/// private link of the application that registered the enterprise. One pending request per
/// fact or permit.
#[utoipa::path(post, path = "/api/applications/{number}/requests", tag = "applications",
    params(("number" = String, Path)), request_body = HolderRequest, security(("status_token" = [])),
    responses((status = 201, body = FiledRequest), (status = 401), (status = 404),
        (status = 409, description = "No licence yet, or the same request is pending"),
        (status = 422)))]
pub async fn file(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    token: Bearer,
    Json(req): Json<HolderRequest>,
) -> Result<(StatusCode, Json<FiledRequest>), AppError> {
    let filed = holder::file(&ctx, &number, token.as_deref(), &req).await?;
    Ok((StatusCode::CREATED, Json(filed)))
}
