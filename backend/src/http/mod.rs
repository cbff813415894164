//! The HTTP layer: routes, extractors and the JSON body type. Handlers extract, validate, call
//! the domain or `db`, and map to a DTO — nothing else.

pub mod applications;
pub mod bundles;
pub mod changes;
pub mod limits;
pub mod materials;
pub mod openapi;
pub mod review;
pub mod staff;
pub mod verify;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Lang;

use crate::AppState;
use crate::error::AppError;

/// The API's routes (the static frontend is added in `crate::app`).
pub fn routes(state: &AppState) -> Router<AppState> {
    let limited = axum::middleware::from_fn_with_state(state.clone(), limits::limit_submissions);
    let drafts = axum::middleware::from_fn_with_state(state.clone(), limits::limit_submissions);
    let logins = axum::middleware::from_fn_with_state(state.clone(), limits::limit_logins);
    let public = || axum::middleware::from_fn_with_state(state.clone(), limits::limit_public_pages);
    Router::new()
        .route(shared::api::BUNDLES, get(bundles::list))
        .route("/api/bundles/{id}", get(bundles::get))
        .route("/api/bundles/{id}/guide", get(bundles::guide))
        .route(
            shared::api::APPLICATIONS,
            post(applications::create).route_layer(limited.clone()),
        )
        .route("/api/applications/{number}", get(applications::status))
        .route(
            "/api/applications/{number}/reply",
            post(applications::reply),
        )
        .route(
            "/api/applications/{number}/requests",
            post(changes::file).route_layer(limited),
        )
        .route(
            "/api/drafts",
            post(materials::create_draft).route_layer(drafts),
        )
        .route(
            "/api/drafts/{id}",
            get(materials::get_draft).put(materials::save_draft),
        )
        .route("/api/drafts/{id}/files", post(materials::announce::<false>))
        .route(
            "/api/drafts/{id}/files/{file}",
            get(materials::upload_state::<false>)
                .patch(materials::part::<false>)
                .delete(materials::discard::<false>),
        )
        .route(
            "/api/applications/{number}/files",
            post(materials::announce::<true>),
        )
        .route(
            "/api/applications/{number}/files/{file}",
            get(materials::upload_state::<true>)
                .patch(materials::part::<true>)
                .delete(materials::discard::<true>),
        )
        .route("/api/staff/files/{id}", get(materials::staff_file))
        .route("/api/staff/requests", get(changes::queue))
        .route("/api/staff/requests/{id}", post(changes::decide))
        .route("/api/staff/login", post(staff::login).route_layer(logins))
        .route("/api/staff/logout", post(staff::logout))
        .route("/api/staff/me", get(staff::me))
        .route(
            "/api/staff/accounts/{username}/revoke-sessions",
            post(staff::revoke_sessions),
        )
        .route("/api/staff/intake", get(review::intake_queue))
        .route("/api/staff/applications/{number}", get(review::application))
        .route(
            "/api/staff/applications/{number}/intake",
            post(review::intake),
        )
        .route("/api/staff/queue", get(review::queue))
        .route("/api/staff/items/{id}/review", post(review::review))
        .route(
            "/api/staff/applications/{number}/inspections",
            post(review::joint_inspection),
        )
        .route(
            "/api/staff/applications/{number}/received",
            post(materials::received_at_window),
        )
        .route(
            "/api/staff/applications/{number}/archive",
            get(review::archive),
        )
        .route(
            "/api/staff/applications/{number}/history",
            get(review::history),
        )
        .route(
            "/api/staff/inspections/{id}/record",
            post(review::record_joint_inspection),
        )
        .route("/api/staff/permits/{id}/state", post(review::permit_state))
        .route(
            "/api/staff/enterprises/{uscc}/changes",
            post(changes::licence_change),
        )
        .route(
            "/api/staff/dishonesty-list",
            post(review::import_dishonesty_list),
        )
        .route("/api/openapi.json", get(openapi::document))
        .route("/v/{token}", get(verify::page_of).route_layer(public()))
        .route(
            "/v/{token}/licence.json",
            get(verify::signed).route_layer(public()),
        )
        .route("/v/{token}/print", get(verify::print).route_layer(public()))
        .route(
            "/v/{token}/{file}",
            get(verify::qr_image).route_layer(public()),
        )
        .route("/.well-known/lianban-keys.json", get(verify::keys))
        .route("/api/{*rest}", any(not_found))
        .route("/healthz", get(|| async { "ok" }))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found(ReqLang(lang): ReqLang) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        text(lang, "没有这个接口", "No such API endpoint"),
    )
}

async fn method_not_allowed(ReqLang(lang): ReqLang) -> AppError {
    AppError::client(
        StatusCode::METHOD_NOT_ALLOWED,
        text(lang, "不支持此请求方法", "Method not allowed"),
    )
}

/// Cache policy for the built frontend: Trunk names assets by content hash, so they never change
/// and are cached for a year; everything else (the pages) is revalidated on every visit.
pub async fn static_cache(mut res: Response) -> Response {
    let headers = res.headers_mut();
    if headers.contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let immutable = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            [
                "application/wasm",
                "text/javascript",
                "application/javascript",
                "text/css",
                "image/",
            ]
            .iter()
            .any(|p| t.starts_with(p))
        });
    let policy = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static(policy),
    );
    res
}

/// Picks the sentence for `lang`.
pub fn text(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh {
        zh.to_string()
    } else {
        en.to_string()
    }
}

/// 409 with a message in the reader's language.
pub(super) fn conflict(lang: Lang, zh: &str, en: &str) -> AppError {
    AppError::client(StatusCode::CONFLICT, text(lang, zh, en))
}

/// 422 naming one field.
pub(super) fn field_error(field: &str, lang: Lang, zh: &str, en: &str) -> AppError {
    AppError::Validation(shared::error::ErrorBody::field(field, text(lang, zh, en)))
}

/// A free-text message or reason as kept: trimmed, not empty, at most 2000 characters.
pub(super) fn checked_message(m: Option<&str>) -> Option<&str> {
    m.map(str::trim)
        .filter(|m| !m.is_empty() && m.chars().count() <= 2000)
}

/// The language the client asked for (`Accept-Language`); Chinese by default.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(lang_of(&parts.headers)))
    }
}

pub(crate) fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}

/// JSON in and out, with every rejection (wrong content type, too large, malformed, wrong
/// shape) answered in the shared error body instead of axum's plain text.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers());
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(AppError::client(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                text(
                    lang,
                    "请求内容类型应为 application/json",
                    "Expected a request with Content-Type: application/json",
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                let max = shared::api::MAX_BODY_BYTES / 1024;
                AppError::client(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    text(
                        lang,
                        &format!("请求内容超过 {max} KB 上限"),
                        &format!("The request body exceeds the {max} KB limit"),
                    ),
                )
            } else {
                AppError::client(rejection.status(), rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(Json).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => AppError::client(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "{}: {e}",
                        text(
                            lang,
                            "请求内容结构不正确",
                            "The request body has the wrong shape"
                        )
                    ),
                ),
                _ => AppError::client(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "{}: {e}",
                        text(
                            lang,
                            "请求内容不是有效的 JSON",
                            "The request body is not valid JSON"
                        )
                    ),
                ),
            }
        })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
