//! Webhook subscriptions of the caller (a machine client, usually): subscribe, list (an
//! administrator: everyone's, the dead ones among them), end, send again. `service::webhooks`
//! decides and delivers.

use axum::extract::State;
use axum::http::StatusCode;
use shared::events::{CreatedWebhook, NewWebhook, Redeliver, Webhook};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, webhooks};

/// Subscribes an address to the caller's events: the subscription and its secret (shown
/// once). Each event goes as a CloudEvent, signed as Standard Webhooks says
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
#[utoipa::path(post, path = "/api/webhooks", tag = "clients", request_body = NewWebhook,
    responses((status = 201, body = CreatedWebhook), (status = 401), (status = 403),
        (status = 422, description = "Not a whole https:// address, or its host not among `--webhook-hosts`")))]
pub async fn subscribe(
    State(ctx): State<Ctx>,
    Staff(session): Staff,
    Json(req): Json<NewWebhook>,
) -> Result<(StatusCode, Json<CreatedWebhook>), AppError> {
    let created = webhooks::subscribe(&ctx, &session.staff, &req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's subscriptions (an administrator: everyone's), with how delivery stands.
#[utoipa::path(get, path = "/api/webhooks", tag = "clients",
    responses((status = 200, body = Vec<Webhook>), (status = 401), (status = 403)))]
pub async fn list(
    State(ctx): State<Ctx>,
    Staff(session): Staff,
) -> Result<Json<Vec<Webhook>>, AppError> {
    Ok(Json(webhooks::list(&ctx, &session.staff).await?))
}

/// Ends a subscription.
#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "clients",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)))]
pub async fn remove(
    State(ctx): State<Ctx>,
    Staff(session): Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    webhooks::remove(&ctx, &session.staff, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a subscription again: a dead one alive, from where it stopped or from `after`.
#[utoipa::path(post, path = "/api/webhooks/{id}/redeliver", tag = "clients",
    params(("id" = i64, Path)), request_body = Redeliver,
    responses((status = 200, body = Webhook), (status = 401), (status = 404),
        (status = 422, description = "Its host is no longer among `--webhook-hosts`")))]
pub async fn redeliver(
    State(ctx): State<Ctx>,
    Staff(session): Staff,
    Path(id): Path<i64>,
    Json(req): Json<Redeliver>,
) -> Result<Json<Webhook>, AppError> {
    Ok(Json(
        webhooks::redeliver(&ctx, &session.staff, id, &req).await?,
    ))
}
