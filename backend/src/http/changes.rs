//! Changes of a licence (变更) and cancellations of permits (注销). The holder applies with the
//! application's private link; the registration authority decides a change, the issuing
//! department a cancellation (each sees only its own requests: anything else is 404). The
//! registration authority may also record a change at the counter. An approved change updates
//! the licence and every permit in one transaction, with its history and audit entry.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use shared::Lang;
use shared::error::ErrorBody;
use shared::holder::{FiledRequest, HolderRequest, RequestDecision};
use shared::staff::{LicenceChange, Role};

use super::staff::StaffUser;
use super::{Json, ReqLang, applications, checked_message, conflict, field_error, text};
use crate::db::audit::{self, Entry};
use crate::db::enterprises::{self, EnterpriseRow};
use crate::db::holder_requests::{self as requests, NewRequest, RequestRow};
use crate::db::is_unique_violation;
use crate::domain::clock::{county_date, now_unix, rfc3339};
use crate::error::AppError;
use crate::{AppState, licence};

fn not_found(lang: Lang) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        text(lang, "没有找到这份申请", "No such request"),
    )
}

/// The department that registers enterprises (and their changes).
fn authority(state: &AppState) -> Option<String> {
    state
        .catalogue
        .item(licence::REGISTRATION)
        .map(|i| i.department.clone())
}

fn reason_of(reason: &str, lang: Lang) -> Result<String, AppError> {
    checked_message(Some(reason))
        .map(str::to_string)
        .ok_or_else(|| {
            field_error(
                "reason",
                lang,
                "请写明理由（不超过 2000 字）",
                "Give the reason (2000 characters at most)",
            )
        })
}

/// Checks a change of `field` to `value` with the integrated form's own rule for that fact;
/// returns the value on the licence now and the new one.
fn check_change(
    state: &AppState,
    e: &EnterpriseRow,
    field: &str,
    value: &str,
    lang: Lang,
) -> Result<(String, String), AppError> {
    let rule = shared::holder::form_key(field)
        .and_then(|key| state.catalogue.field(key))
        .ok_or_else(|| {
            field_error(
                "field",
                lang,
                "只能变更名称、法定代表人或经营场所",
                "Only the name, the legal representative or the address change",
            )
        })?;
    let after = shared::form::validate_value(rule, &json!(value), county_date(now_unix()))
        .map_err(|p| AppError::Validation(ErrorBody::field("value", p.message(lang))))?
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let before = match field {
        "name" => &e.name,
        "legal_rep" => &e.legal_rep,
        _ => &e.address,
    };
    if after == *before {
        return Err(field_error(
            "value",
            lang,
            "与执照上现有内容相同",
            "That is what the licence says already",
        ));
    }
    Ok((before.clone(), after))
}

/// Applies a checked change (licence and every permit) and its audit entry, in `tx`.
async fn apply_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &EnterpriseRow,
    field: &str,
    (before, after): (&str, &str),
    reason: &str,
    user: &StaffUser,
    now: i64,
) -> Result<(), AppError> {
    let change = enterprises::Change {
        field,
        before,
        after,
        reason,
        by: &user.username,
    };
    enterprises::change(tx, e, &change, now).await?;
    let subject = format!("enterprise {}", e.uscc);
    let action = format!("licence.change.{field}");
    let entry = user.entry(
        &action,
        &subject,
        json!({ "value": before }),
        json!({ "value": after, "reason": reason }),
    );
    audit::append(tx, &entry, now).await?;
    Ok(())
}

/// A permit may be cancelled while it is valid or suspended.
fn cancellable(p: &enterprises::PermitRow, now: i64) -> bool {
    let today = shared::date::format_iso_date(county_date(now));
    matches!(
        super::verify::public_state(p, &today),
        "valid" | "suspended"
    )
}

fn filed(r: RequestRow, e: Option<&EnterpriseRow>) -> FiledRequest {
    let request = match r.kind.as_str() {
        "change" => HolderRequest::Change {
            field: r.target.clone(),
            value: r.after_value,
            reason: r.reason,
        },
        _ => HolderRequest::Cancel {
            permit: r.permit_id.unwrap_or_default(),
            reason: r.reason,
        },
    };
    FiledRequest {
        id: r.id,
        request,
        before: r.before_value,
        state: r.state,
        note: r.note,
        filed_at: rfc3339(r.filed_at),
        uscc: e.map(|e| e.uscc.clone()).unwrap_or_default(),
        enterprise: e.map(|e| e.name.clone()).unwrap_or_default(),
    }
}

