//! The licence's permits and facts, changed by the departments that own them.

use axum::extract::{Path, State};
use serde_json::{Value, json};
use shared::staff::{LicenceChange, PermitStateRequest};

use crate::http::error::AppError;
use crate::http::extract::{Json, Staff};
use crate::service::{Ctx, licence};

/// A department changes the state of one of its own permits: suspend, revoke or cancel (a
/// reason required), reinstate a suspended one. The public page shows it at once.
#[utoipa::path(post, path = "/api/staff/permits/{id}/state", tag = "staff",
    params(("id" = i64, Path)), request_body = PermitStateRequest,
    responses((status = 200), (status = 403), (status = 404),
        (status = 409, description = "Not from the permit's state"), (status = 422)))]
pub async fn permit_state(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<i64>,
    Json(req): Json<PermitStateRequest>,
) -> Result<Json<Value>, AppError> {
    let (id, state) = licence::set_permit_state(&ctx, &s.staff, id, &req).await?;
    Ok(Json(json!({ "id": id, "state": state })))
}

/// A change event recorded by the registration authority at the counter: the name, legal
/// representative or address changes on the licence and on every permit together.
#[utoipa::path(post, path = "/api/staff/enterprises/{uscc}/changes", tag = "staff",
    params(("uscc" = String, Path)), request_body = LicenceChange,
    responses((status = 200), (status = 403), (status = 404), (status = 422)))]
pub async fn change(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(uscc): Path<String>,
    Json(req): Json<LicenceChange>,
) -> Result<Json<Value>, AppError> {
    let (e, value) = licence::record_change(&ctx, &s.staff, &uscc, &req).await?;
    Ok(Json(
        json!({ "uscc": e.uscc, "field": req.field, "value": value }),
    ))
}
