//! The county's reform results, public: per bundle, promised and measured, live — as JSON and
//! as a small server-rendered page (no script). No application is named.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use shared::error::ErrorBody;
use shared::statistics::Statistics;

use super::page;
use crate::http::error::AppError;
use crate::http::extract::{Json, ReqLang};
use crate::http::report::pages;
use crate::service::{Ctx, statistics};

/// The county's figures of the last year of months: the tables without any list.
#[utoipa::path(get, path = "/api/results", tag = "statistics",
    responses((status = 200, body = Statistics), (status = 429, body = ErrorBody)))]
pub async fn get(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
) -> Result<Json<Statistics>, AppError> {
    Ok(Json(statistics::public(&ctx, lang).await?))
}

/// `GET /results`: the public results page.
#[utoipa::path(get, path = "/results", tag = "statistics",
    responses((status = 200, content_type = "text/html", body = String),
        (status = 429, body = ErrorBody)))]
pub async fn page(State(ctx): State<Ctx>, ReqLang(lang): ReqLang) -> Result<Response, AppError> {
    let s = statistics::public(&ctx, lang).await?;
    let promised = |id: &str| {
        ctx.view(id).map(|v| {
            v.figures(&v.resolve(&Default::default()))
                .days
                .average_cut_percent
        })
    };
    Ok(page::html(
        StatusCode::OK,
        pages::results(&s, &ctx.catalogue, &promised, lang),
    ))
}
