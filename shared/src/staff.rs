//! The back office's contract: staff roles, login, the intake decision, review actions and the
//! queues, as the API sends and receives them.

use serde::{Deserialize, Serialize};

use crate::Text;
use crate::form::Answers;
use crate::records::{Decision, IntakeNotice, IntakeStatus, PermitState};
use crate::status::{ReviewAction, SubStatus};

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The one intake window (综合窗口): accepts applications or sends the correction notice.
    Clerk,
    /// A reviewer of one department: acts on that department's items only.
    Reviewer,
    /// The bureau's administrator: staff accounts, lists, reads everything.
    Admin,
    /// An inspector (执法检查人员) of one department, with a certificate number: the inspectors
    /// database of 双随机 draws, the department's follow-ups; no application is theirs to see.
    Inspector,
    /// The bureau's leadership (领导): the statistics of every department, read-only; no
    /// application, no answer, no file.
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Clerk,
        Role::Reviewer,
        Role::Inspector,
        Role::Leader,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::Inspector => "inspector",
            Role::Leader => "leader",
        }
    }

    /// A role that belongs to one department.
    pub fn has_department(self) -> bool {
        matches!(self, Role::Reviewer | Role::Inspector)
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// `POST /api/staff/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Who is logged in (`GET /api/staff/me`, and the answer to a login).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProfile {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A reviewer's department id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Where their daily list of items due (and overdue) goes; none: no list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `PUT /api/staff/me/email`: where one's daily list of items due goes (empty or none: no
/// list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigestEmail {
    #[serde(default)]
    pub email: Option<String>,
}

/// The one window's decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeDecision {
    /// Complete: every item goes to its department.
    Accept,
    /// Incomplete: one notice telling everything to correct, at once (补正告知).
    Correct,
}

/// `POST /api/staff/applications/{number}/intake`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeRequest {
    pub decision: IntakeDecision,
    /// The application's version as last read: a stale one is refused (412).
    pub version: i64,
    /// For `correct`: everything to correct, in one notice …
    #[serde(default)]
    pub notice: Option<String>,
    /// … the fields to answer again (keys of fields the form asks this applicant) …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// … and the materials to send new files for (ids of this application's materials).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    /// For `accept`, the checklist (收件清单): every material asked of the applicant is
    /// uploaded, or received on paper at the window (these ids), or to follow (容缺受理: the
    /// ids in `missing_materials`); a material that is none of these refuses the acceptance.
    #[serde(default)]
    pub paper_materials: Vec<String>,
    /// For `accept` with missing secondary materials (容缺受理): their ids (each must be one the
    /// catalogue allows to come later) …
    #[serde(default)]
    pub missing_materials: Vec<String>,
    /// … and the day the applicant commits to bring them by (`YYYY-MM-DD`).
    #[serde(default)]
    pub bring_by: Option<String>,
}

/// `POST /api/staff/items/{id}/review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// The item's version as last read: a stale one is refused (412).
    pub version: i64,
    /// The supplement request, the inspection result, or the reason of a rejection.
    #[serde(default)]
    pub message: Option<String>,
    /// The certificate number of an approval.
    #[serde(default)]
    pub certificate: Option<String>,
    /// The inspection day (`YYYY-MM-DD`) when scheduling one.
    #[serde(default)]
    pub inspection_on: Option<String>,
    /// For an approval by commitment: the day of the follow-up check (`YYYY-MM-DD`).
    #[serde(default)]
    pub follow_up_on: Option<String>,
    /// With a supplement request: the materials found insufficient (ids of materials the item
    /// needs); the applicant sends new files for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insufficient: Vec<String>,
    /// With a supplement request: the fields to answer again (keys of fields the item uses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// With a pause: `expert_review` (专家评审) or `testing` (检验检测); `message` the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_kind: Option<String>,
    /// An approval while the business licence is not issued yet: the reviewer's explicit
    /// choice to approve this permit first (otherwise refused, 409).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub before_licence: bool,
}

/// An item and the version it was read at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemVersion {
    pub id: i64,
    pub version: i64,
}

/// `POST /api/staff/applications/{number}/inspections`: one visit for several items (单改综).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JointInspectionRequest {
    /// `YYYY-MM-DD`, today or later.
    pub on: String,
    pub items: Vec<ItemVersion>,
}

/// `POST /api/staff/inspections/{id}/record`: the visit's result, recorded once for every item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionResult {
    pub result: String,
}

/// One item as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffItem {
    pub id: i64,
    pub application: String,
    pub item: String,
    pub name: Text,
    pub department: String,
    pub status: SubStatus,
    pub version: i64,
    /// The last working day of the limit (pauses added), once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// The joint inspection the item is (or was) part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection: Option<i64>,
    /// What the department recorded (requests, inspection, certificate, validity, reason);
    /// absent for another department's item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The department numbers this item's certificates by its rule: an approval needs no
    /// number typed.
    #[serde(default)]
    pub numbered: bool,
}

