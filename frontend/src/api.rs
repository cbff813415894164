//! The only module that speaks HTTP: typed calls to the API, every failure decoded into the
//! shared error body.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::api::{
    self, ApplicationCreated, ApplicationStatus, BundleSummary, CreateApplication, Reply,
};
use shared::catalogue::BundleView;
use shared::error::ErrorBody;

/// A failed call: the HTTP status (0 when the network failed) and the error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub body: ErrorBody,
}

fn network(lang: Lang, e: impl std::fmt::Display) -> ApiError {
    let msg = match lang {
        Lang::Zh => format!("网络连接失败，请检查网络后重试（{e}）"),
        Lang::En => format!("Network error, please check your connection and retry ({e})"),
    };
    ApiError {
        status: 0,
        body: ErrorBody::new(msg),
    }
}

async fn decode<T: DeserializeOwned>(res: Response, lang: Lang) -> Result<T, ApiError> {
    if res.status() == 204 {
        return serde_json::from_str("null").map_err(|e| network(lang, e));
    }
    if res.ok() {
        return res.json::<T>().await.map_err(|e| network(lang, e));
    }
    let status = res.status();
    let body = res
        .json::<ErrorBody>()
        .await
        .unwrap_or_else(|_| ErrorBody::new(format!("HTTP {status}")));
    Err(ApiError { status, body })
}

