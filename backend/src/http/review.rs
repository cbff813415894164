//! The back office's work: the one window's intake queue and decision, each department's queue
//! and review actions, and an application as one staff member may see it. Access is checked
//! here for every record: a reviewer reaches only their department's items (anything else is
//! 404, as if it did not exist) and sees only the answers those items use.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use shared::Lang;
use shared::form::Answers;
use shared::staff::{
    IntakeDecision, IntakeEntry, IntakeRequest, ReviewRequest, Role, StaffApplication, StaffItem,
};
use shared::status::{ReviewAction, SubStatus};

use super::staff::StaffUser;
use super::{Json, ReqLang, text};
use crate::AppState;
use crate::db::audit;
use crate::db::review::{self as db_review, AppRow, ItemChange, ItemRow};
use crate::domain::clock::{county_date, now_unix, rfc3339};
use crate::error::AppError;

fn not_found(lang: Lang) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        text(lang, "没有找到这份申请", "No such application"),
    )
}

fn conflict(lang: Lang, zh: &str, en: &str) -> AppError {
    AppError::client(StatusCode::CONFLICT, text(lang, zh, en))
}

fn stale(lang: Lang) -> AppError {
    AppError::client(
        StatusCode::PRECONDITION_FAILED,
        text(
            lang,
            "该记录已被他人更新，请刷新后再操作",
            "Someone else changed this record: reload it and try again",
        ),
    )
}

fn field_error(field: &str, lang: Lang, zh: &str, en: &str) -> AppError {
    AppError::Validation(shared::error::ErrorBody::field(field, text(lang, zh, en)))
}

fn parse_date(s: Option<&str>) -> Option<time::Date> {
    s.and_then(shared::date::parse_iso_date)
}

/// The last working day of an item's limit: committed days plus the working days it stood
/// still. `None` before acceptance or while paused.
fn due_on(state: &AppState, row: &ItemRow) -> Option<String> {
    if row.paused_since.is_some() {
        return None;
    }
    let accepted = parse_date(row.accepted_on.as_deref())?;
    let item = state.catalogue.item(&row.item)?;
    let days = item.limit_working_days() + u32::try_from(row.paused_days).unwrap_or(0);
    Some(shared::date::format_iso_date(
        state.calendar.due_date(accepted, days),
    ))
}

fn staff_item(state: &AppState, row: &ItemRow) -> StaffItem {
    StaffItem {
        id: row.id,
        application: row.number.clone(),
        name: state
            .catalogue
            .item(&row.item)
            .map(|i| i.name.clone())
            .unwrap_or_default(),
        item: row.item.clone(),
        department: row.department.clone(),
        status: SubStatus::parse(&row.status).unwrap_or(SubStatus::Submitted),
        version: row.version,
        due_on: due_on(state, row),
        decision: row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok()),
    }
}

/// Whether `user` may see item `row`: reviewers their department's only.
fn may_see(user: &StaffUser, row: &ItemRow) -> bool {
    user.role != Role::Reviewer || user.department.as_deref() == Some(row.department.as_str())
}

/// The answers a reviewer's items use (the automatic split); all of them for the window and
/// administrators.
fn visible_answers(state: &AppState, user: &StaffUser, items: &[ItemRow], all: Answers) -> Answers {
    if user.role != Role::Reviewer {
        return all;
    }
    let keys: Vec<String> = items
        .iter()
        .filter_map(|r| state.catalogue.item(&r.item))
        .flat_map(|i| {
            i.fields
                .iter()
                .flat_map(move |k| [k.clone(), shared::rules::instance_key(k, &i.id)])
        })
        .collect();
    all.into_iter().filter(|(k, _)| keys.contains(k)).collect()
}

async fn load_for(
    state: &AppState,
    user: &StaffUser,
    number: &str,
    lang: Lang,
) -> Result<(AppRow, Vec<ItemRow>), AppError> {
    let app = db_review::application(&state.db, number)
        .await?
        .ok_or_else(|| not_found(lang))?;
    let mut items = db_review::items_of(&state.db, app.id).await?;
    items.retain(|r| may_see(user, r));
    if items.is_empty() {
        return Err(not_found(lang));
    }
    Ok((app, items))
}

fn staff_application(
    state: &AppState,
    user: &StaffUser,
    app: AppRow,
    items: Vec<ItemRow>,
) -> StaffApplication {
    let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
    StaffApplication {
        bundle_name: state
            .catalogue
            .bundle(&app.bundle)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        answers: visible_answers(state, user, &items, answers),
        items: items.iter().map(|r| staff_item(state, r)).collect(),
        number: app.number,
        bundle: app.bundle,
        intake: app.status,
        version: app.version,
        submitted_at: rfc3339(app.submitted_at),
        notice: app
            .notice
            .as_deref()
            .and_then(|n| serde_json::from_str(n).ok()),
    }
}

/// Applications waiting at the one window, oldest first.
#[utoipa::path(get, path = "/api/staff/intake", tag = "staff",
    responses((status = 200, body = [IntakeEntry]), (status = 401), (status = 403)))]
