//! The HTTP API's paths and request/response bodies, shared by the server and the browser.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::Text;
use crate::form::Answers;
use crate::status::{OverallStatus, SubStatus};

/// Every path of the API, once, for the server's route table and the browser's calls alike.
/// `{name}` is a parameter: [`path`] fills them in order.
pub mod paths {
    pub const BUNDLES: &str = "/api/bundles";
    pub const BUNDLE: &str = "/api/bundles/{id}";
    pub const BUNDLE_GUIDE: &str = "/api/bundles/{id}/guide";
    /// 名称查重: is a business name free in the county?
    pub const NAMES: &str = "/api/names";
    /// Is this browser the counter's (a clerk's session)?
    pub const COUNTER: &str = "/api/counter";
    pub const APPLICATIONS: &str = "/api/applications";
    pub const APPLICATION: &str = "/api/applications/{number}";
    pub const APPLICATION_REPLY: &str = "/api/applications/{number}/reply";
    /// 问效于企: the applicant rates the service once every item is decided.
    pub const APPLICATION_RATING: &str = "/api/applications/{number}/rating";
    /// The same from the status page's plain HTML form (the token a form field): back to the
    /// status page, or a page saying what is wrong.
    pub const RATING_FORM: &str = "/status/{number}/rating";
    /// A formal document or a permit's certificate (sealed PDF), for the status token:
    /// `acceptance`, `correction`, `refusal-<item>`, `certificate-<permit id>`.
    pub const APPLICATION_DOCUMENT: &str = "/api/applications/{number}/documents/{document}";
    /// The same from the status page's plain HTML form (the token a form field).
    pub const DOCUMENT_FORM: &str = "/status/{number}/documents/{document}";
    pub const APPLICATION_DELIVERIES: &str = "/api/applications/{number}/deliveries";
    pub const APPLICATION_KNOWN: &str = "/api/applications/{number}/known";
    pub const ADDITION_FORM: &str = "/status/{number}/add";
    /// 查询办件 / 找回链接: the page asking for the number and contact, and its form.
    pub const FIND_PAGE: &str = "/find";
    /// The code received, traded for the private link.
    pub const FIND_CODE: &str = "/find/code";
    /// The same for the drafts saved with a phone or e-mail.
    pub const FIND_DRAFTS: &str = "/find/drafts";
    pub const APPLICATION_REQUESTS: &str = "/api/applications/{number}/requests";
    pub const APPLICATION_FILES: &str = "/api/applications/{number}/files";
    pub const APPLICATION_FILE: &str = "/api/applications/{number}/files/{file}";
    pub const DRAFTS: &str = "/api/drafts";
    pub const DRAFT: &str = "/api/drafts/{id}";
    pub const DRAFT_FILES: &str = "/api/drafts/{id}/files";
    /// The QR code of the link that resumes a draft.
    pub const DRAFT_QR: &str = "/api/drafts/{id}/qr.svg";
    pub const DRAFT_FILE: &str = "/api/drafts/{id}/files/{file}";