async fn get<T: DeserializeOwned>(
    url: &str,
    lang: Lang,
    token: Option<&str>,
) -> Result<T, ApiError> {
    let mut req = Request::get(url).header("Accept-Language", lang.tag());
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let res = req.send().await.map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

pub async fn bundles(lang: Lang) -> Result<Vec<BundleSummary>, ApiError> {
    get(api::BUNDLES, lang, None).await
}

pub async fn bundle(id: &str, lang: Lang) -> Result<BundleView, ApiError> {
    get(&api::bundle_path(id), lang, None).await
}

/// Is this browser the counter's (a clerk's session)?
pub async fn counter(lang: Lang) -> Result<api::Counter, ApiError> {
    get(api::paths::COUNTER, lang, None).await
}

/// 名称查重: is this business name free in the county?
pub async fn name_check(name: &str, lang: Lang) -> Result<api::NameCheck, ApiError> {
    let name = String::from(js_sys::encode_uri_component(name));
    get(&format!("{}?name={name}", api::paths::NAMES), lang, None).await
}

async fn post<T: DeserializeOwned>(
    url: &str,
    body: &impl serde::Serialize,
    lang: Lang,
    header: (&str, &str),
) -> Result<T, ApiError> {
    let mut req = Request::post(url);
    if !header.0.is_empty() {
        req = req.header(header.0, header.1);
    }
    send(req, body, lang).await
}

/// Sends `body` as JSON with `req`: the answer decoded (`()` for one without a body).
async fn send<T: DeserializeOwned>(
    req: gloo_net::http::RequestBuilder,
    body: &impl serde::Serialize,
    lang: Lang,
) -> Result<T, ApiError> {
    let res = req
        .header("Accept-Language", lang.tag())
        .json(body)
        .map_err(|e| network(lang, e))?
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

/// Files an application. `idempotency_key` stays the same for retries of one submission.
pub async fn submit(
    body: &CreateApplication,
    idempotency_key: &str,
    lang: Lang,
) -> Result<ApplicationCreated, ApiError> {
    post(
        api::APPLICATIONS,
        body,
        lang,
        ("Idempotency-Key", idempotency_key),
    )
    .await
}

/// Answers a correction notice or a supplement request.
pub async fn reply(
    number: &str,
    token: &str,
    body: &Reply,
    lang: Lang,
) -> Result<ApplicationStatus, ApiError> {
    let url = format!("{}/reply", api::application_path(number));
    post(
        &url,
        body,
        lang,
        ("Authorization", &format!("Bearer {token}")),
    )
    .await
}

pub async fn status(number: &str, token: &str, lang: Lang) -> Result<ApplicationStatus, ApiError> {
    get(&api::application_path(number), lang, Some(token)).await
}

/// What the licence knows for an addition's form (增项), by the holder's private link.
pub async fn known(
    holder: &shared::api::HolderRef,
    bundle: &str,
    lang: Lang,
) -> Result<shared::form::Answers, ApiError> {
    let url = format!(
        "{}/known?bundle={bundle}",
        api::application_path(&holder.number)
    );
    get(&url, lang, Some(&holder.token)).await
}

// --- the back office (the session cookie rides along: same origin) ---------------------------

use shared::staff::{
    HistoryEntry, InspectionResult, IntakeRequest, JointInspectionRequest, LoginRequest,
    ReviewRequest, StaffApplication, StaffItem, StaffProfile,
};

const NO_HEADER: (&str, &str) = ("", "");

pub async fn staff_me(lang: Lang) -> Result<StaffProfile, ApiError> {
    get("/api/staff/me", lang, None).await
}

pub async fn staff_login(body: &LoginRequest, lang: Lang) -> Result<StaffProfile, ApiError> {
    post("/api/staff/login", body, lang, NO_HEADER).await
}

pub async fn staff_logout(lang: Lang) {
    let _ = Request::post("/api/staff/logout")
        .header("Accept-Language", lang.tag())
        .send()
        .await;
}

pub async fn staff_application(number: &str, lang: Lang) -> Result<StaffApplication, ApiError> {
    get(&format!("/api/staff/applications/{number}"), lang, None).await
}

pub async fn history(number: &str, lang: Lang) -> Result<Vec<HistoryEntry>, ApiError> {
    get(
        &format!("/api/staff/applications/{number}/history"),
        lang,
        None,
    )
    .await
}

pub async fn intake(
    number: &str,
    body: &IntakeRequest,
    lang: Lang,
) -> Result<StaffApplication, ApiError> {
    let url = format!("/api/staff/applications/{number}/intake");
    post(&url, body, lang, NO_HEADER).await
}

pub async fn review(id: i64, body: &ReviewRequest, lang: Lang) -> Result<StaffItem, ApiError> {
    post(
        &format!("/api/staff/items/{id}/review"),
        body,
        lang,
        NO_HEADER,
    )
    .await
}

pub async fn joint_inspection(
    number: &str,
    body: &JointInspectionRequest,
    lang: Lang,
) -> Result<StaffApplication, ApiError> {
    let url = format!("/api/staff/applications/{number}/inspections");
    post(&url, body, lang, NO_HEADER).await
}

pub async fn record_inspection(
    id: i64,
    body: &InspectionResult,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    let url = format!("/api/staff/inspections/{id}/record");
    post(&url, body, lang, NO_HEADER).await
}

/// Uploads the dishonesty list (CSV text).
pub async fn import_list(csv: String, lang: Lang) -> Result<serde_json::Value, ApiError> {
    let res = Request::post("/api/staff/dishonesty-list")
        .header("Accept-Language", lang.tag())
        .header("Content-Type", "text/csv")
        .body(csv)
        .map_err(|e| network(lang, e))?
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

pub async fn permit_state(
    id: i64,
    body: &shared::staff::PermitStateRequest,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    post(
        &format!("/api/staff/permits/{id}/state"),
        body,
        lang,
        NO_HEADER,
    )
    .await
}

pub async fn licence_change(
    uscc: &str,
    body: &shared::staff::LicenceChange,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    post(
        &format!("/api/staff/enterprises/{uscc}/changes"),
        body,
        lang,
        NO_HEADER,
    )
    .await
}

// --- the licence holder's requests (change, cancellation) ------------------------------------

use shared::holder::{FiledRequest, HolderRequest, RequestDecision};

pub async fn file_request(
    number: &str,
    token: &str,
    body: &HolderRequest,
    lang: Lang,
) -> Result<FiledRequest, ApiError> {
    let url = format!("{}/requests", api::application_path(number));
    post(
        &url,
        body,
        lang,
        ("Authorization", &format!("Bearer {token}")),
    )
    .await
}

pub async fn holder_requests(lang: Lang) -> Result<Vec<FiledRequest>, ApiError> {
    get("/api/staff/requests", lang, None).await
}

pub async fn decide_request(
    id: i64,
    body: &RequestDecision,
    lang: Lang,
) -> Result<FiledRequest, ApiError> {
    post(&format!("/api/staff/requests/{id}"), body, lang, NO_HEADER).await
}

// --- drafts saved on the server ---------------------------------------------------------------

use shared::files::{Draft, DraftRef, SaveDraft};

pub async fn draft(d: &DraftRef, lang: Lang) -> Result<Draft, ApiError> {
    get(&format!("/api/drafts/{}", d.id), lang, Some(&d.token)).await
}

/// The QR code (SVG markup, the server's) of the link that resumes draft `d`.
pub async fn draft_qr(d: &DraftRef, lang: Lang) -> Result<String, ApiError> {
    let res = Request::get(&format!("/api/drafts/{}/qr.svg", d.id))
        .header("Authorization", &format!("Bearer {}", d.token))
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    if !res.ok() {
        return Err(network(lang, res.status()));
    }
    res.text().await.map_err(|e| network(lang, e))
}

pub async fn save_draft(
    d: &DraftRef,
    answers: shared::form::Answers,
    lang: Lang,
) -> Result<Draft, ApiError> {
    let res = Request::put(&format!("/api/drafts/{}", d.id))
        .header("Accept-Language", lang.tag())
        .header("Authorization", &format!("Bearer {}", d.token))
        .json(&SaveDraft { answers })
        .map_err(|e| network(lang, e))?
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

/// The window records an owed material brought on paper.
pub async fn received(
    number: &str,
    material: &str,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    let body = shared::staff::MaterialReceived {
        material: material.to_string(),
    };
    let url = format!("/api/staff/applications/{number}/received");
    post(&url, &body, lang, NO_HEADER).await
}

/// Where one's daily list of items due goes (none or empty: no list).
pub async fn set_digest_email(
    body: &shared::staff::DigestEmail,
    lang: Lang,
) -> Result<StaffProfile, ApiError> {
    send(Request::put(api::paths::STAFF_ME_EMAIL), body, lang).await
}

/// The window records a decision collected on paper (送达).
pub async fn delivered(
    number: &str,
    document: &str,
    lang: Lang,
) -> Result<StaffApplication, ApiError> {
    let body = shared::api::ReceiptRequest {
        document: document.to_string(),
    };
    let url = api::path(api::paths::STAFF_DELIVERIES, &[number]);
    post(&url, &body, lang, NO_HEADER).await
}

/// The administrator: the newest background jobs (`state`: one state only).
pub async fn jobs(
    state: Option<&str>,
    lang: Lang,
) -> Result<Vec<shared::staff::JobView>, ApiError> {
    let base = shared::api::paths::STAFF_JOBS;
    let url = match state {
        Some(s) => format!("{base}?state={s}"),
        None => base.to_string(),
    };
    get(&url, lang, None).await
}

/// The administrator tries a given-up job again.
pub async fn retry_job(id: i64, lang: Lang) -> Result<shared::staff::JobView, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_JOB_RETRY, &[&id.to_string()]);
    post(&url, &(), lang, NO_HEADER).await
}

/// Every webhook subscription (the administrator's view: the dead ones among them).
pub async fn webhooks(lang: Lang) -> Result<Vec<shared::events::Webhook>, ApiError> {
    get(shared::api::paths::WEBHOOKS, lang, None).await
}

/// Sends a webhook subscription again from where it stopped.
pub async fn redeliver(id: i64, lang: Lang) -> Result<shared::events::Webhook, ApiError> {
    let url = shared::api::path(shared::api::paths::WEBHOOK_REDELIVER, &[&id.to_string()]);
    post(&url, &shared::events::Redeliver::default(), lang, NO_HEADER).await
}

/// The worklist: one page for `query` (the query string, without `?`).
pub async fn worklist(query: &str, lang: Lang) -> Result<shared::worklist::Page, ApiError> {
    get(
        &format!("{}?{query}", shared::api::paths::STAFF_WORKLIST),
        lang,
        None,
    )
    .await
}

/// Takes (`to`: oneself) or releases (`None`) items.
pub async fn assign(
    items: Vec<i64>,
    to: Option<String>,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    let body = shared::worklist::Assign { items, to };
    post(shared::api::paths::STAFF_ASSIGN, &body, lang, NO_HEADER).await
}

pub async fn saved_views(lang: Lang) -> Result<Vec<shared::worklist::SavedView>, ApiError> {
    get(shared::api::paths::STAFF_VIEWS, lang, None).await
}

pub async fn save_view(
    view: &shared::worklist::SavedView,
    lang: Lang,
) -> Result<shared::worklist::SavedView, ApiError> {
    post(shared::api::paths::STAFF_VIEWS, view, lang, NO_HEADER).await
}

pub async fn delete_view(id: i64, lang: Lang) {
    let url = shared::api::path(shared::api::paths::STAFF_VIEW, &[&id.to_string()]);
    let _ = Request::delete(&url)
        .header("Accept-Language", lang.tag())
        .send()
        .await;
}

/// The administrator: every staff account and the departments.
pub async fn accounts(lang: Lang) -> Result<shared::staff::Accounts, ApiError> {
    get(shared::api::paths::STAFF_ACCOUNTS, lang, None).await
}

/// The administrator adds an account: its one-time set-password link.
pub async fn add_account(
    body: &shared::staff::NewStaffAccount,
    lang: Lang,
) -> Result<shared::staff::PasswordLink, ApiError> {
    post(shared::api::paths::STAFF_ACCOUNTS, body, lang, NO_HEADER).await
}

/// The administrator changes an account.
pub async fn change_account(
    username: &str,
    body: &shared::staff::AccountChange,
    lang: Lang,
) -> Result<shared::staff::StaffAccount, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_ACCOUNT, &[username]);
    send(Request::put(&url), body, lang).await
}

