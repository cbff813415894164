//! Staff administration for the administrator: the accounts, adding one, changing its name,
//! role, department or standing, a one-time link to set its password. And the one public
//! route of the back office: setting one's password with such a link.

use axum::extract::State;
use axum::http::StatusCode;
use shared::error::ErrorBody;
use shared::staff::{
    AccountChange, Accounts, NewStaffAccount, PasswordLink, SetPassword, StaffAccount,
};

use crate::http::error::AppError;
use crate::http::extract::{Json, Path, Staff};
use crate::service::{Ctx, accounts};

/// Every staff account, with its live sessions and last login, and the departments.
#[utoipa::path(get, path = "/api/staff/accounts", tag = "staff",
    responses((status = 200, body = Accounts), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(State(ctx): State<Ctx>, Staff(s): Staff) -> Result<Json<Accounts>, AppError> {
    Ok(Json(accounts::list(&ctx, &s.staff).await?))
}

/// Adds an account; the answer carries the one-time link with which its holder sets the
/// password (valid for a day).
#[utoipa::path(post, path = "/api/staff/accounts", tag = "staff", request_body = NewStaffAccount,
    responses((status = 201, body = PasswordLink), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The username is taken"),
        (status = 422, body = ErrorBody, description = "A field is not acceptable")))]
pub async fn create(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Json(req): Json<NewStaffAccount>,
) -> Result<(StatusCode, Json<PasswordLink>), AppError> {
    let made = accounts::create(&ctx, &s.staff, &req).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Changes an account's name, role, department or standing (deactivating ends its sessions).
#[utoipa::path(put, path = "/api/staff/accounts/{username}", tag = "staff",
    params(("username" = String, Path)), request_body = AccountChange,
    responses((status = 200, body = StaffAccount), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "One's own standing, or the last administrator"),
        (status = 422, body = ErrorBody, description = "A field is not acceptable")))]
pub async fn change(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(username): Path<String>,
    Json(req): Json<AccountChange>,
) -> Result<Json<StaffAccount>, AppError> {
    Ok(Json(
        accounts::change(&ctx, &s.staff, &username, &req).await?,
    ))
}

/// A new one-time link to set the account's password (earlier links stop working).
#[utoipa::path(post, path = "/api/staff/accounts/{username}/password-link", tag = "staff",
    params(("username" = String, Path)),
    responses((status = 200, body = PasswordLink), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn password_link(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(username): Path<String>,
) -> Result<Json<PasswordLink>, AppError> {
    Ok(Json(
        accounts::reset_password(&ctx, &s.staff, &username).await?,
    ))
}

/// Sets one's password with a one-time link; every session of the account ends.
#[utoipa::path(post, path = "/api/staff/password", tag = "staff", request_body = SetPassword,
    responses((status = 204),
        (status = 422, body = ErrorBody, description = "The password's length, or a link used, replaced or expired"),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn set_password(
    State(ctx): State<Ctx>,
    Json(req): Json<SetPassword>,
) -> Result<StatusCode, AppError> {
    accounts::set_password(&ctx, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
