//! What handlers take from a request: the JSON body (every rejection in the shared error
//! body), the reader's language, the staff session (cookie, or a machine client's access token
//! as bearer), the status or draft token (bearer).

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{AppError, Request as Bad};
pub use super::lang::{ReqLang, lang_of};
use crate::domain::error::{Credential, Error};
use crate::service::{self, Ctx, sessions::Session};

/// The staff session cookie.
pub const COOKIE: &str = "lianban_staff";

/// The bearer token of a request (an application's status token, a draft's token), if any.
pub struct Bearer(pub Option<String>);

impl Bearer {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Bearer(bearer(parts)))
    }
}

/// The session of the cookie — or, from a machine client, of the access token it sends as a
/// bearer (`POST /api/oauth/token`): the same sessions, the same access policy.
async fn session_of<S>(parts: &Parts, state: &S) -> Result<Option<Session>, AppError>
where
    Ctx: FromRef<S>,
{
    let jar = CookieJar::from_headers(&parts.headers);
    let token = match jar.get(COOKIE) {
        Some(cookie) => cookie.value().to_string(),
        None => match bearer(parts) {
            Some(token) => token,
            None => return Ok(None),
        },
    };
    Ok(service::sessions::session(&Ctx::from_ref(state), &token).await?)
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// The logged-in staff member of a request; 401 without a live session.
pub struct Staff(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Staff
where
    Ctx: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        session_of(parts, state)
            .await?
            .map(Staff)
            .ok_or_else(|| Error::Unauthenticated(Credential::Session).into())
    }
}

/// The staff member, if the request carries a live session (pages staff and applicants share).
pub struct MaybeStaff(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeStaff
where
    Ctx: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Ok(MaybeStaff(session_of(parts, state).await?))
    }
}

/// JSON in and out, with every rejection (wrong content type, too large, malformed, wrong
/// shape) answered in the shared error body instead of axum's plain text.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
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
            return Err(Bad::NotJson.into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Bad::TooLarge
            } else {
                Bad::Body(rejection.status().as_u16(), rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(Json).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => Bad::WrongShape(e.to_string()).into(),
                _ => Bad::Malformed(e.to_string()).into(),
            }
        })
    }
}

/// The path's parameters, a rejection (a segment that is not the type's: `/plans/0.5`)
/// answered in the shared error body (400, in the request's language), not in plain text.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|r| Bad::BadPath(r.body_text()).into())
    }
}

/// The query string, a rejection (a parameter missing or of the wrong type) answered in the
/// shared error body (400, in the request's language), not in plain text.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r| Bad::BadQueryString(r.body_text()).into())
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