/// The administrator makes a new set-password link for an account.
pub async fn password_link(
    username: &str,
    lang: Lang,
) -> Result<shared::staff::PasswordLink, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_PASSWORD_LINK, &[username]);
    post(&url, &(), lang, NO_HEADER).await
}

/// The administrator ends every session of an account: how many were live.
pub async fn revoke_sessions(username: &str, lang: Lang) -> Result<serde_json::Value, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_REVOKE_SESSIONS, &[username]);
    post(&url, &(), lang, NO_HEADER).await
}

/// A staff member sets their password with a one-time link (204: nothing to decode).
pub async fn set_password(body: &shared::staff::SetPassword, lang: Lang) -> Result<(), ApiError> {
    post(
        shared::api::paths::STAFF_SET_PASSWORD,
        body,
        lang,
        NO_HEADER,
    )
    .await
}

/// The window takes back a 容缺 choice made in error.
pub async fn withdraw_owed(
    number: &str,
    material: &str,
    reason: &str,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_OWED_WITHDRAWN, &[number]);
    let body = shared::staff::OwedWithdrawn {
        material: material.into(),
        reason: reason.into(),
    };
    post(&url, &body, lang, NO_HEADER).await
}

/// The administrator: the inspection plans, newest first.
pub async fn plans(lang: Lang) -> Result<Vec<shared::supervision::InspectionPlan>, ApiError> {
    get(shared::api::paths::STAFF_PLANS, lang, None).await
}

