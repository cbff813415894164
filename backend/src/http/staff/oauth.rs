//! The OAuth 2.0 token endpoint for machine clients (RFC 6749 §4.4, the client-credentials
//! grant): a department's own system sends its name and secret — HTTP Basic, or `client_id`
//! and `client_secret` in the form — and gets an access token of fifteen minutes to send as
//! `Authorization: Bearer` on the staff API, where it acts as a reviewer of its department.
//! Errors in the RFC's shape (§5.2). `service::sessions::login` decides, as for people.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::domain::accounts::Kind;
use crate::domain::error::Error as Refusal;
use crate::http::AppState;
use crate::http::client::ClientAddr;
use crate::http::error::AppError;
use crate::service::{self, sessions};

/// The token request (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TokenRequest {
    /// `client_credentials`.
    grant_type: String,
    /// The client's name, unless sent with HTTP Basic.
    client_id: Option<String>,
    /// The client's secret, unless sent with HTTP Basic.
    client_secret: Option<String>,
}

/// An access token (RFC 6749 §5.1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    access_token: String,
    /// `Bearer`.
    token_type: &'static str,
    /// Seconds it lasts.
    expires_in: i64,
    /// What it may do: `department:<id>`, as a reviewer of that department.
    scope: String,
}

/// An error of the token endpoint (RFC 6749 §5.2).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenError {
    error: &'static str,
    error_description: &'static str,
}

fn refused(status: StatusCode, error: &'static str, error_description: &'static str) -> Response {
    let mut res = (
        status,
        axum::Json(TokenError {
            error,
            error_description,
        }),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"lianban\""),
        );
    }
    res
}

/// The client's name and secret: HTTP Basic (each part form-urlencoded, as §2.3.1 says), else
/// the form's fields.
fn credentials(headers: &HeaderMap, form: TokenRequest) -> Option<(String, String)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    if let Some(pair) = basic {
        let (id, secret) = pair.split_once(':')?;
        let decode = |s: &str| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("x={s}"))
                .ok()?
                .pop()
                .map(|(_, v)| v)
        };
        return Some((decode(id)?, decode(secret)?));
    }
    Some((form.client_id?, form.client_secret?))
}

/// An access token for a machine client.
#[utoipa::path(post, path = "/api/oauth/token", tag = "clients",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses((status = 200, body = TokenResponse, description = "The token; `Cache-Control: no-store`"),
        (status = 400, body = TokenError, description = "`invalid_request` or `unsupported_grant_type`"),
        (status = 401, body = TokenError, description = "`invalid_client`: unknown, wrong secret, revoked, or too many tries (one answer for all)"),
        (status = 503, body = shared::error::ErrorBody, description = "Every password-hashing thread is busy")))]
pub async fn token(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let form: TokenRequest = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => {
            return Ok(refused(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "a form: grant_type=client_credentials",
            ));
        }
    };
    if form.grant_type != "client_credentials" {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials",
        ));
    }
    let Some((id, secret)) = credentials(&headers, form) else {
        return Ok(refused(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "send the client's name and secret",
        ));
    };
    match sessions::login(&state.ctx, &id, secret, client, Kind::Client).await {
        Ok((staff, token)) => {
            let body = TokenResponse {
                access_token: token,
                token_type: "Bearer",
                expires_in: Kind::Client.lasts(),
                scope: format!("department:{}", staff.department.unwrap_or_default()),
            };
            let mut res = axum::Json(body).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        Err(service::Error::Refused(Refusal::Unauthenticated(_))) => Ok(refused(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client, wrong secret, revoked, or too many tries",
        )),
        Err(e) => Err(e.into()),
    }
}