    pub const STAFF_LOGIN: &str = "/api/staff/login";
    /// A machine client's access token (OAuth 2.0 client credentials).
    pub const OAUTH_TOKEN: &str = "/api/oauth/token";
    /// The event feed (CloudEvents), after a position.
    pub const EVENTS: &str = "/api/events";
    /// Webhook subscriptions (push of the same events).
    pub const WEBHOOKS: &str = "/api/webhooks";
    pub const WEBHOOK: &str = "/api/webhooks/{id}";
    pub const WEBHOOK_REDELIVER: &str = "/api/webhooks/{id}/redeliver";
    pub const STAFF_LOGOUT: &str = "/api/staff/logout";
    pub const STAFF_ME: &str = "/api/staff/me";
    pub const STAFF_ME_EMAIL: &str = "/api/staff/me/email";
    pub const STAFF_REVOKE_SESSIONS: &str = "/api/staff/accounts/{username}/revoke-sessions";
    pub const STAFF_OWED_WITHDRAWN: &str = "/api/staff/applications/{number}/owed-withdrawn";
    pub const STAFF_ACCOUNTS: &str = "/api/staff/accounts";
    pub const STAFF_ACCOUNT: &str = "/api/staff/accounts/{username}";
    pub const STAFF_PASSWORD_LINK: &str = "/api/staff/accounts/{username}/password-link";
    pub const STAFF_SET_PASSWORD: &str = "/api/staff/password";
    pub const STAFF_APPLICATION: &str = "/api/staff/applications/{number}";
    pub const STAFF_INTAKE: &str = "/api/staff/applications/{number}/intake";
    pub const STAFF_INSPECTIONS: &str = "/api/staff/applications/{number}/inspections";
    pub const STAFF_RECEIVED: &str = "/api/staff/applications/{number}/received";
    pub const STAFF_ARCHIVE: &str = "/api/staff/applications/{number}/archive";
    pub const STAFF_HISTORY: &str = "/api/staff/applications/{number}/history";
    /// An application's formal document or certificate, printed at the window.
    pub const STAFF_DOCUMENT: &str = "/api/staff/applications/{number}/documents/{document}";
    pub const STAFF_DELIVERIES: &str = "/api/staff/applications/{number}/deliveries";
    pub const STAFF_REVIEW: &str = "/api/staff/items/{id}/review";
    pub const STAFF_INSPECTION_RECORD: &str = "/api/staff/inspections/{id}/record";
    pub const STAFF_FILE: &str = "/api/staff/files/{id}";
    pub const STAFF_REQUESTS: &str = "/api/staff/requests";
    pub const STAFF_REQUEST: &str = "/api/staff/requests/{id}";
    pub const STAFF_PERMIT_STATE: &str = "/api/staff/permits/{id}/state";
    /// A permit's electronic certificate, printed at the window for the holder.
    pub const STAFF_CERTIFICATE: &str = "/api/staff/permits/{id}/certificate";
    pub const STAFF_LICENCE_CHANGES: &str = "/api/staff/enterprises/{uscc}/changes";
    pub const STAFF_DISHONESTY_LIST: &str = "/api/staff/dishonesty-list";
    pub const STAFF_JOBS: &str = "/api/staff/jobs";
    pub const STAFF_WORKLIST: &str = "/api/staff/worklist";
    pub const STAFF_ASSIGN: &str = "/api/staff/worklist/assign";
    pub const STAFF_VIEWS: &str = "/api/staff/views";
    pub const STAFF_VIEW: &str = "/api/staff/views/{id}";
    pub const STAFF_JOB_RETRY: &str = "/api/staff/jobs/{id}/retry";
    /// Inspection plans (双随机): made and drawn by the administrator.
    pub const STAFF_PLANS: &str = "/api/staff/supervision/plans";
    pub const STAFF_PLAN_DRAW: &str = "/api/staff/supervision/plans/{id}/draw";
    /// The inspection objects database: enterprises, risk classes, credit records.
    pub const STAFF_OBJECTS: &str = "/api/staff/supervision/objects";
    /// Conflicts of interest the bureau records (inspector ↔ enterprise).
    pub const STAFF_CONFLICTS: &str = "/api/staff/supervision/conflicts";
    /// The list of inspection items (随机抽查事项清单).
    pub const STAFF_INSPECTION_ITEMS: &str = "/api/staff/supervision/items";
    /// An inspector's tasks of drawn plans, and the result of one.
    pub const STAFF_TASKS: &str = "/api/staff/supervision/tasks";
    pub const STAFF_TASK: &str = "/api/staff/supervision/tasks/{id}";
    /// A visit's photos: taken (raw JPEG or PNG body) and read.
    pub const STAFF_TASK_PHOTOS: &str = "/api/staff/supervision/tasks/{id}/photos";
    pub const STAFF_TASK_PHOTO: &str = "/api/staff/supervision/tasks/{id}/photos/{sha256}";
    /// Follow-ups of approvals by commitment (告知承诺事后核查), a department's own.
    pub const STAFF_FOLLOW_UPS: &str = "/api/staff/follow-ups";
    pub const STAFF_FOLLOW_UP: &str = "/api/staff/follow-ups/{id}";
    /// The bureau's statistics (leadership, administrators), their exports (CSV, XLSX) and the
    /// dashboard (server-rendered HTML).
    pub const STAFF_STATISTICS: &str = "/api/staff/statistics";
    pub const STAFF_STATISTICS_EXPORT: &str = "/api/staff/statistics/export";
    pub const STATISTICS_PAGE: &str = "/staff/statistics";
    /// The county's reform results, public: JSON and a server-rendered page.
    pub const RESULTS: &str = "/api/results";
    pub const RESULTS_PAGE: &str = "/results";
    /// A plan as published (一公开): anyone recomputes its draw from it.
    pub const PLAN: &str = "/api/supervision/plans/{id}";
    /// Its public page (server-rendered HTML).
    pub const PLAN_PAGE: &str = "/supervision/plans/{id}";

