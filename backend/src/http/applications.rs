//! Submitting an application and reading its status with the private token.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shared::Lang;
use shared::api::{
    ApplicationCreated, ApplicationStatus, CreateApplication, IDEMPOTENCY_KEY, Reply,
    SubApplication,
};
use shared::error::ErrorBody;
use shared::holder::HolderPermit;
use shared::status::{OverallStatus, SubStatus};
use validator::Validate;

use super::staff::StaffUser;
use super::{Json, ReqLang, conflict, review, text};
use crate::AppState;
use crate::db::applications::{self as db_apps, NewApplication};
use crate::db::audit::{self, Entry};
use crate::db::idempotency::{self, Stored};
use crate::db::is_unique_violation;
use crate::db::review as db_review;
use crate::domain::application::{day_code, hash_token, is_number, new_token, sha256_hex};
use crate::domain::clock::{county_date, now_unix, rfc3339};
use crate::error::AppError;

/// Files an application for a bundle with one integrated form. Every item of the bundle
/// becomes a sub-application for its department, all in one transaction.
#[utoipa::path(post, path = "/api/applications", tag = "applications",
    request_body = CreateApplication,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key and body replay the first answer")),
    responses(
        (status = 201, description = "Filed; keep the token", body = ApplicationCreated),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid answers, per field", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Json(req): Json<CreateApplication>,
) -> Result<Response, AppError> {
    let now = now_unix();
    let key = idempotency_key(&headers, lang)?;
    let request_hash = sha256_hex(&serde_json::to_vec(&req).map_err(anyhow::Error::from)?);
    if let Some(key) = &key
        && let Some(stored) = idempotency::find(&state.db, key, now).await?
    {
        return replay(stored, &request_hash, lang);
    }

    let unknown_bundle = || {
        AppError::Validation(ErrorBody::field(
            "bundle",
            text(lang, "没有这个套餐", "No such bundle"),
        ))
    };
    req.validate().map_err(|_| unknown_bundle())?;
    let view = state
        .catalogue
        .bundle_view(&req.bundle)
        .ok_or_else(unknown_bundle)?;
    // The rules decide the items and the fields asked; hidden answers are dropped.
    let (cart, answers) = view
        .check_answers(&req.answers, county_date(now))
        .map_err(|problems| AppError::Validation(ErrorBody::from_problems(&problems, lang)))?;

    let token = new_token();
    let token_hash = hash_token(&token);
    let answers_json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let day = day_code(county_date(now));
    let items = cart
        .items
        .iter()
        .filter_map(|id| view.item(id))
        .map(|i| (i.id.as_str(), i.department.as_str()))
        .collect();
    // Counter intake: a clerk at the window files for a walk-in applicant with the same form.
    let clerk = StaffUser::optional(&state, &headers)
        .await?
        .filter(|u| u.role == shared::staff::Role::Clerk);
    let new = NewApplication {
        filed_by: clerk.as_ref().map(|c| c.username.as_str()),
        day: &day,
        token_hash: &token_hash,
        bundle: &view.bundle.id,
        answers: &answers_json,
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        now,
        items,
    };

    // The draft's files go with the application (its token proves the draft is the sender's).
    if let Some(d) = &req.draft {
        let owned = crate::db::materials::draft(&state.db, &d.id)
            .await?
            .filter(|row| row.token_hash == hash_token(&d.token) && row.bundle == view.bundle.id);
        if owned.is_none() {
            return Err(AppError::Validation(ErrorBody::field(
                "draft",
                text(lang, "没有找到这份草稿", "No such draft"),
            )));
        }
    }

    let mut tx = state.db.pool.begin().await?;
    let (id, number) = db_apps::insert(&mut tx, &new).await?;
    if let Some(d) = &req.draft
        && !crate::db::materials::submit_draft(&mut tx, &d.id, id, now).await?
    {
        return Err(conflict(
            lang,
            "此草稿已提交过",
            "This draft was submitted already",
        ));
    }
    if let Some(clerk) = &clerk {
        let subject = format!("application {number}");
        let entry = clerk.entry(
            "application.file_at_counter",
            &subject,
            json!(null),
            json!({ "bundle": view.bundle.id }),
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    let created = ApplicationCreated { number, token };
    let body = serde_json::to_string(&created).map_err(anyhow::Error::from)?;
    if let Some(key) = &key {
        let stored = Stored {
            request_hash: request_hash.clone(),
            status: 201,
            body: body.clone(),
        };
        match idempotency::record(&mut tx, key, &stored, now).await {
            Err(e) if is_unique_violation(&e) => {
                // A concurrent request with the same key won: undo ours, answer with theirs.
                drop(tx);
                let stored = idempotency::find(&state.db, key, now)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("idempotency key vanished after a conflict"))?;
                return replay(stored, &request_hash, lang);
            }
            other => other?,
        }
    }
    tx.commit().await?;
    tracing::info!(number = %created.number, bundle = %view.bundle.id, "application filed");
    Ok(json_response(
        StatusCode::CREATED,
        body,
        &created.number,
        false,
    ))
}

fn json_response(status: StatusCode, body: String, number: &str, replayed: bool) -> Response {
    let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(loc) = HeaderValue::from_str(&shared::api::application_path(number)) {
        h.insert(header::LOCATION, loc);
    }
    if replayed {
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

fn replay(stored: Stored, request_hash: &str, lang: Lang) -> Result<Response, AppError> {
    if stored.request_hash != request_hash {
        return Err(AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            text(
                lang,
                "此 Idempotency-Key 已用于另一份不同的申请",
                "This Idempotency-Key was already used for a different request",
            ),
        ));
    }
    let created: ApplicationCreated =
        serde_json::from_str(&stored.body).map_err(anyhow::Error::from)?;
    let status = StatusCode::from_u16(stored.status as u16).map_err(anyhow::Error::from)?;
    Ok(json_response(status, stored.body, &created.number, true))
}

/// The `Idempotency-Key` header, if any: 1–255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap, lang: Lang) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::client(
            StatusCode::BAD_REQUEST,
            text(
                lang,
                "Idempotency-Key 应为 1–255 个可见 ASCII 字符",
                "Idempotency-Key must be 1–255 visible ASCII characters",
            ),
        ));
    }
    Ok(Some(key.to_string()))
}

