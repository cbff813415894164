//! The worklist (every staff role, each seeing what the access policy lets them), handing
//! items to reviewers, and each staff member's saved views.

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use shared::error::ErrorBody;
use shared::worklist::{Assign, Page, SavedView};

use crate::domain::worklist::Query as WorklistQuery;
use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Query, Staff};
use crate::service::{Ctx, worklist};

/// One page of the worklist: `kind` (`applications`, `items`), `q` (number, business name,
/// credit code, ID number), `state`, `department`, `bundle`, `due` (`overdue`, `today`,
/// `soon`), `filed_from`, `filed_to`, `assigned` (`mine`, `unassigned`), `sort` (`due`,
/// `filed`, `filed_desc`), `after` (the previous page's `next`), `limit` (≤ 100).
#[utoipa::path(get, path = "/api/staff/worklist", tag = "staff",
    params(("kind" = Option<String>, Query), ("q" = Option<String>, Query), ("state" = Option<String>, Query),
        ("department" = Option<String>, Query), ("bundle" = Option<String>, Query), ("due" = Option<String>, Query),
        ("filed_from" = Option<String>, Query), ("filed_to" = Option<String>, Query),
        ("assigned" = Option<String>, Query), ("sort" = Option<String>, Query),
        ("after" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A part of the query, by its name")))]
pub async fn page(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Page>, AppError> {
    let q = WorklistQuery::from_pairs(&pairs)?;
    Ok(Json(worklist::page(&ctx, &s.staff, &q).await?))
}

/// Hands items to a reviewer of their department (`to`), or releases them (`to` absent): a
/// reviewer takes an unassigned item or releases their own; an administrator hands any.
#[utoipa::path(post, path = "/api/staff/worklist/assign", tag = "staff", request_body = Assign,
    responses((status = 200), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody, description = "Someone took it meanwhile"),
        (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Json(req): Json<Assign>,
) -> Result<Json<Value>, AppError> {
    let n = worklist::assign(&ctx, &s.staff, &req).await?;
    Ok(Json(json!({ "assigned": n })))
}

/// This staff member's saved views.
#[utoipa::path(get, path = "/api/staff/views", tag = "staff",
    responses((status = 200, body = [SavedView]), (status = 401, body = ErrorBody)))]
pub async fn views(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
) -> Result<Json<Vec<SavedView>>, AppError> {
    Ok(Json(worklist::views_of(&ctx, &s.staff).await?))
}

/// Saves a view (a name and the worklist's query string), replacing one of the same name.
#[utoipa::path(post, path = "/api/staff/views", tag = "staff", request_body = SavedView,
    responses((status = 201, body = SavedView), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn save_view(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Json(v): Json<SavedView>,
) -> Result<(StatusCode, Json<SavedView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(worklist::save_view(&ctx, &s.staff, &v).await?),
    ))
}

/// Removes one of this staff member's views.
#[utoipa::path(delete, path = "/api/staff/views/{id}", tag = "staff", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_view(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    worklist::delete_view(&ctx, &s.staff, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
