//! Staff login, logout and sessions: a random token in a `Secure`, `HttpOnly`,
//! `SameSite=Strict` cookie; the server keeps only its hash, so sessions can be revoked.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde_json::{Value, json};
use shared::error::ErrorBody;
use shared::staff::{LoginRequest, StaffProfile};

use crate::domain::accounts::Kind;
use crate::domain::records::StaffMember;
use crate::http::AppState;
use crate::http::client::ClientAddr;
use crate::http::error::AppError;
use crate::http::extract::{COOKIE, Json, Path, Staff};
use crate::service::sessions::{self, SESSION_SECS};

fn profile(s: &StaffMember) -> StaffProfile {
    StaffProfile {
        username: s.username.clone(),
        display_name: s.display_name.clone(),
        role: s.role,
        department: s.department.clone(),
        email: s.email.clone(),
    }
}

fn session_cookie(state: &AppState, value: String, max_age: i64) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(max_age))
        .build()
}

/// Logs a staff member in: sets the session cookie.
#[utoipa::path(post, path = "/api/staff/login", tag = "staff", request_body = LoginRequest,
    responses((status = 200, body = StaffProfile),
        (status = 401, body = ErrorBody, description = "Wrong username or password, or too many tries from this client for this account (one answer for all)"),
        (status = 429, body = ErrorBody, description = "Too many login requests from this client"),
        (status = 503, body = ErrorBody, description = "Every password-hashing thread is busy")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> Result<(CookieJar, Json<StaffProfile>), AppError> {
    let (staff, token) = sessions::login(
        &state.ctx,
        &req.username,
        req.password,
        client,
        Kind::Person,
    )
    .await?;
    let cookie = session_cookie(&state, token, SESSION_SECS);
    Ok((jar.add(cookie), Json(profile(&staff))))
}

/// Ends the session (revoked on the server, cookie cleared).
#[utoipa::path(post, path = "/api/staff/logout", tag = "staff",
    responses((status = 204), (status = 401)))]
pub async fn logout(
    State(state): State<AppState>,
    Staff(session): Staff,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), AppError> {
    sessions::logout(&state.ctx, &session).await?;
    let cleared = session_cookie(&state, String::new(), 0);
    Ok((StatusCode::NO_CONTENT, jar.add(cleared)))
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/staff/me", tag = "staff",
    responses((status = 200, body = StaffProfile), (status = 401)))]
pub async fn me(Staff(session): Staff) -> Json<StaffProfile> {
    Json(profile(&session.staff))
}

/// Where one's daily list of items due tomorrow and overdue goes (sent each working day
/// morning); an empty address stops it.
#[utoipa::path(put, path = "/api/staff/me/email", tag = "staff",
    request_body = shared::staff::DigestEmail,
    responses((status = 200, body = StaffProfile), (status = 401),
        (status = 422, body = ErrorBody, description = "Not an e-mail address")))]
pub async fn set_email(
    State(state): State<AppState>,
    Staff(session): Staff,
    Json(req): Json<shared::staff::DigestEmail>,
) -> Result<Json<StaffProfile>, AppError> {
    let staff = sessions::set_email(&state.ctx, &session.staff, req.email.as_deref()).await?;
    Ok(Json(profile(&staff)))
}

/// An administrator ends every session of a staff member (a lost phone, a leaver).
#[utoipa::path(post, path = "/api/staff/accounts/{username}/revoke-sessions", tag = "staff",
    params(("username" = String, Path)),
    responses((status = 200), (status = 403), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    Staff(session): Staff,
    Path(username): Path<String>,
) -> Result<Json<Value>, AppError> {
    let revoked = sessions::revoke_all(&state.ctx, &session.staff, &username).await?;
    Ok(Json(json!({ "revoked": revoked })))
}
