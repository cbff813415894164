//! Submitting an application and reading its status with the private token.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::Lang;
use shared::api::{
    ApplicationCreated, ApplicationStatus, CreateApplication, IDEMPOTENCY_KEY, SubApplication,
};
use shared::error::ErrorBody;
use shared::status::{OverallStatus, SubStatus};
use validator::Validate;

use super::{Json, ReqLang, text};
use crate::AppState;
use crate::db::applications::{self as db_apps, NewApplication};
use crate::db::idempotency::{self, Stored};
use crate::db::is_unique_violation;
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
    let new = NewApplication {
        day: &day,
        token_hash: &token_hash,
        bundle: &view.bundle.id,
        answers: &answers_json,
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        now,
        items,
    };

    let mut tx = state.db.pool.begin().await?;
    let number = db_apps::insert(&mut tx, &new).await?;
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
    if !is_number(&number) {
        return Err(not_found());
    }
    let app = db_apps::find(&state.db, &number)
        .await?
        .ok_or_else(not_found)?;
    if app.token_hash != presented {
        return Err(not_found());
    }
    let catalogue = &state.catalogue;
    let subs = db_apps::sub_applications(&state.db, app.id).await?;
    let items: Vec<SubApplication> = subs
        .into_iter()
        .map(|s| SubApplication {
            name: catalogue
                .item(&s.item)
                .map(|i| i.name.clone())
                .unwrap_or_default(),
            department_name: catalogue
                .department(&s.department)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            status: SubStatus::parse(&s.status).unwrap_or(SubStatus::Submitted),
            updated_at: rfc3339(s.updated_at),
            item: s.item,
            department: s.department,
        })
        .collect();
    let statuses: Vec<SubStatus> = items.iter().map(|i| i.status).collect();
    let body = ApplicationStatus {
        bundle_name: catalogue
            .bundle(&app.bundle)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        number: app.number,
        bundle: app.bundle,
        submitted_at: rfc3339(app.submitted_at),
        status: OverallStatus::derive(&statuses),
        items,
    };
    let mut res = Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
