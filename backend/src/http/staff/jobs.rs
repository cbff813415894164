//! The background jobs, for the administrator: what is queued, running, done or given up (with
//! its error), and trying a given-up one again.

use axum::extract::State;
use shared::error::ErrorBody;
use shared::staff::JobView;

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Query, Staff};
use crate::service::{Ctx, jobs};

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct JobsQuery {
    /// `queued`, `running`, `done` or `failed`; every state if absent.
    state: Option<String>,
}

/// The newest background jobs (200 at most).
#[utoipa::path(get, path = "/api/staff/jobs", tag = "staff", params(JobsQuery),
    responses((status = 200, body = [JobView]), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Query(q): Query<JobsQuery>,
) -> Result<Json<Vec<JobView>>, AppError> {
    Ok(Json(jobs::list(&ctx, &s.staff, q.state.as_deref()).await?))
}

/// Tries a given-up job again, with fresh tries; on the record.
#[utoipa::path(post, path = "/api/staff/jobs/{id}/retry", tag = "staff",
    params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not given up")))]
pub async fn retry(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(jobs::retry(&ctx, &s.staff, id).await?))
}
