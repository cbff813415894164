//! 名称查重 as the applicant types: `GET /api/names?name=…` (rate-limited like the public pages).

use axum::extract::State;
use shared::api::NameCheck;

use crate::http::error::AppError;
use crate::http::extract::{Json, Query, ReqLang};
use crate::service::{Ctx, names};

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct NameQuery {
    /// The business name as typed.
    name: String,
}

/// Whether a business name is free in the county: taken by an enterprise whose licence is not
/// cancelled, or by a registration still being decided. Filing checks it again.
#[utoipa::path(get, path = "/api/names", tag = "applications", params(NameQuery),
    responses((status = 200, body = NameCheck), (status = 429, description = "Too many from this client")))]
pub async fn check(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Query(q): Query<NameQuery>,
) -> Result<Json<NameCheck>, AppError> {
    let taken = names::taken(&ctx, &q.name, None).await?;
    Ok(Json(NameCheck {
        taken: taken.map(|t| t.as_str().to_string()),
        message: taken.map(|t| t.problem().message(lang)),
    }))
}
