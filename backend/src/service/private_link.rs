//! The applicant's private link: the status token opens its application, and nothing else.

use super::{Ctx, Result};
use crate::db;
use crate::domain::application::{hash_token, is_number};
use crate::domain::error::{Credential, Error, Missing};
use crate::domain::records::Application;

/// The application behind `number` if `token` is its status token: none is 401; a wrong
/// token and an unknown number are the same 404, at the same cost.
pub async fn authorised(ctx: &Ctx, number: &str, token: Option<&str>) -> Result<Application> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(Error::Unauthenticated(Credential::StatusToken))?;
    // Hash first, whatever the number: an unknown number and a wrong token cost the same.
    let presented = hash_token(token);
    if !is_number(number) {
        return Err(Missing::Application.into());
    }
    db::applications::application(&ctx.db, number)
        .await?
        .filter(|a| a.token_hash == presented)
        .ok_or_else(|| Missing::Application.into())
}