    pub const OPENAPI: &str = "/api/openapi.json";
    /// The document in Swagger UI, and the page's files.
    pub const DOCS: &str = "/api/docs";
    pub const DOCS_FILE: &str = "/api/docs/{file}";
    /// The public verify page of a licence (its QR opens it) and what hangs off it.
    pub const VERIFY: &str = "/v/{token}";
    pub const VERIFY_SIGNED: &str = "/v/{token}/licence.json";
    pub const VERIFY_PRINT: &str = "/v/{token}/print";
    /// `qr.svg`, `qr.png`, `snapshot.svg`, `snapshot.png`.
    pub const VERIFY_IMAGE: &str = "/v/{token}/{file}";
    pub const KEYS: &str = "/.well-known/lianban-keys.json";
    /// The audit log's newest signed checkpoints.
    pub const AUDIT_CHECKPOINTS: &str = "/.well-known/lianban-audit-checkpoints.json";
    pub const HEALTH: &str = "/healthz";
    /// 200 while the instance reaches its database, 503 otherwise.
    pub const READY: &str = "/readyz";
    /// Prometheus metrics, for the addresses allowed to scrape.
    pub const METRICS: &str = "/metrics";
}

pub use paths::{APPLICATIONS, BUNDLES};

/// `template` with its `{…}` parameters replaced by `args`, in order: `path(paths::STAFF_REVIEW,
/// &["7"])` is `/api/staff/items/7/review`.
pub fn path(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(args.next().copied().unwrap_or_default());
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}
/// Header that makes a submission safe to retry: the same key replays the first answer.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn bundle_path(id: &str) -> String {
    path(paths::BUNDLE, &[id])
}

pub fn application_path(number: &str) -> String {
    path(paths::APPLICATION, &[number])
}

/// The browser page of an application's status; the token rides in the URL fragment, which
/// browsers never send to the server, so it cannot reach a log.
pub fn status_page(number: &str, token: &str) -> String {
    format!("/status/{number}#t={token}")
}

/// One bundle in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleSummary {
    pub id: String,
    pub name: Text,
    pub summary: Text,
    /// The items every applicant of the bundle needs.
    pub item_names: Vec<Text>,
    /// The items added when the applicant's answers call for them.
    pub addon_names: Vec<Text>,
    /// Departments and promise of the bundle before any add-on.
    pub department_count: usize,
    pub promised_days: f32,
}

/// `GET /api/counter`: whether forms filed from this browser are filed at the counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counter {
    pub counter: bool,
}