/// An application as one staff member may see it: a reviewer gets only their department's
/// items and the answers those items use (the automatic split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffApplication {
    pub number: String,
    pub bundle: String,
    pub bundle_name: Text,
    pub intake: IntakeStatus,
    pub version: i64,
    pub submitted_at: String,
    /// The clerk who filed it at the counter for a walk-in applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_by: Option<String>,
    /// What the window told the applicant (correction, materials to follow) and the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<IntakeNotice>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: Answers,
    pub items: Vec<StaffItem>,
    /// Items of this application that need an on-site check and could join an inspection now
    /// (other departments' ones too, without their decisions): for a joint inspection.
    #[serde(default)]
    pub inspectable: Vec<StaffItem>,
    /// The enterprise's licence and its permits, once registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<crate::api::LicenceRef>,
    #[serde(default)]
    pub permits: Vec<StaffPermit>,
    /// The materials this staff member may see (a reviewer: those their department's items
    /// need), each with its uploaded files.
    #[serde(default)]
    pub materials: Vec<StaffMaterial>,
    /// The electronic archive is filed (every item decided) and this staff member may download
    /// it (the window and administrators: the whole package is theirs).
    #[serde(default)]
    pub archived: bool,
    /// The sealed documents the application has (the notices, each permit's certificate), to
    /// print for the holder: `/api/staff/applications/{number}/documents/{path}`.
    #[serde(default)]
    pub documents: Vec<crate::api::DocumentLink>,
    /// The messages the applicant was sent (the channels they chose), oldest first.
    #[serde(default)]
    pub notifications: Vec<NotificationView>,
}

/// One message to the applicant, as staff see it: the address masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// The step it tells of (`accepted`, `correction:…`, `supplement:<item>:…`,
    /// `inspection:<id>`, `decision:<item>`, `owed:<material>:<day>`).
    pub step: String,
    /// `sms` or `email`.
    pub channel: String,
    /// The address, masked (`138****8000`, `l***@example.cn`).
    pub to: String,
    pub subject: String,
    /// `queued` (waiting or being tried again) or `sent`.
    pub state: String,
    pub attempts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub queued_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

/// `POST /api/staff/applications/{number}/received`: the window records an owed material
/// brought on paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialReceived {
    pub material: String,
}

/// `POST /api/staff/applications/{number}/owed-withdrawn`: the window takes back a 容缺
/// choice made in error, while no item needing the material is decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwedWithdrawn {
    pub material: String,
    /// Why the material is not owed after all (on the record).
    pub reason: String,
}

/// A material of the application and its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMaterial {
    pub id: String,
    pub name: Text,
    /// The application's items that need it.
    pub needed_by: Vec<String>,
    /// Accepted as missing (容缺): owed by the applicant.
    pub owed: bool,
    /// The catalogue lets it follow after acceptance (容缺).
    #[serde(default)]
    pub may_follow: bool,
    /// Received on paper at the window.
    #[serde(default)]
    pub paper: bool,
    pub files: Vec<crate::files::StoredFile>,
}

/// A permit of the enterprise, as staff manage it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffPermit {
    pub id: i64,
    pub item: String,
    pub department: String,
    pub certificate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// As the public sees it today (`expired` by date).
    pub state: PermitState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/staff/enterprises/{uscc}/changes`: a change of the licence that every permit
/// follows, in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceChange {
    /// `name`, `legal_rep` or `address`.
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// `POST /api/staff/permits/{id}/state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitStateRequest {
    /// `valid` (reinstate), `suspended`, `revoked` or `cancelled` (on the holder's request).
    pub state: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One entry of an application's history (its part of the audit log), with its words: who
/// ("市场监管局 张三"), what ("准予许可") and what about ("食品经营许可").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub subject: String,
    /// The department (for a reviewer) and the name of who did it; the applicant; the system.
    pub who: Text,
    /// What was done.
    pub what: Text,
    /// The item (or items) it was about, where it was not the whole application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<Text>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub after: serde_json::Value,
}

/// A background job as the administrator sees it (`GET /api/staff/jobs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: i64,
    /// `archive`, `cleanup`, `audit_checkpoint`.
    pub kind: String,
    /// What it works on, in words (`LB-20261202-0001`), if anything.
    #[serde(default)]
    pub about: Option<String>,
    /// `queued`, `running`, `done`, `failed` (given up).
    pub state: String,
    pub attempts: i64,
    /// RFC 3339: when it finished (done, given up) or runs (queued, running).
    pub at: String,
    /// The error of the last failed try.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// A staff account as the administrator sees it (`GET /api/staff/accounts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// An inspector's certificate number (执法证号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// A deactivated account cannot log in; its sessions ended when it was deactivated.
    pub active: bool,
    /// Sessions neither expired nor ended.
    pub live_sessions: i64,
    /// RFC 3339: when the newest session began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<String>,
    /// A department's own system (a machine client: a secret, tokens, no password).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system: bool,
}

/// `GET /api/staff/accounts`: every account, and the departments a reviewer may belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accounts {
    pub accounts: Vec<StaffAccount>,
    pub departments: Vec<crate::catalogue::Department>,
}

/// `POST /api/staff/accounts`: a new account. It has no password until its holder sets one
/// with the one-time link the answer gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffAccount {
    pub username: String,
    pub display_name: String,
    /// `clerk`, `reviewer`, `inspector` or `admin`.
    pub role: String,
    /// A reviewer's or inspector's department id (none for the others).
    #[serde(default)]
    pub department: Option<String>,
    /// An inspector's certificate number (执法证号; none for the others).
    #[serde(default)]
    pub certificate: Option<String>,
}

/// `PUT /api/staff/accounts/{username}`: the account's name, placement and standing as they
/// are to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChange {
    pub display_name: String,
    /// `clerk`, `reviewer`, `inspector` or `admin`.
    pub role: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub certificate: Option<String>,
    pub active: bool,
}

/// A one-time link with which the account's holder sets their password: given when the
/// account is added and when its password is reset; to be handed over in person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordLink {
    pub account: StaffAccount,
    /// The page's address; the token is in its fragment, never sent to a server in a request
    /// line.
    pub link: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// `POST /api/staff/password`: a password set with a one-time link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPassword {
    pub token: String,
    pub password: String,
}
