//! The dishonesty list's import.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde_json::{Value, json};

use crate::http::error::AppError;
use crate::http::extract::{Json, Staff};
use crate::service::{Ctx, credit};

/// An administrator imports the dishonesty list (CSV: `kind,value,name,source`, kind `uscc` or
/// `id_number`): it replaces the previous list as a whole; every code is checked first.
#[utoipa::path(post, path = "/api/staff/dishonesty-list", tag = "staff",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200), (status = 403), (status = 415), (status = 422)))]
pub async fn import(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Value>, AppError> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv"));
    let entries = credit::import(&ctx, &s.staff, csv.then_some(body.as_str())).await?;
    Ok(Json(json!({ "entries": entries })))
}