/// The administrator makes an inspection plan (published at once with its commitment).
pub async fn make_plan(
    body: &shared::supervision::NewInspectionPlan,
    lang: Lang,
) -> Result<shared::supervision::InspectionPlan, ApiError> {
    post(shared::api::paths::STAFF_PLANS, body, lang, NO_HEADER).await
}

/// The administrator draws a plan (once).
pub async fn draw_plan(
    id: i64,
    lang: Lang,
) -> Result<shared::supervision::InspectionPlan, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_PLAN_DRAW, &[&id.to_string()]);
    post(&url, &(), lang, NO_HEADER).await
}

/// A reviewer's follow-ups of approvals by commitment (an administrator's: every one).
pub async fn follow_ups(lang: Lang) -> Result<Vec<shared::supervision::FollowUp>, ApiError> {
    get(shared::api::paths::STAFF_FOLLOW_UPS, lang, None).await
}

/// Records what a follow-up found (once).
pub async fn record_follow_up(
    id: i64,
    body: &shared::supervision::FollowUpFinding,
    lang: Lang,
) -> Result<shared::supervision::FollowUp, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_FOLLOW_UP, &[&id.to_string()]);
    post(&url, body, lang, NO_HEADER).await
}

/// The administrator: the inspection objects database.
pub async fn objects(lang: Lang) -> Result<Vec<shared::supervision::SupervisedObject>, ApiError> {
    get(shared::api::paths::STAFF_OBJECTS, lang, None).await
}

/// The administrator: the list of inspection items.
pub async fn inspection_items(
    lang: Lang,
) -> Result<Vec<shared::catalogue::InspectionItem>, ApiError> {
    get(shared::api::paths::STAFF_INSPECTION_ITEMS, lang, None).await
}

/// An inspector's tasks of drawn plans.
pub async fn inspection_tasks(
    lang: Lang,
) -> Result<Vec<shared::supervision::InspectionTask>, ApiError> {
    get(shared::api::paths::STAFF_TASKS, lang, None).await
}

/// Records a visit's result (once).
pub async fn record_task(
    id: i64,
    body: &shared::supervision::InspectionFinding,
    lang: Lang,
) -> Result<shared::supervision::InspectionTask, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_TASK, &[&id.to_string()]);
    post(&url, body, lang, NO_HEADER).await
}

/// The administrator: the recorded conflicts of interest.
pub async fn conflicts(lang: Lang) -> Result<Vec<shared::supervision::DeclaredConflict>, ApiError> {
    get(shared::api::paths::STAFF_CONFLICTS, lang, None).await
}

/// The administrator records a conflict of interest.
pub async fn declare_conflict(
    body: &shared::supervision::NewConflict,
    lang: Lang,
) -> Result<Vec<shared::supervision::DeclaredConflict>, ApiError> {
    post(shared::api::paths::STAFF_CONFLICTS, body, lang, NO_HEADER).await
}

/// One of a task's inspectors adds a photo (JPEG bytes) of the visit.
pub async fn add_task_photo(
    id: i64,
    jpeg: &[u8],
    lang: Lang,
) -> Result<shared::supervision::InspectionTask, ApiError> {
    let url = shared::api::path(shared::api::paths::STAFF_TASK_PHOTOS, &[&id.to_string()]);
    let res = Request::post(&url)
        .header("Accept-Language", lang.tag())
        .header("Content-Type", "image/jpeg")
        .body(js_sys::Uint8Array::from(jpeg))
        .map_err(|e| network(lang, e))?
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    decode(res, lang).await
}