/// The application behind `number` if `headers` carry its token; 401 without a token, 404 for
/// a wrong token or an unknown number alike (and at the same cost).
pub(super) async fn authorised(
    state: &AppState,
    headers: &HeaderMap,
    number: &str,
    lang: Lang,
) -> Result<db_review::AppRow, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::client(
                StatusCode::UNAUTHORIZED,
                text(
                    lang,
                    "需要申请的查询凭证",
                    "The application's status token is required",
                ),
            )
        })?;
    let not_found = || {
        AppError::client(
            StatusCode::NOT_FOUND,
            text(lang, "没有找到这份申请", "No such application"),
        )
    };
    // Hash first, whatever the number: an unknown number and a wrong token cost the same.
    let presented = hash_token(token);
    if !is_number(number) {
        return Err(not_found());
    }
    let app = db_apps::find(&state.db, number)
        .await?
        .ok_or_else(not_found)?;
    if app.token_hash != presented {
        return Err(not_found());
    }
    db_review::application(&state.db, number)
        .await?
        .ok_or_else(not_found)
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
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let app = authorised(&state, &headers, &number, lang).await?;
    let mut res = Json(status_of(&state, app).await?).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// What the applicant may see: states, deadlines, requests, decisions — never the staff's
/// internal notes (credit checks, follow-up dates).
async fn status_of(
    state: &AppState,
    app: db_review::AppRow,
) -> Result<ApplicationStatus, AppError> {
    let catalogue = &state.catalogue;
    let rows = db_review::items_of(&state.db, app.id).await?;
    let items: Vec<SubApplication> = rows
        .iter()
        .map(|r| {
            let d = review::decision_of(r);
            let text_of = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
            SubApplication {
                name: catalogue
                    .item(&r.item)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                department_name: catalogue
                    .department(&r.department)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                status: SubStatus::parse(&r.status).unwrap_or(SubStatus::Submitted),
                updated_at: rfc3339(r.updated_at),
                due_on: review::due_on(state, r),
                supplement_request: text_of("supplement_request")
                    .filter(|_| r.status == SubStatus::SupplementRequested.as_str()),
                insufficient: d
                    .get("insufficient_materials")
                    .and_then(Value::as_array)
                    .filter(|_| r.status == SubStatus::SupplementRequested.as_str())
                    .map(|ids| {
                        ids.iter()
                            .filter_map(Value::as_str)
                            .filter_map(|id| catalogue.material(id))
                            .map(|m| shared::api::MaterialRef {
                                id: m.id.clone(),
                                name: m.name.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                inspection_on: text_of("inspection_on")
                    .filter(|_| r.status == SubStatus::InspectionScheduled.as_str()),
                certificate: text_of("certificate"),
                valid_until: text_of("valid_until"),
                reason: text_of("reason"),
                item: r.item.clone(),
                department: r.department.clone(),
            }
        })
        .collect();
    let statuses: Vec<SubStatus> = items.iter().map(|i| i.status).collect();
    let notice: serde_json::Map<String, Value> = app
        .notice
        .as_deref()
        .and_then(|n| serde_json::from_str(n).ok())
        .unwrap_or_default();
    let correction = notice
        .get("correction")
        .and_then(Value::as_str)
        .filter(|_| app.status == "correction_requested")
        .map(str::to_string);
    let missing_materials = notice
        .get("missing_materials")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter_map(|m| catalogue.material(m))
                .map(|m| shared::api::MaterialRef {
                    id: m.id.clone(),
                    name: m.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    // Once registered: the enterprise's permits and what the holder has applied for since.
    let enterprise = crate::db::enterprises::of_application(&state.db, app.id).await?;
    let (mut permits, mut requests) = (Vec::new(), Vec::new());
    if let Some(e) = &enterprise {
        let today = shared::date::format_iso_date(county_date(now_unix()));
        for p in crate::db::enterprises::permits_of(&state.db, e.id).await? {
            permits.push(HolderPermit {
                state: super::verify::public_state(&p, &today).to_string(),
                name: catalogue
                    .item(&p.item)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                id: p.id,
                item: p.item,
                certificate: p.certificate,
                valid_until: p.valid_until,
            });
        }
        requests = super::changes::of_enterprise(state, e).await?;
    }
    Ok(ApplicationStatus {
        bundle_name: catalogue
            .bundle(&app.bundle)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        submitted_at: rfc3339(app.submitted_at),
        status: if app.status == "correction_requested" {
            OverallStatus::ActionNeeded
        } else {
            OverallStatus::derive(&statuses)
        },
        correction,
        missing_materials,
        bring_by: notice
            .get("bring_by")
            .and_then(Value::as_str)
            .map(str::to_string),
        licence: enterprise.as_ref().map(|e| shared::api::LicenceRef {
            verify_url: super::verify::verify_url(state, &e.verify_token),
            uscc: e.uscc.clone(),
        }),
        permits,
        requests,
        intake: app.status,
        number: app.number,
        bundle: app.bundle,
        items,
    })
}

/// The applicant answers the correction notice (the application goes back to the one window)
/// or an item's supplement request (the item's clock runs again).
#[utoipa::path(post, path = "/api/applications/{number}/reply", tag = "applications",
    params(("number" = String, Path)), request_body = Reply, security(("status_token" = [])),
    responses((status = 200, body = ApplicationStatus), (status = 401), (status = 404),
        (status = 409, description = "Nothing to answer"), (status = 422)))]
pub async fn reply(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(req): Json<Reply>,
) -> Result<Json<ApplicationStatus>, AppError> {
    let app = authorised(&state, &headers, &number, lang).await?;
    let message = req.message.trim();
    if message.is_empty() || message.chars().count() > 2000 {
        return Err(AppError::Validation(ErrorBody::field(
            "message",
            text(
                lang,
                "请填写答复（不超过 2000 字）",
                "Write your answer (2000 characters at most)",
            ),
        )));
    }
    let nothing = || {
        conflict(
            lang,
            "目前没有需要答复的事项",
            "There is nothing to answer now",
        )
    };
    let now = now_unix();
    let subject = format!("application {}", app.number);
    let applicant = |action, before, after| Entry {
        actor: "applicant",
        role: "applicant",
        action,
        subject: &subject,
        before,
        after,
    };
    let mut tx = state.db.pool.begin().await?;
    match req.item.as_deref() {
        None => {
            if app.status != "correction_requested" {
                return Err(nothing());
            }
            let mut notice: serde_json::Map<String, Value> = app
                .notice
                .as_deref()
                .and_then(|n| serde_json::from_str(n).ok())
                .unwrap_or_default();
            notice.insert("reply".into(), json!(message));
            let notice = Value::Object(notice).to_string();
            if !db_review::set_intake(&mut tx, &app, "submitted", Some(&notice)).await? {
                return Err(nothing());
            }
            let entry = applicant(
                "reply.correction",
                json!({ "intake": app.status }),
                json!({ "intake": "submitted", "reply": message }),
            );
            audit::append(&mut tx, &entry, now).await?;
        }
        Some(item) => {
            let rows = db_review::items_of(&state.db, app.id).await?;
            let row = rows
                .iter()
                .find(|r| r.item == item && r.status == SubStatus::SupplementRequested.as_str())
                .ok_or_else(nothing)?;
            let mut decision = review::decision_of(row);
            decision.insert("supplement_reply".into(), json!(message));
            let decision = Value::Object(decision).to_string();
            let change = db_review::ItemChange {
                status: SubStatus::Accepted.as_str(),
                paused_since: None,
                paused_days: review::paused_total(&state, row, county_date(now)),
                decision: Some(&decision),
                inspection_id: row.inspection_id,
            };
            if !db_review::change_item(&mut tx, row, &change, now).await? {
                return Err(nothing());
            }
            let entry = applicant(
                "reply.supplement",
                json!({ "item": item, "status": row.status }),
                json!({ "status": "accepted", "reply": message }),
            );
            audit::append(&mut tx, &entry, now).await?;
        }
    }
    tx.commit().await?;
    let app = db_review::application(&state.db, &number)
        .await?
        .ok_or_else(nothing)?;
    Ok(Json(status_of(&state, app).await?))
}