/// `GET /api/names?name=…`: whether the name is taken, by whom (`enterprise`, `application`),
/// and what the name's field says then, in the request's language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameCheck {
    #[serde(default)]
    pub taken: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `POST /api/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    /// A themed bundle's id, or an addition's (`add.<item>.<item>…`).
    #[validate(length(min = 1, max = 320))]
    pub bundle: String,
    /// Answers keyed by field key.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: Answers,
    /// The draft saved on the server whose uploaded files go with this application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<crate::files::DraftRef>,
    /// For an addition (增项, bundle `add.…`): the licence holder's application — its number
    /// and private token — whose enterprise the new permits are for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<HolderRef>,
}

/// A licence holder, by the application that registered their business (or any of theirs) and
/// its private token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderRef {
    pub number: String,
    pub token: String,
}

/// `201 Created`: keep the token — it is the only key to the status page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationCreated {
    /// e.g. `LB-20261128-0007`.
    pub number: String,
    /// Secret bearer token for `GET /api/applications/{number}`.
    pub token: String,
}

/// One item of an application and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubApplication {
    pub item: String,
    pub name: Text,
    pub department: String,
    pub department_name: Text,
    pub status: SubStatus,
    pub updated_at: String,
    /// The last working day of the limit, once accepted (absent while the clock stands still).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// What the department asks the applicant to supplement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_request: Option<String>,
    /// Materials the department found insufficient: send new files for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insufficient: Vec<MaterialRef>,
    /// What the open supplement request asks to answer again and send anew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// The day of the on-site inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_on: Option<String>,
    /// The expert review or testing under way (the clock stands still).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<crate::records::StagePause>,
    /// The permit's number and the last day it is valid, once approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a correction notice or a supplement request asks of the applicant: fields to answer
/// again (as the form defines them, with the answers given so far) and materials to send new
/// files for. The reply changes exactly these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asked {
    pub fields: Vec<crate::form::FieldDef>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: crate::form::Answers,
    pub materials: Vec<MaterialRef>,
}

/// An answer a reply changed, in words (option labels, units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerChange {
    pub field: String,
    pub label: Text,
    pub before: Text,
    pub after: Text,
}

/// One turn of the conversation between the applicant and the staff: a correction notice, a
/// supplement request, or the applicant's reply with what it changed and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exchange {
    /// RFC 3339.
    pub at: String,
    /// `correction`, `supplement`, `reply`.
    pub kind: String,
    /// Who: the window, a department, the applicant — an office, never a staff member.
    pub by: Text,
    /// The item it concerns (a supplement request and its reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Text>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<AnswerChange>,
    /// Materials asked for (a notice, a request) or sent (a reply).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<MaterialRef>,
}

/// A material named for the applicant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialRef {
    pub id: String,
    pub name: Text,
}

/// `GET /api/applications/{number}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationStatus {
    pub number: String,
    pub bundle: String,
    pub bundle_name: Text,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    pub status: OverallStatus,
    /// At the one window.
    pub intake: crate::records::IntakeStatus,
    /// What the open correction notice asks to answer again and send anew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// Every notice, request and reply so far, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<Exchange>,
    /// The correction notice: everything to correct, at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// Materials accepted as missing (容缺) and the day they are due.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_materials: Vec<MaterialRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bring_by: Option<String>,
    /// Once the business registration is approved: the enterprise's code and public page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<LicenceRef>,
    /// The enterprise's permits, and what its holder has applied for since (change, cancel).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permits: Vec<crate::holder::HolderPermit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<crate::holder::FiledRequest>,
    pub items: Vec<SubApplication>,
    /// 问效于企: the applicant's rating of the service (1–5), once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// The sealed documents the application has — the formal notices and each permit's
    /// certificate — each downloaded from `/status/{number}/documents/{path}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentLink>,
    /// What happens next and what the applicant should do — the server's words, both
    /// languages, a line each (`\n` between): the window's hours, what is owed and by when,
    /// the promised day, what to do if an item is late. (One text, not a list: the status
    /// app decodes no new shape for it.)
    #[serde(default)]
    pub next_steps: Text,
}

/// A sealed document of an application: its address part and its title (Chinese, as printed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLink {
    pub path: String,
    pub title: String,
    /// A decision (a certificate, a refusal) not delivered yet (送达): the applicant may
    /// confirm its receipt, the window record it collected on paper.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub receipt: bool,
    /// The day it was delivered (`YYYY-MM-DD`), once it was…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<String>,
    /// …and how: `electronic` (receipt confirmed on the status page) or `paper` (collected at
    /// the window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_way: Option<String>,
}

/// `POST /api/applications/{number}/deliveries` (the applicant confirms receipt) and
/// `POST /api/staff/applications/{number}/deliveries` (collected on paper at the window).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptRequest {
    /// The document as its address names it: `certificate-<permit id>`, `refusal-<item>`.
    pub document: String,
}

/// The business licence an application brought into being.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceRef {
    pub uscc: String,
    /// The public verify page (what the licence's QR code opens).
    pub verify_url: String,
}

/// `POST /api/applications/{number}/reply`: the applicant answers a correction notice (no
/// `item`) or an item's supplement request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    /// The item id answered; none for the correction notice.
    #[serde(default)]
    pub item: Option<String>,
    pub message: String,
    /// New answers to the fields the notice or request names (and to no other); the
    /// materials it names must each have a new file, sent before the reply.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: crate::form::Answers,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_its_template_with_the_parameters_filled_in() {
        assert_eq!(
            path(paths::STAFF_REVIEW, &["7"]),
            "/api/staff/items/7/review"
        );
        assert_eq!(
            path(paths::DRAFT_FILE, &["d1", "f2"]),
            "/api/drafts/d1/files/f2"
        );
        assert_eq!(path(paths::STAFF_ME, &[]), "/api/staff/me");
        assert_eq!(
            application_path("LB-20261128-0001"),
            "/api/applications/LB-20261128-0001"
        );
    }
}
