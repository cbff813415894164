//! Filing an application, reading its status with the private token, answering what is asked.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{
    ApplicationCreated, ApplicationStatus, CreateApplication, IDEMPOTENCY_KEY, Reply,
};
use shared::error::ErrorBody;

use std::sync::Arc;

use crate::http::error::{AppError, Request};
use crate::http::extract::{Bearer, Json, MaybeStaff, Path, ReqLang};
use crate::http::metrics::Metrics;
use crate::service::{Ctx, applications};

/// Files an application for a bundle with one integrated form. Every item of the bundle
/// becomes a sub-application for its department, all in one transaction. A clerk's session
/// files it at the counter for a walk-in applicant.
#[utoipa::path(post, path = "/api/applications", tag = "applications",
    request_body = CreateApplication,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key and body replay the first answer. 16–255 visible ASCII characters (a random UUID); the server keeps only a hash of it and the first answer sealed with it")),
    responses(
        (status = 201, description = "Filed; keep the token", body = ApplicationCreated),
        (status = 400, description = "Malformed JSON, or a malformed Idempotency-Key", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid answers, per field", body = ErrorBody)))]
pub async fn create(
    State(ctx): State<Ctx>,
    State(metrics): State<Arc<Metrics>>,
    ReqLang(lang): ReqLang,
    MaybeStaff(session): MaybeStaff,
    headers: HeaderMap,
    Json(req): Json<CreateApplication>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let staff = session.as_ref().map(|s| &s.staff);
    let filed = applications::file(&ctx, &req, key.as_deref(), staff, lang).await?;
    // A replay answers as the first time did (201), marked as a replay.
    let mut res = (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        filed.body,
    )
        .into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(loc) = HeaderValue::from_str(&shared::api::application_path(&filed.number)) {
        h.insert(header::LOCATION, loc);
    }
    if filed.replayed {
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    } else {
        metrics.filed.inc();
    }
    Ok(res)
}

/// The `Idempotency-Key` header, if any: 16–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    if !crate::domain::idempotency::acceptable(key) {
        return Err(Request::IdempotencyKey.into());
    }
    Ok(Some(key.to_string()))
}

/// The status of an application and each of its items. Needs the application's token as a
/// bearer token; a wrong token and an unknown number get the same 404.
#[utoipa::path(get, path = "/api/applications/{number}", tag = "applications",
    params(("number" = String, Path, description = "e.g. `LB-20261128-0007`")),
    security(("status_token" = [])),
    responses(
        (status = 200, body = ApplicationStatus),
        (status = 401, description = "No bearer token", body = ErrorBody),
        (status = 404, description = "Unknown number or wrong token", body = ErrorBody)))]
pub async fn status(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    token: Bearer,
) -> Result<Response, AppError> {
    let status = applications::status(&ctx, &number, token.as_deref()).await?;
    let mut res = Json(status).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The applicant answers the correction notice (the application goes back to the one window)
/// or an item's supplement request (the item's clock runs again).
#[utoipa::path(post, path = "/api/applications/{number}/reply", tag = "applications",
    params(("number" = String, Path)), request_body = Reply, security(("status_token" = [])),
    responses((status = 200, body = ApplicationStatus), (status = 401), (status = 404),
        (status = 409, description = "Nothing to answer"), (status = 422)))]
pub async fn reply(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    token: Bearer,
    Json(req): Json<Reply>,
) -> Result<Json<ApplicationStatus>, AppError> {
    Ok(Json(
        applications::reply(&ctx, &number, token.as_deref(), &req).await?,
    ))
}

/// 问效于企: the applicant rates the service (1–5, a comment) once every item is decided; a
/// second rating replaces the first.
#[utoipa::path(post, path = "/api/applications/{number}/rating", tag = "applications",
    params(("number" = String, Path)), request_body = shared::statistics::RatingRequest,
    security(("status_token" = [])),
    responses((status = 204), (status = 401), (status = 404),
        (status = 409, description = "Not every item is decided yet"), (status = 422)))]
pub async fn rate(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    token: Bearer,
    Json(req): Json<shared::statistics::RatingRequest>,
) -> Result<StatusCode, AppError> {
    crate::service::statistics::rate(&ctx, &number, token.as_deref(), &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RatingForm {
    /// The application's private token.
    token: String,
    score: String,
    #[serde(default)]
    comment: String,
}

/// The rating sent by the status page's plain form (`application/x-www-form-urlencoded`):
/// rated, back to the status page (303); refused, a page saying why with the way back.
#[utoipa::path(post, path = "/status/{number}/rating", tag = "applications",
    params(("number" = String, Path)),
    request_body(content = RatingForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Rated: back to the status page"),
        (status = 401, content_type = "text/html", body = String),
        (status = 404, content_type = "text/html", body = String),
        (status = 409, content_type = "text/html", body = String),
        (status = 422, content_type = "text/html", body = String)))]
pub async fn rate_form(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(number): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let form: Option<RatingForm> = serde_urlencoded::from_bytes(&body).ok();
    let token = form.as_ref().map(|f| f.token.as_str());
    let req = shared::statistics::RatingRequest {
        score: form
            .as_ref()
            .and_then(|f| f.score.parse().ok())
            .unwrap_or(0),
        comment: form.as_ref().map(|f| f.comment.clone()).unwrap_or_default(),
    };
    let back = shared::api::status_page(&number, token.unwrap_or(""));
    match crate::service::statistics::rate(&ctx, &number, token, &req).await {
        Ok(()) => Ok(axum::response::Redirect::to(&back).into_response()),
        Err(e) => {
            let e = AppError::from(e);
            let Some((status, message)) = e.in_words(lang) else {
                return Err(e);
            };
            let page = crate::http::report::pages::refused_rating(&message, &back, lang);
            Ok(crate::http::public::page::html(status, page))
        }
    }
}

/// Whether this browser is the counter's: a clerk's session files forms for walk-in
/// applicants, and the form then keeps nothing in the browser's storage. Anyone may ask.
#[utoipa::path(get, path = "/api/counter", tag = "applications",
    responses((status = 200, body = shared::api::Counter)))]
pub async fn counter(MaybeStaff(session): MaybeStaff) -> Json<shared::api::Counter> {
    Json(shared::api::Counter {
        counter: applications::at_counter(session.as_ref().map(|s| &s.staff)),
    })
}
