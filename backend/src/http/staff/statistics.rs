//! The bureau's statistics: as JSON, as exports (one table as CSV, every table as XLSX) and
//! as the dashboard — a server-rendered page with SVG charts, filters and a print view.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use shared::error::ErrorBody;
use shared::statistics::{Statistics, StatisticsQuery};

use crate::http::error::{AppError, Request};
use crate::http::extract::{Json, MaybeStaff, Query, ReqLang, Staff};
use crate::http::public::page;
use crate::http::report::{export, pages};
use crate::service::{Ctx, statistics};

/// Everything measured in a period (by acceptance day; a year of months by default), for one
/// department or bundle or all: the tables, the distribution against the promise, the overdue
/// list, refusals with reasons, ratings.
#[utoipa::path(get, path = "/api/staff/statistics", tag = "statistics",
    params(StatisticsQuery),
    responses((status = 200, body = Statistics), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    ReqLang(lang): ReqLang,
    Query(q): Query<StatisticsQuery>,
) -> Result<Json<Statistics>, AppError> {
    Ok(Json(
        statistics::statistics(&ctx, &s.staff, &q, lang).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `csv` (one table) or `xlsx` (every table, a sheet each).
    format: String,
    /// For CSV: `items`, `departments`, `bundles`, `months`, `overdue` or `refusals`.
    table: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    query: StatisticsQuery,
}

/// The same tables as a file; the export is on the record.
#[utoipa::path(get, path = "/api/staff/statistics/export", tag = "statistics",
    params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = ErrorBody, description = "An unknown format or table"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    ReqLang(lang): ReqLang,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let table = q.table.as_deref().unwrap_or("");
    let (bytes, kind, name) = match q.format.as_str() {
        "csv" if crate::http::report::TABLES.contains(&table) => {
            let st = statistics::export(&ctx, &s.staff, &q.query, table, lang).await?;
            let csv = export::csv(&st, table, &ctx.catalogue, lang).ok_or(Request::BadQuery)?;
            (
                csv,
                "text/csv; charset=utf-8",
                format!("lianban-{table}-{}.csv", st.today),
            )
        }
        "xlsx" => {
            let st = statistics::export(&ctx, &s.staff, &q.query, "all", lang).await?;
            let book = export::xlsx(&st, &ctx.catalogue, lang).map_err(anyhow::Error::from)?;
            (
                book,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("lianban-statistics-{}.xlsx", st.today),
            )
        }
        _ => return Err(Request::BadQuery.into()),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// `1`: the print view (no filters, no links).
    print: Option<String>,
    #[serde(flatten)]
    #[param(inline)]
    query: StatisticsQuery,
}

/// `GET /staff/statistics`: the dashboard. Without a session, to the login; a role that may
/// not see it, or a filter that is not valid, gets a page saying so.
#[utoipa::path(get, path = "/staff/statistics", tag = "statistics",
    params(PageQuery),
    responses((status = 200, content_type = "text/html", body = String),
        (status = 303, description = "Not logged in: to the login"),
        (status = 403, content_type = "text/html", body = String),
        (status = 422, content_type = "text/html", body = String)))]
pub async fn dashboard(
    State(ctx): State<Ctx>,
    MaybeStaff(session): MaybeStaff,
    ReqLang(lang): ReqLang,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let Some(s) = session else {
        return Ok(Redirect::to("/staff").into_response());
    };
    match statistics::statistics(&ctx, &s.staff, &q.query, lang).await {
        Ok(st) => {
            let print = q.print.as_deref() == Some("1");
            Ok(page::html(
                StatusCode::OK,
                pages::dashboard(&st, &ctx.catalogue, lang, print),
            ))
        }
        Err(e) => {
            let e = AppError::from(e);
            match e.in_words(lang) {
                Some((status, message)) => Ok(page::html(status, pages::refused(&message, lang))),
                None => Err(e),
            }
        }
    }
}