/// The holder's requests, newest first (for the status page).
pub async fn of_enterprise(state: &AppState, e: &EnterpriseRow) -> sqlx::Result<Vec<FiledRequest>> {
    let rows = requests::of_enterprise(&state.db, e.id).await?;
    Ok(rows.into_iter().map(|r| filed(r, None)).collect())
}

/// The holder applies for a change of the licence or the cancellation of a permit, with the
/// private link of the application that registered the enterprise. One pending request per
/// fact or permit.
#[utoipa::path(post, path = "/api/applications/{number}/requests", tag = "applications",
    params(("number" = String, Path)), request_body = HolderRequest, security(("status_token" = [])),
    responses((status = 201, body = FiledRequest), (status = 401), (status = 404),
        (status = 409, description = "No licence yet, or the same request is pending"),
        (status = 422)))]
pub async fn file(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(req): Json<HolderRequest>,
) -> Result<(StatusCode, Json<FiledRequest>), AppError> {
    let app = applications::authorised(&state, &headers, &number, lang).await?;
    let e = enterprises::of_application(&state.db, app.id)
        .await?
        .ok_or_else(|| {
            conflict(
                lang,
                "营业执照尚未核发，暂不能申请变更或注销",
                "The business licence is not issued yet",
            )
        })?;
    let reason = reason_of(req.reason(), lang)?;
    let now = now_unix();
    let (kind, target, permit_id, department, before, after) = match &req {
        HolderRequest::Change { field, value, .. } => {
            let (before, after) = check_change(&state, &e, field, value, lang)?;
            let authority =
                authority(&state).ok_or_else(|| anyhow::anyhow!("no registration item"))?;
            ("change", field.clone(), None, authority, before, after)
        }
        HolderRequest::Cancel { permit, .. } => {
            let p = enterprises::permit(&state.db, *permit)
                .await?
                .filter(|p| p.enterprise_id == e.id)
                .ok_or_else(|| field_error("permit", lang, "没有这个许可", "No such permit"))?;
            if !cancellable(&p, now) {
                return Err(field_error(
                    "permit",
                    lang,
                    "该许可已不在有效期内，无需注销",
                    "This permit is no longer in force",
                ));
            }
            let name = state
                .catalogue
                .item(&p.item)
                .map(|i| i.name.get(lang).to_string())
                .unwrap_or_default();
            let before = format!("{name} {}", p.certificate);
            (
                "cancel",
                format!("permit:{}", p.id),
                Some(p.id),
                p.department,
                before,
                String::new(),
            )
        }
    };
    let new = NewRequest {
        enterprise_id: e.id,
        kind,
        target: &target,
        permit_id,
        department: &department,
        before: &before,
        after: &after,
        reason: &reason,
    };
    let mut tx = state.db.pool.begin().await?;
    let id = match requests::insert(&mut tx, &new, now).await {
        Err(err) if is_unique_violation(&err) => {
            return Err(conflict(
                lang,
                "同一内容已有申请正在办理",
                "The same request is already pending",
            ));
        }
        other => other?,
    };
    let subject = format!("enterprise {}", e.uscc);
    let action = format!("holder.request.{kind}");
    let entry = Entry {
        actor: "applicant",
        role: "applicant",
        action: &action,
        subject: &subject,
        before: json!({ "value": before }),
        after: json!({ "request": id, "target": target, "value": after, "reason": reason }),
    };
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    tracing::info!(request = id, kind, "holder request filed");
    let row = requests::find(&state.db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("request {id} vanished"))?;
    Ok((StatusCode::CREATED, Json(filed(row, None))))
}

/// A department's pending holder requests, oldest first.
#[utoipa::path(get, path = "/api/staff/requests", tag = "staff",
    responses((status = 200, body = Vec<FiledRequest>), (status = 401), (status = 403)))]
pub async fn queue(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
) -> Result<Json<Vec<FiledRequest>>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let department = user.department.clone().unwrap_or_default();
    let mut out = Vec::new();
    for r in requests::pending_for(&state.db, &department).await? {
        let e = enterprises::by_id(&state.db, r.enterprise_id).await?;
        out.push(filed(r, e.as_ref()));
    }
    Ok(Json(out))
}

