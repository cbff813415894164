//! Staff login, logout and sessions. A session is a random token in a secure, HttpOnly,
//! SameSite=Strict cookie; the database keeps only its SHA-256, so sessions work across
//! instances and can be revoked. Repeated failed logins lock the account for a while.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde_json::json;
use shared::Lang;
use shared::staff::{LoginRequest, Role, StaffProfile};

use super::{Json, ReqLang, text};
use crate::AppState;
use crate::db::audit::{self, Entry};
use crate::db::staff as db_staff;
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::now_unix;
use crate::domain::password;
use crate::error::AppError;

pub const COOKIE: &str = "lianban_staff";
/// A session lasts a working day and a half.
const SESSION_SECS: i64 = 12 * 3600;
/// Five wrong passwords in a row lock the account for 15 minutes.
const MAX_FAILURES: i64 = 5;
const LOCK_SECS: i64 = 15 * 60;

/// The logged-in staff member of a request; 401 without a live session.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    /// The session token's hash (for logout).
    session: String,
}

impl StaffUser {
    pub fn profile(&self) -> StaffProfile {
        StaffProfile {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            department: self.department.clone(),
        }
    }

    /// An audit entry by this staff member.
    pub fn entry<'a>(
        &'a self,
        action: &'a str,
        subject: &'a str,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Entry<'a> {
        Entry {
            actor: &self.username,
            role: self.role.as_str(),
            action,
            subject,
            before,
            after,
        }
    }

    /// 403 unless the role is one of `roles`.
    pub fn require(&self, roles: &[Role], lang: Lang) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::client(
                StatusCode::FORBIDDEN,
                text(lang, "您的角色不能执行此操作", "Your role may not do this"),
            ))
        }
    }
}

impl StaffUser {
    /// The staff member whose session cookie `headers` carry, if any (for pages that staff
    /// and applicants share).
    pub async fn optional(
        state: &AppState,
        headers: &axum::http::HeaderMap,
    ) -> Result<Option<StaffUser>, AppError> {
        let jar = CookieJar::from_headers(headers);
        let Some(cookie) = jar.get(COOKIE) else {
            return Ok(None);
        };
        let session = hash_token(cookie.value());
        let Some(row) = db_staff::by_session(&state.db, &session, now_unix()).await? else {
            return Ok(None);
        };
        Ok(Role::parse(&row.role).map(|role| StaffUser {
            id: row.id,
            role,
            username: row.username,
            display_name: row.display_name,
            department: row.department,
            session,
        }))
    }
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let lang = super::lang_of(&parts.headers);
        let unauthorised = || {
            AppError::client(
                StatusCode::UNAUTHORIZED,
                text(lang, "请先登录", "Please log in"),
            )
        };
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(COOKIE)
            .ok_or_else(unauthorised)?
            .value()
            .to_string();
        let session = hash_token(&token);
        let row = db_staff::by_session(&state.db, &session, now_unix())
            .await?
            .ok_or_else(unauthorised)?;
        Ok(StaffUser {
            id: row.id,
            role: Role::parse(&row.role).ok_or_else(unauthorised)?,
            username: row.username,
            display_name: row.display_name,
            department: row.department,
            session,
        })
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
    responses((status = 200, body = StaffProfile), (status = 401, description = "Wrong username or password"),
        (status = 429, description = "Locked after repeated failures")))]
pub async fn login(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> Result<(CookieJar, Json<StaffProfile>), AppError> {
    let now = now_unix();
    let username = req.username.trim().to_string();
    let row = if username.len() <= 64 {
        db_staff::by_username(&state.db, &username).await?
    } else {
        None
    };
    let phc = row.as_ref().map(|r| r.password_hash.clone());
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || password::verify(&password, phc.as_deref()))
        .await
        .map_err(anyhow::Error::from)?;
    let wrong = || {
        AppError::client(
            StatusCode::UNAUTHORIZED,
            text(lang, "用户名或密码不正确", "Wrong username or password"),
        )
    };
    let Some(row) = row else {
        return Err(wrong());
    };
    let subject = format!("staff {}", row.username);
    let entry = |action| Entry {
        actor: &row.username,
        role: &row.role,
        action,
        subject: &subject,
        before: json!(null),
        after: json!(null),
    };
    if row.locked_until > now {
        let minutes = (row.locked_until - now + 59) / 60;
        return Err(AppError::client(
            StatusCode::TOO_MANY_REQUESTS,
            match lang {
                Lang::Zh => format!("密码错误次数过多，请 {minutes} 分钟后再试"),
                Lang::En => format!("Too many wrong passwords: try again in {minutes} minutes"),
            },
        ));
    }
    if !ok || row.active != 1 {
        db_staff::login_failed(&state.db, row.id, now, MAX_FAILURES, LOCK_SECS).await?;
        audit::record(&state.db, &entry("login.failed"), now).await?;
        return Err(wrong());
    }
    db_staff::login_succeeded(&state.db, row.id).await?;
    let token = new_token();
    db_staff::create_session(
        &state.db,
        &hash_token(&token),
        row.id,
        now,
        now + SESSION_SECS,
    )
    .await?;
    audit::record(&state.db, &entry("login"), now).await?;
    let profile = StaffProfile {
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        role: Role::parse(&row.role).ok_or_else(wrong)?,
        department: row.department.clone(),
    };
    Ok((
        jar.add(session_cookie(&state, token, SESSION_SECS)),
        Json(profile),
    ))
}

/// Ends the session (revoked on the server, cookie cleared).
#[utoipa::path(post, path = "/api/staff/logout", tag = "staff",
    responses((status = 204), (status = 401)))]
pub async fn logout(
    State(state): State<AppState>,
    user: StaffUser,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), AppError> {
    let now = now_unix();
    db_staff::revoke_session(&state.db, &user.session, now).await?;
    let subject = format!("staff {}", user.username);
    audit::record(
        &state.db,
        &user.entry("logout", &subject, json!(null), json!(null)),
        now,
    )
    .await?;
    Ok((
        StatusCode::NO_CONTENT,
        jar.add(session_cookie(&state, String::new(), 0)),
    ))
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/staff/me", tag = "staff",
    responses((status = 200, body = StaffProfile), (status = 401)))]
pub async fn me(user: StaffUser) -> Json<StaffProfile> {
    Json(user.profile())
}

/// An administrator ends every session of a staff member (a lost phone, a leaver).
#[utoipa::path(post, path = "/api/staff/accounts/{username}/revoke-sessions", tag = "staff",
    params(("username" = String, Path)),
    responses((status = 200), (status = 403), (status = 404)))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(username): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    user.require(&[Role::Admin], lang)?;
    let target = db_staff::by_username(&state.db, &username)
        .await?
        .ok_or_else(|| {
            AppError::client(
                StatusCode::NOT_FOUND,
                text(lang, "没有这个账号", "No such account"),
            )
        })?;
    let now = now_unix();
    let revoked = db_staff::revoke_all(&state.db, target.id, now).await?;
    let subject = format!("staff {}", target.username);
    audit::record(
        &state.db,
        &user.entry(
            "sessions.revoke",
            &subject,
            json!(null),
            json!({ "revoked": revoked }),
        ),
        now,
    )
    .await?;
    Ok(Json(json!({ "revoked": revoked })))
}