pub async fn intake_queue(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
) -> Result<Json<Vec<IntakeEntry>>, AppError> {
    user.require(&[Role::Clerk, Role::Admin], lang)?;
    let mut out = Vec::new();
    for app in db_review::intake_queue(&state.db).await? {
        let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
        let items = db_review::items_of(&state.db, app.id).await?;
        out.push(IntakeEntry {
            bundle_name: state
                .catalogue
                .bundle(&app.bundle)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            business_name: answers
                .get("business.name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            submitted_at: rfc3339(app.submitted_at),
            item_count: items.len(),
            number: app.number,
        });
    }
    Ok(Json(out))
}

/// One application as this staff member may see it (the view is recorded in the audit log).
#[utoipa::path(get, path = "/api/staff/applications/{number}", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, body = StaffApplication), (status = 401), (status = 404)))]
pub async fn application(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
) -> Result<Json<StaffApplication>, AppError> {
    let (app, items) = load_for(&state, &user, &number, lang).await?;
    let subject = format!("application {}", app.number);
    audit::record(
        &state.db,
        &user.entry("view", &subject, json!(null), json!(null)),
        now_unix(),
    )
    .await?;
    Ok(Json(staff_application(&state, &user, app, items)))
}

/// The one window's decision: accept (every item to its department at once, optionally with
/// secondary materials to come later), or one correction notice listing everything.
#[utoipa::path(post, path = "/api/staff/applications/{number}/intake", tag = "staff",
    params(("number" = String, Path)), request_body = IntakeRequest,
    responses((status = 200, body = StaffApplication), (status = 403), (status = 404),
        (status = 409, description = "Already decided"), (status = 412, description = "Stale version"),
        (status = 422)))]
pub async fn intake(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
    Json(req): Json<IntakeRequest>,
) -> Result<Json<StaffApplication>, AppError> {
    user.require(&[Role::Clerk], lang)?;
    let (app, _) = load_for(&state, &user, &number, lang).await?;
    if app.version != req.version {
        return Err(stale(lang));
    }
    if app.status != "submitted" {
        return Err(conflict(
            lang,
            "这份申请已经处理过",
            "This application has already been decided at intake",
        ));
    }
    let now = now_unix();
    let today = county_date(now);
    let (status, notice) = match req.decision {
        IntakeDecision::Correct => {
            let text_ = req.notice.as_deref().map(str::trim).unwrap_or_default();
            if text_.is_empty() || text_.chars().count() > 2000 {
                return Err(field_error(
                    "notice",
                    lang,
                    "请一次性写明需要补正的全部内容（不超过 2000 字）",
                    "Write everything to correct, at once (2000 characters at most)",
                ));
            }
            ("correction_requested", json!({ "correction": text_ }))
        }
        IntakeDecision::Accept => {
            let view = state
                .catalogue
                .bundle_view(&app.bundle)
                .ok_or_else(|| anyhow::anyhow!("bundle {} left the catalogue", app.bundle))?;
            let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
            let cart = view.resolve(&answers);
            for m in &req.missing_materials {
                let allowed = cart
                    .materials
                    .iter()
                    .any(|x| &x.material.id == m && x.material.may_be_missing);
                if !allowed {
                    return Err(field_error(
                        "missing_materials",
                        lang,
                        "只有可容缺的次要材料可以后补",
                        "Only secondary materials allowed to follow may be missing",
                    ));
                }
            }
            let bring_by = parse_date(req.bring_by.as_deref());
            if !req.missing_materials.is_empty() && bring_by.is_none_or(|d| d < today) {
                return Err(field_error(
                    "bring_by",
                    lang,
                    "请填写申请人承诺补交的日期（不早于今天）",
                    "Give the day the applicant commits to bring them (today or later)",
                ));
            }
            (
                "accepted",
                json!({ "missing_materials": req.missing_materials, "bring_by": req.bring_by }),
            )
        }
    };
    let notice_text = notice.to_string();
    let mut tx = state.db.pool.begin().await?;
    if !db_review::set_intake(&mut tx, &app, status, Some(&notice_text)).await? {
        return Err(stale(lang));
    }
    if status == "accepted" {
        let accepted_on = shared::date::format_iso_date(today);
        db_review::accept_items(&mut tx, app.id, &accepted_on, now).await?;
    }
    let subject = format!("application {}", app.number);
    let action = format!("intake.{status}");
    audit::append(
        &mut tx,
        &user.entry(
            &action,
            &subject,
            json!({ "intake": app.status }),
            json!({ "intake": status, "notice": notice }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    let (app, items) = load_for(&state, &user, &number, lang).await?;
    Ok(Json(staff_application(&state, &user, app, items)))
}

/// A reviewer's queue: their department's open items, the nearest deadline first (paused
/// items last).
#[utoipa::path(get, path = "/api/staff/queue", tag = "staff",
    responses((status = 200, body = [StaffItem]), (status = 401), (status = 403)))]
pub async fn queue(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
) -> Result<Json<Vec<StaffItem>>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let department = user.department.clone().unwrap_or_default();
    let mut items: Vec<StaffItem> = db_review::department_queue(&state.db, &department)
        .await?
        .iter()
        .map(|r| staff_item(&state, r))
        .collect();
    items.sort_by(|a, b| match (&a.due_on, &b.due_on) {
        (Some(x), Some(y)) => x.cmp(y).then(a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    Ok(Json(items))
}

/// A reviewer acts on one item of their department: the state machine decides what is allowed
/// (409 otherwise); a stale version changes nothing (412).
#[utoipa::path(post, path = "/api/staff/items/{id}/review", tag = "staff",
    params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = StaffItem), (status = 403), (status = 404),
        (status = 409, description = "Not possible in the item's state"),
        (status = 412, description = "Stale version"), (status = 422)))]
