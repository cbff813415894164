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
    HistoryEntry, InspectionResult, IntakeDecision, IntakeEntry, IntakeRequest,
    JointInspectionRequest, PermitStateRequest, ReviewRequest, Role, StaffApplication, StaffItem,
    StaffPermit,
};
use shared::status::{ReviewAction, SubStatus};

use super::staff::StaffUser;
use super::{Json, ReqLang, checked_message, conflict, field_error, text};
use crate::db::audit;
use crate::db::review::{self as db_review, AppRow, ItemChange, ItemRow};
use crate::domain::clock::{county_date, now_unix, rfc3339};
use crate::error::AppError;
use crate::{AppState, licence};

fn not_found(lang: Lang) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        text(lang, "没有找到这份申请", "No such application"),
    )
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

fn parse_date(s: Option<&str>) -> Option<time::Date> {
    s.and_then(shared::date::parse_iso_date)
}

/// The last working day of an item's limit: committed days plus the working days it stood
/// still. `None` before acceptance, while paused, and once decided.
pub(crate) fn due_on(state: &AppState, row: &ItemRow) -> Option<String> {
    let decided = SubStatus::parse(&row.status).is_some_and(SubStatus::is_final);
    if row.paused_since.is_some() || decided {
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
        inspection: row.inspection_id,
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

/// The application behind `number` and **all** its items, if `user` may see at least one of
/// them (404 otherwise, as if it did not exist).
async fn load_for(
    state: &AppState,
    user: &StaffUser,
    number: &str,
    lang: Lang,
) -> Result<(AppRow, Vec<ItemRow>), AppError> {
    let app = db_review::application(&state.db, number)
        .await?
        .ok_or_else(|| not_found(lang))?;
    let all = db_review::items_of(&state.db, app.id).await?;
    if !all.iter().any(|r| may_see(user, r)) {
        return Err(not_found(lang));
    }
    Ok((app, all))
}

async fn staff_application(
    state: &AppState,
    user: &StaffUser,
    app: AppRow,
    all: Vec<ItemRow>,
) -> Result<StaffApplication, AppError> {
    let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
    let items: Vec<ItemRow> = all.iter().filter(|r| may_see(user, r)).cloned().collect();
    let inspectable = all
        .iter()
        .filter(|r| r.status == SubStatus::Accepted.as_str())
        .filter(|r| {
            state
                .catalogue
                .item(&r.item)
                .is_some_and(|i| i.onsite_inspection)
        })
        .map(|r| StaffItem {
            decision: None,
            ..staff_item(state, r)
        })
        .collect();
    let today = shared::date::format_iso_date(county_date(now_unix()));
    let enterprise = crate::db::enterprises::of_application(&state.db, app.id).await?;
    let mut permits = Vec::new();
    if let Some(e) = &enterprise {
        for p in crate::db::enterprises::permits_of(&state.db, e.id).await? {
            permits.push(StaffPermit {
                state: super::verify::public_state(&p, &today).to_string(),
                id: p.id,
                item: p.item,
                department: p.department,
                certificate: p.certificate,
                valid_until: p.valid_until,
                reason: p.reason,
            });
        }
    }
    Ok(StaffApplication {
        inspectable,
        licence: enterprise.map(|e| shared::api::LicenceRef {
            verify_url: super::verify::verify_url(state, &e.verify_token),
            uscc: e.uscc,
        }),
        permits,
        materials: super::materials::staff_materials(state, user, &app).await?,
        archived: crate::db::materials::archive(&state.db, app.id)
            .await?
            .is_some(),
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
        filed_by: app.filed_by,
        notice: app
            .notice
            .as_deref()
            .and_then(|n| serde_json::from_str(n).ok()),
    })
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
    Ok(Json(staff_application(&state, &user, app, items).await?))
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
    Ok(Json(staff_application(&state, &user, app, items).await?))
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

/// Working days an item's clock stood still, up to `today`, added to those counted before.
pub(crate) fn paused_total(state: &AppState, row: &ItemRow, today: time::Date) -> i64 {
    let pending = parse_date(row.paused_since.as_deref())
        .map_or(0, |since| state.calendar.working_days_between(since, today));
    row.paused_days + i64::from(pending)
}

pub(crate) fn decision_of(row: &ItemRow) -> serde_json::Map<String, Value> {
    row.decision
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default()
}

fn today_text(today: time::Date) -> String {
    shared::date::format_iso_date(today)
}

/// Schedules one visit for `rows` (each `accepted`, at the version read): each item's clock
/// stops until the visit is recorded. One audit entry names them all.
async fn schedule_inspection(
    state: &AppState,
    user: &StaffUser,
    rows: &[(ItemRow, i64)],
    on: time::Date,
    lang: Lang,
) -> Result<i64, AppError> {
    let now = now_unix();
    let today = today_text(county_date(now));
    let on = shared::date::format_iso_date(on);
    let first = &rows.first().ok_or_else(|| not_found(lang))?.0;
    let mut tx = state.db.pool.begin().await?;
    let id =
        db_review::create_inspection(&mut tx, first.application_id, &on, &user.username).await?;
    for (row, version) in rows {
        if SubStatus::parse(&row.status)
            .and_then(|s| s.after(ReviewAction::ScheduleInspection))
            .is_none()
        {
            return Err(conflict(
                lang,
                "此事项当前状态下不能安排核查",
                "An item is not in a state to be inspected",
            ));
        }
        let mut decision = decision_of(row);
        decision.insert("inspection_on".into(), json!(on));
        let decision = Value::Object(decision).to_string();
        let change = ItemChange {
            status: SubStatus::InspectionScheduled.as_str(),
            paused_since: Some(&today),
            paused_days: row.paused_days,
            decision: Some(&decision),
            inspection_id: Some(id),
        };
        let row = ItemRow {
            version: *version,
            ..row.clone()
        };
        if !db_review::change_item(&mut tx, &row, &change, now).await? {
            return Err(stale(lang));
        }
    }
    let subject = format!("application {}", first.number);
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
    audit::append(
        &mut tx,
        &user.entry(
            "inspection.schedule",
            &subject,
            json!(null),
            json!({ "inspection": id, "on": on, "items": ids }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a visit once for all its items: each clock runs again, the paused working days added.
async fn record_inspection(
    state: &AppState,
    user: &StaffUser,
    inspection_id: i64,
    result: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let now = now_unix();
    let today = county_date(now);
    let rows = db_review::items_of_inspection(&state.db, inspection_id).await?;
    let mut tx = state.db.pool.begin().await?;
    if !db_review::record_inspection(&mut tx, inspection_id, &user.username, result).await? {
        return Err(conflict(
            lang,
            "这次核查已经记录过",
            "This inspection is already recorded",
        ));
    }
    for row in rows
        .iter()
        .filter(|r| r.status == SubStatus::InspectionScheduled.as_str())
    {
        let mut decision = decision_of(row);
        decision.insert("inspection_result".into(), json!(result));
        let decision = Value::Object(decision).to_string();
        let change = ItemChange {
            status: SubStatus::Accepted.as_str(),
            paused_since: None,
            paused_days: paused_total(state, row, today),
            decision: Some(&decision),
            inspection_id: row.inspection_id,
        };
        if !db_review::change_item(&mut tx, row, &change, now).await? {
            return Err(stale(lang));
        }
    }
    let subject = format!("inspection {inspection_id}");
    audit::append(
        &mut tx,
        &user.entry(
            "inspection.record",
            &subject,
            json!(null),
            json!({ "result": result }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The credit check before an approval by commitment: the list must have been imported and
/// neither the legal representative nor the enterprise may be on it. The check and its result
/// are written to the audit log whatever it finds.
async fn credit_check(
    state: &AppState,
    user: &StaffUser,
    row: &ItemRow,
    answers: &Answers,
    lang: Lang,
) -> Result<Value, AppError> {
    let Some(imported_at) = crate::db::credit::last_import(&state.db).await? else {
        return Err(conflict(
            lang,
            "失信名单尚未导入，不能按告知承诺审批",
            "The dishonesty list has not been imported: no approval by commitment",
        ));
    };
    let mut parties = Vec::new();
    if let Some(id) = answers.get("legal_rep.id_number").and_then(Value::as_str) {
        parties.push(("id_number", id.to_string()));
    }
    if let Some(code) = answers.get("business.uscc").and_then(Value::as_str) {
        parties.push(("uscc", code.to_string()));
    }
    let mut listed = Vec::new();
    for (kind, value) in &parties {
        if let Some((name, source)) = crate::db::credit::lookup(&state.db, kind, value).await? {
            listed.push(json!({ "kind": kind, "name": name, "source": source }));
        }
    }
    let check = json!({ "list_imported_at": rfc3339(imported_at), "checked": parties.len(), "listed": listed });
    let subject = format!("item {}", row.id);
    audit::record(
        &state.db,
        &user.entry("credit.check", &subject, json!(null), check.clone()),
        now_unix(),
    )
    .await?;
    if !listed.is_empty() {
        return Err(conflict(
            lang,
            "申请人在失信名单上，不能适用告知承诺，请按一般程序审查",
            "The applicant is on the dishonesty list: no commitment path, review in full",
        ));
    }
    Ok(check)
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
    // Accepted with materials to follow (容缺): an item needing one waits for it to arrive.
    if matches!(
        req.action,
        ReviewAction::Approve | ReviewAction::ApproveByCommitment
    ) {
        let owed: Vec<String> = owed_for(&state, &row)
            .await?
            .iter()
            .map(|t| t.get(lang).to_string())
            .collect();
        if !owed.is_empty() {
            return Err(conflict(
                lang,
                &format!("容缺材料尚未补齐，暂不能准予：{}", owed.join("、")),
                &format!("Materials owed are not in yet: {}", owed.join(", ")),
            ));
        }
    }
    let now = now_unix();
    let today = county_date(now);
    let message = checked_message(req.message.as_deref());
    let mut decision = decision_of(&row);
    let need_message = || {
        field_error(
            "message",
            lang,
            "请写明理由或需要补充的内容（不超过 2000 字）",
            "Write the reason or what is needed (2000 characters at most)",
        )
    };
    let certificate = || {
        req.certificate
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
            })
    };
    let valid_until = || {
        state
            .catalogue
            .item(&row.item)
            .and_then(|i| i.validity_years)
            .and_then(|years| shared::date::years_later(today, years))
            .map(shared::date::format_iso_date)
    };
    match req.action {
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
            let version = row.version;
            schedule_inspection(&state, &user, &[(row, version)], on, lang).await?;
            return reread(&state, id, lang).await;
        }
        ReviewAction::RecordInspection => {
            let inspection = row
                .inspection_id
                .ok_or_else(|| anyhow::anyhow!("inspection missing"))?;
            record_inspection(&state, &user, inspection, message.unwrap_or_default(), lang).await?;
            return reread(&state, id, lang).await;
        }
        ReviewAction::RequestSupplement | ReviewAction::Reject => {
            let m = message.ok_or_else(need_message)?;
            let key = if req.action == ReviewAction::Reject {
                "reason"
            } else {
                "supplement_request"
            };
            decision.insert(key.into(), json!(m));
            decision.remove("insufficient_materials");
            if req.action == ReviewAction::RequestSupplement && !req.insufficient.is_empty() {
                let needs = state.catalogue.item(&row.item).map(|i| &i.materials);
                if !req
                    .insufficient
                    .iter()
                    .all(|m| needs.is_some_and(|n| n.contains(m)))
                {
                    return Err(field_error(
                        "insufficient",
                        lang,
                        "只能标注本事项所需的材料",
                        "Only materials this item needs can be marked",
                    ));
                }
                decision.insert("insufficient_materials".into(), json!(req.insufficient));
            }
        }
        ReviewAction::Approve => {
            // The business licence's number is the credit code issued on approval.
            if row.item != licence::REGISTRATION {
                decision.insert("certificate".into(), json!(certificate()?));
            }
            if let Some(until) = valid_until() {
                decision.insert("valid_until".into(), json!(until));
            }
        }
        ReviewAction::ApproveByCommitment => {
            let item = state.catalogue.item(&row.item);
            let app = db_review::application(&state.db, &row.number)
                .await?
                .ok_or_else(|| not_found(lang))?;
            let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
            let chosen = answers
                .get(&shared::rules::instance_key("commitment.chosen", &row.item))
                .and_then(Value::as_bool)
                == Some(true);
            if !item.is_some_and(|i| i.commitment_allowed) || !chosen {
                return Err(conflict(
                    lang,
                    "此事项不适用告知承诺，或申请人未选择告知承诺",
                    "This item has no commitment path, or the applicant did not choose it",
                ));
            }
            let follow_up = parse_date(req.follow_up_on.as_deref())
                .filter(|d| *d > today)
                .ok_or_else(|| {
                    field_error(
                        "follow_up_on",
                        lang,
                        "请填写事后核查日期（晚于今天）",
                        "Give the follow-up check day (after today)",
                    )
                })?;
            let certificate = certificate()?;
            let check = credit_check(&state, &user, &row, &answers, lang).await?;
            decision.insert("certificate".into(), json!(certificate));
            if let Some(until) = valid_until() {
                decision.insert("valid_until".into(), json!(until));
            }
            decision.insert("by_commitment".into(), json!(true));
            decision.insert(
                "follow_up_on".into(),
                json!(shared::date::format_iso_date(follow_up)),
            );
            decision.insert("credit_check".into(), check);
        }
        ReviewAction::Supplied | ReviewAction::Accept => {}
    }
    // The clock: a supplement request stops it; the supplement restarts it, the paused
    // working days added.
    let (paused_since, paused_days) = if to.pauses_clock() {
        (Some(today_text(today)), row.paused_days)
    } else {
        (None, paused_total(&state, &row, today))
    };
    // An approval makes a permit of the enterprise; the registration's creates the enterprise.
    let approved = to == SubStatus::Approved;
    let enterprise = if approved {
        crate::db::enterprises::of_application(&state.db, row.application_id).await?
    } else {
        None
    };
    let earlier: Vec<(ItemRow, serde_json::Map<String, Value>)> = if approved {
        db_review::items_of(&state.db, row.application_id)
            .await?
            .into_iter()
            .filter(|r| r.id != row.id && r.status == SubStatus::Approved.as_str())
            .map(|r| {
                let d = decision_of(&r);
                (r, d)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut tx = state.db.pool.begin().await?;
    let mut enterprise_id = enterprise.map(|e| e.id);
    if approved && row.item == licence::REGISTRATION && enterprise_id.is_none() {
        let app = db_review::application(&state.db, &row.number)
            .await?
            .ok_or_else(|| not_found(lang))?;
        let (id, uscc) =
            licence::create_enterprise(&mut tx, &state.catalogue, &app, &today_text(today), now)
                .await?;
        decision.insert("certificate".into(), json!(uscc));
        enterprise_id = Some(id);
        licence::attach_approved(&mut tx, id, &earlier, &today_text(today), now).await?;
    }
    let decision_text = Value::Object(decision.clone()).to_string();
    let change = ItemChange {
        status: to.as_str(),
        paused_since: paused_since.as_deref(),
        paused_days,
        decision: Some(&decision_text),
        inspection_id: row.inspection_id,
    };
    if !db_review::change_item(&mut tx, &row, &change, now).await? {
        return Err(stale(lang));
    }
    if let (true, Some(id)) = (approved, enterprise_id) {
        let this = [(row.clone(), decision.clone())];
        licence::attach_approved(&mut tx, id, &this, &today_text(today), now).await?;
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
    archive_if_complete(&state, row.application_id).await;
    reread(&state, id, lang).await
}

/// The materials owed (容缺) that this item needs, by name.
async fn owed_for(state: &AppState, row: &ItemRow) -> Result<Vec<shared::Text>, AppError> {
    let Some(app) = db_review::application_by_id(&state.db, row.application_id).await? else {
        return Ok(Vec::new());
    };
    let needs = state
        .catalogue
        .item(&row.item)
        .map(|i| i.materials.clone())
        .unwrap_or_default();
    Ok(app
        .owed()
        .iter()
        .filter(|m| needs.contains(m))
        .filter_map(|m| state.catalogue.material(m))
        .map(|m| m.name.clone())
        .collect())
}

/// Files the application's archive when its last item is decided. A failure is logged, not
/// the decision's: the archive is built again on its first download.
async fn archive_if_complete(state: &AppState, application_id: i64) {
    if let Err(e) = crate::archive::when_complete(state, application_id).await {
        tracing::error!(application_id, error = %e, "archive not built");
    }
}

/// The application's archive (a zip: form, materials, decisions, audit excerpt, signed
/// manifest), once every item is decided. Any staff member who may see the application.
#[utoipa::path(get, path = "/api/staff/applications/{number}/archive", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, description = "The zip package"), (status = 404),
        (status = 409, description = "Not every item is decided yet")))]
pub async fn archive(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let (app, _) = load_for(&state, &user, &number, lang).await?;
    let sha = crate::archive::when_complete(&state, app.id)
        .await?
        .ok_or_else(|| {
            conflict(
                lang,
                "尚有事项未办结，档案尚未生成",
                "Not every item is decided: no archive yet",
            )
        })?;
    let bytes = state.files.get(&sha).await?;
    let subject = format!("application {}", app.number);
    audit::record(
        &state.db,
        &user.entry(
            "archive.download",
            &subject,
            json!(null),
            json!({ "sha256": sha }),
        ),
        now_unix(),
    )
    .await?;
    let disposition = format!("attachment; filename=\"archive-{}.zip\"", app.number);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/zip".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn reread(state: &AppState, id: i64, lang: Lang) -> Result<Json<StaffItem>, AppError> {
    let row = db_review::item(&state.db, id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    Ok(Json(staff_item(state, &row)))
}

/// A joint inspection (单改综): one visit for several items of one application that need an
/// on-site check, scheduled by a reviewer of one of them; every item's clock stops.
#[utoipa::path(post, path = "/api/staff/applications/{number}/inspections", tag = "staff",
    params(("number" = String, Path)), request_body = JointInspectionRequest,
    responses((status = 200, body = StaffApplication), (status = 403), (status = 404), (status = 409),
        (status = 412), (status = 422)))]
pub async fn joint_inspection(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
    Json(req): Json<JointInspectionRequest>,
) -> Result<Json<StaffApplication>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let (_, all) = load_for(&state, &user, &number, lang).await?;
    let on = parse_date(Some(&req.on))
        .filter(|d| *d >= county_date(now_unix()))
        .ok_or_else(|| {
            field_error(
                "on",
                lang,
                "请填写核查日期（不早于今天）",
                "Give the inspection day (today or later)",
            )
        })?;
    let mut rows = Vec::new();
    for wanted in &req.items {
        let row = all.iter().find(|r| r.id == wanted.id).ok_or_else(|| {
            field_error(
                "items",
                lang,
                "事项不属于这份申请",
                "An item is not part of this application",
            )
        })?;
        let onsite = state
            .catalogue
            .item(&row.item)
            .is_some_and(|i| i.onsite_inspection);
        if !onsite {
            return Err(field_error(
                "items",
                lang,
                "只有需要现场核查的事项可以联合核查",
                "Only items with an on-site check can be inspected",
            ));
        }
        if row.version != wanted.version {
            return Err(stale(lang));
        }
        rows.push((row.clone(), wanted.version));
    }
    if rows.is_empty() || !rows.iter().any(|(r, _)| may_see(&user, r)) {
        return Err(field_error(
            "items",
            lang,
            "请至少选择一个本部门的事项",
            "Choose at least one item of your department",
        ));
    }
    schedule_inspection(&state, &user, &rows, on, lang).await?;
    let (app, items) = load_for(&state, &user, &number, lang).await?;
    Ok(Json(staff_application(&state, &user, app, items).await?))
}

/// Records a joint inspection once, for every item in it; any reviewer of one of them may.
#[utoipa::path(post, path = "/api/staff/inspections/{id}/record", tag = "staff",
    params(("id" = i64, Path)), request_body = InspectionResult,
    responses((status = 200), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn record_joint_inspection(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(id): Path<i64>,
    Json(req): Json<InspectionResult>,
) -> Result<Json<Value>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let items = db_review::items_of_inspection(&state.db, id).await?;
    if db_review::inspection(&state.db, id).await?.is_none()
        || !items.iter().any(|r| may_see(&user, r))
    {
        return Err(not_found(lang));
    }
    let result = checked_message(Some(&req.result)).ok_or_else(|| {
        field_error(
            "result",
            lang,
            "请填写核查结果（不超过 2000 字）",
            "Write the result (2000 characters at most)",
        )
    })?;
    record_inspection(&state, &user, id, result, lang).await?;
    Ok(Json(json!({ "recorded": id })))
}

/// An application's history: every audit entry about it, its items and its inspections, oldest
/// first — for the staff who may see the application.
#[utoipa::path(get, path = "/api/staff/applications/{number}/history", tag = "staff",
    params(("number" = String, Path)),
    responses((status = 200, body = [HistoryEntry]), (status = 401), (status = 404)))]
pub async fn history(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, AppError> {
    let (app, all) = load_for(&state, &user, &number, lang).await?;
    Ok(Json(history_of(&state, &app, &all).await?))
}

/// An application's part of the audit log: its own entries, its items' and its inspections',
/// in order (the history page and the archive's excerpt).
pub(crate) async fn history_of(
    state: &AppState,
    app: &AppRow,
    all: &[ItemRow],
) -> sqlx::Result<Vec<HistoryEntry>> {
    let mut subjects = vec![format!("application {}", app.number)];
    subjects.extend(all.iter().map(|r| format!("item {}", r.id)));
    let mut inspections: Vec<i64> = all.iter().filter_map(|r| r.inspection_id).collect();
    inspections.dedup();
    subjects.extend(inspections.iter().map(|i| format!("inspection {i}")));
    let mut entries = Vec::new();
    for subject in &subjects {
        for r in audit::history(&state.db, subject).await? {
            entries.push(HistoryEntry {
                seq: r.seq,
                at: rfc3339(r.at),
                actor: r.actor,
                role: r.role,
                action: r.action,
                subject: r.subject,
                after: serde_json::from_str(&r.after_state).unwrap_or(Value::Null),
            });
        }
    }
    entries.sort_by_key(|e| e.seq);
    entries.dedup_by_key(|e| e.seq);
    Ok(entries)
}

/// An administrator imports the dishonesty list (CSV: `kind,value,name,source`, kind `uscc` or
/// `id_number`): it replaces the previous list as a whole; every code is checked first.
#[utoipa::path(post, path = "/api/staff/dishonesty-list", tag = "staff",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200), (status = 403), (status = 415), (status = 422)))]
pub async fn import_dishonesty_list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    headers: axum::http::HeaderMap,
    body: String,
) -> Result<Json<Value>, AppError> {
    user.require(&[Role::Admin], lang)?;
    let csv_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv"));
    if !csv_type {
        return Err(AppError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            text(
                lang,
                "请上传 CSV 文件（text/csv）",
                "Send a CSV file (text/csv)",
            ),
        ));
    }
    let today = county_date(now_unix());
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let Ok(r) = record else {
            problems.push(format!("{line}"));
            continue;
        };
        let (kind, value, name, source) = (
            r.get(0).unwrap_or(""),
            r.get(1).unwrap_or(""),
            r.get(2).unwrap_or(""),
            r.get(3).unwrap_or(""),
        );
        let value = match kind {
            "uscc" => shared::ids::check_uscc(value).ok(),
            "id_number" => shared::ids::check_resident_id(value, today).ok(),
            _ => None,
        };
        match value {
            Some(value) if !name.is_empty() => entries.push(crate::db::credit::Listed {
                kind: kind.into(),
                value,
                name: name.into(),
                source: source.into(),
            }),
            _ => problems.push(format!("{line}")),
        }
    }
    if !problems.is_empty() {
        problems.truncate(20);
        let lines = problems.join(", ");
        let message = match lang {
            Lang::Zh => format!(
                "以下行无法导入（类型须为 uscc 或 id_number，代码须通过校验，名称不能为空）：{lines}"
            ),
            Lang::En => format!(
                "These lines cannot be imported (kind uscc or id_number, a valid code, a name): {lines}"
            ),
        };
        return Err(AppError::Validation(shared::error::ErrorBody::field(
            "file", message,
        )));
    }
    let now = now_unix();
    let mut tx = state.db.pool.begin().await?;
    crate::db::credit::replace(&mut tx, &entries, &user.username, now).await?;
    audit::append(
        &mut tx,
        &user.entry(
            "dishonesty_list.import",
            "dishonesty list",
            json!(null),
            json!({ "entries": entries.len() }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "entries": entries.len() })))
}

/// A department changes the state of one of its own permits: suspend, revoke (a reason
/// required), reinstate, or cancel on the holder's request. The public page shows it at once.
#[utoipa::path(post, path = "/api/staff/permits/{id}/state", tag = "staff",
    params(("id" = i64, Path)), request_body = PermitStateRequest,
    responses((status = 200), (status = 403), (status = 404), (status = 422)))]
pub async fn permit_state(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(id): Path<i64>,
    Json(req): Json<PermitStateRequest>,
) -> Result<Json<Value>, AppError> {
    user.require(&[Role::Reviewer], lang)?;
    let permit = crate::db::enterprises::permit(&state.db, id)
        .await?
        .filter(|p| user.department.as_deref() == Some(p.department.as_str()))
        .ok_or_else(|| not_found(lang))?;
    if !["valid", "suspended", "revoked", "cancelled"].contains(&req.state.as_str()) {
        return Err(field_error("state", lang, "无效的状态", "Unknown state"));
    }
    let reason = checked_message(req.reason.as_deref());
    if req.state != "valid" && reason.is_none() {
        return Err(field_error("reason", lang, "请写明理由", "Give the reason"));
    }
    let now = now_unix();
    let mut tx = state.db.pool.begin().await?;
    crate::db::enterprises::set_state(&mut tx, &permit, &req.state, reason, now).await?;
    let subject = format!("permit {}", permit.id);
    audit::append(
        &mut tx,
        &user.entry(
            "permit.state",
            &subject,
            json!({ "state": permit.state }),
            json!({ "state": req.state, "reason": reason }),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "id": permit.id, "state": req.state })))
}