/// The department decides a holder request: approving a change updates the licence and every
/// permit; approving a cancellation cancels the permit. A refusal needs its reason. Decided
/// once: a second decision gets 409.
#[utoipa::path(post, path = "/api/staff/requests/{id}", tag = "staff",
    params(("id" = i64, Path)), request_body = RequestDecision,
    responses((status = 200, body = FiledRequest), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(id): Path<i64>,
    Json(req): Json<RequestDecision>,
) -> Result<Json<FiledRequest>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let row = requests::find(&state.db, id)
        .await?
        .filter(|r| user.department.as_deref() == Some(r.department.as_str()))
        .ok_or_else(|| not_found(lang))?;
    let decided = || conflict(lang, "该申请已经办结", "This request is decided already");
    if row.state != "pending" {
        return Err(decided());
    }
    let note = req
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| {
            reason_of(n, lang).map_err(|_| {
                field_error(
                    "note",
                    lang,
                    "意见不超过 2000 字",
                    "2000 characters at most",
                )
            })
        })
        .transpose()?;
    if !req.approve && note.is_none() {
        return Err(field_error(
            "note",
            lang,
            "不予办理请写明理由",
            "Give the reason for refusing",
        ));
    }
    let e = enterprises::by_id(&state.db, row.enterprise_id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    let now = now_unix();
    // Read before the transaction; the first statement in it is a write.
    let change = match (req.approve, row.kind.as_str()) {
        (true, "change") => Some(
            check_change(&state, &e, &row.target, &row.after_value, lang).map_err(|_| {
                conflict(
                    lang,
                    "执照已是该内容，请不予办理",
                    "The licence says this already: refuse the request",
                )
            })?,
        ),
        _ => None,
    };
    let permit = match (req.approve, row.permit_id) {
        (true, Some(pid)) if row.kind == "cancel" => Some(
            enterprises::permit(&state.db, pid)
                .await?
                .filter(|p| cancellable(p, now))
                .ok_or_else(|| {
                    conflict(
                        lang,
                        "该许可已不在有效期内",
                        "This permit is no longer in force",
                    )
                })?,
        ),
        _ => None,
    };
    let new_state = if req.approve { "approved" } else { "rejected" };
    let mut tx = state.db.pool.begin().await?;
    if !requests::decide(&mut tx, id, new_state, note.as_deref(), &user.username, now).await? {
        return Err(decided());
    }
    if let Some((before, after)) = &change {
        apply_change(
            &mut tx,
            &e,
            &row.target,
            (before, after),
            &row.reason,
            &user,
            now,
        )
        .await?;
    }
    if let Some(p) = &permit {
        let reason = format!(
            "{}{}",
            text(
                lang,
                "持证人申请注销：",
                "Cancelled at the holder's request: "
            ),
            row.reason
        );
        enterprises::set_state(&mut tx, p, "cancelled", Some(&reason), now).await?;
    }
    let subject = format!("enterprise {}", e.uscc);
    let action = format!("holder.request.{new_state}");
    let entry = user.entry(
        &action,
        &subject,
        json!({ "request": id, "state": row.state }),
        json!({ "request": id, "state": new_state, "note": note }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let row = requests::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    Ok(Json(filed(row, Some(&e))))
}

/// A change event recorded by the registration authority at the counter: the name, legal
/// representative or address changes on the licence and on every permit together.
#[utoipa::path(post, path = "/api/staff/enterprises/{uscc}/changes", tag = "staff",
    params(("uscc" = String, Path)), request_body = LicenceChange,
    responses((status = 200), (status = 403), (status = 404), (status = 422)))]
pub async fn licence_change(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(uscc): Path<String>,
    Json(req): Json<LicenceChange>,
) -> Result<Json<Value>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    if user.department != authority(&state) {
        return Err(AppError::client(
            StatusCode::FORBIDDEN,
            text(
                lang,
                "变更登记由登记机关办理",
                "Changes are registered by the registration authority",
            ),
        ));
    }
    let e = enterprises::by_uscc(&state.db, uscc.trim())
        .await?
        .ok_or_else(|| not_found(lang))?;
    let (before, after) = check_change(&state, &e, &req.field, &req.value, lang)?;
    let reason = reason_of(&req.reason, lang)?;
    let now = now_unix();
    let mut tx = state.db.pool.begin().await?;
    apply_change(
        &mut tx,
        &e,
        &req.field,
        (&before, &after),
        &reason,
        &user,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "uscc": e.uscc, "field": req.field, "value": after }),
    ))
}