pub async fn review(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(id): Path<i64>,
    Json(req): Json<ReviewRequest>,
) -> Result<Json<StaffItem>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let row = db_review::item(&state.db, id)
        .await?
        .filter(|r| may_see(&user, r))
        .ok_or_else(|| not_found(lang))?;
    if row.version != req.version {
        return Err(stale(lang));
    }
    let from = SubStatus::parse(&row.status).ok_or_else(|| anyhow::anyhow!("bad state"))?;
    let to = match req.action {
        ReviewAction::Accept => None,
        action => from.after(action),
    }
    .ok_or_else(|| {
        conflict(
            lang,
            "此事项当前状态下不能执行该操作",
            "This action is not possible in the item's current state",
        )
    })?;
    let now = now_unix();
    let today = county_date(now);
    let today_text = shared::date::format_iso_date(today);
    let message = req
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty() && m.chars().count() <= 2000);
    let mut decision: serde_json::Map<String, Value> = row
        .decision
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let (mut paused_since, mut paused_days) = (row.paused_since.clone(), row.paused_days);
    match req.action {
        ReviewAction::RequestSupplement | ReviewAction::Reject => {
            let m = message.ok_or_else(|| {
                field_error(
                    "message",
                    lang,
                    "请写明理由或需要补充的内容（不超过 2000 字）",
                    "Write the reason or what is needed (2000 characters at most)",
                )
            })?;
            let key = if req.action == ReviewAction::Reject {
                "reason"
            } else {
                "supplement_request"
            };
            decision.insert(key.into(), json!(m));
        }
        ReviewAction::ScheduleInspection => {
            let on = parse_date(req.inspection_on.as_deref())
                .filter(|d| *d >= today)
                .ok_or_else(|| {
                    field_error(
                        "inspection_on",
                        lang,
                        "请填写核查日期（不早于今天）",
                        "Give the inspection day (today or later)",
                    )
                })?;
            decision.insert(
                "inspection_on".into(),
                json!(shared::date::format_iso_date(on)),
            );
        }
        ReviewAction::RecordInspection => {
            if let Some(m) = message {
                decision.insert("inspection_result".into(), json!(m));
            }
        }
        ReviewAction::Approve => {
            let certificate = req
                .certificate
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty() && c.chars().count() <= 40)
                .ok_or_else(|| {
                    field_error(
                        "certificate",
                        lang,
                        "请填写许可证编号（不超过 40 字）",
                        "Give the certificate number (40 characters at most)",
                    )
                })?;
            decision.insert("certificate".into(), json!(certificate));
            if let Some(years) = state
                .catalogue
                .item(&row.item)
                .and_then(|i| i.validity_years)
            {
                let until = today
                    .replace_year(today.year() + years as i32)
                    .unwrap_or(today);
                decision.insert(
                    "valid_until".into(),
                    json!(shared::date::format_iso_date(until)),
                );
            }
        }
        ReviewAction::ApproveByCommitment => {
            // The dishonesty-list check that must come first is not built yet: refuse rather
            // than approve unchecked.
            return Err(conflict(
                lang,
                "失信名单尚未导入，暂不能按告知承诺审批",
                "The dishonesty list is not loaded: approval by commitment is not available yet",
            ));
        }
        ReviewAction::Supplied | ReviewAction::Accept => {}
    }
    // The clock: a pause starts on entering a pausing state; leaving it adds the working days
    // it stood still.
    if to.pauses_clock() && !from.pauses_clock() {
        paused_since = Some(today_text.clone());
    } else if from.pauses_clock()
        && !to.pauses_clock()
        && let Some(since) = parse_date(paused_since.as_deref())
    {
        paused_days += i64::from(state.calendar.working_days_between(since, today));
        paused_since = None;
    }
    let decision_text = Value::Object(decision.clone()).to_string();
    let change = ItemChange {
        status: to.as_str(),
        paused_since: paused_since.as_deref(),
        paused_days,
        decision: Some(&decision_text),
    };
    let mut tx = state.db.pool.begin().await?;
    if !db_review::change_item(&mut tx, &row, &change, now).await? {
        return Err(stale(lang));
    }
    let subject = format!("item {}", row.id);
    let action = format!("review.{}", req.action.as_str());
    audit::append(
        &mut tx,
        &user.entry(
            &action,
            &subject,
            json!({ "status": row.status, "application": row.number }),
            json!({ "status": to.as_str(), "decision": decision }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    let row = db_review::item(&state.db, id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    Ok(Json(staff_item(&state, &row)))
}
