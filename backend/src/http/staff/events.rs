//! `GET /api/events`: the event feed (CloudEvents) for staff and machine clients, after a
//! position, waiting for the next event when asked to (long poll). `service::events` decides
//! what the caller sees.

use axum::extract::State;
use serde::Deserialize;
use shared::events::EventPage;

use crate::http::error::AppError;
use crate::http::extract::{Json, Query, Staff};
use crate::service::{Ctx, events};

/// Where to start and how to wait.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Feed {
    /// The position to go on after (`next` of the last page; 0 for the beginning).
    #[serde(default)]
    after: i64,
    /// At most this many events (1–500, default 100).
    #[serde(default = "hundred")]
    limit: i64,
    /// Seconds to wait for an event when there is none yet (0–25, default 0).
    #[serde(default)]
    wait: u64,
}

fn hundred() -> i64 {
    100
}

/// The events after `after` that the caller may see — its department's items and the
/// applications they belong to, for a reviewer or a machine client — oldest first.
#[utoipa::path(get, path = "/api/events", tag = "clients", params(Feed),
    responses((status = 200, body = EventPage), (status = 401), (status = 403)))]
pub async fn feed(
    State(ctx): State<Ctx>,
    Staff(session): Staff,
    Query(f): Query<Feed>,
) -> Result<Json<EventPage>, AppError> {
    let page = events::wait_for(&ctx, &session.staff, f.after, f.limit, f.wait).await?;
    Ok(Json(page))
}
