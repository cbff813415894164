//! The server's records as the rules see them: plain, typed values (the database layer reads
//! its rows into these; nothing here knows SQL). The parts the browser sees too — decision,
//! intake notice and status, permit state — are `shared::records`.

use shared::form::Answers;
pub use shared::records::{Decision, IntakeNotice, IntakeStatus, PermitState};
use shared::staff::Role;
use shared::status::SubStatus;
use time::Date;

/// An application: one integrated form for a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: i64,
    pub number: String,
    pub bundle: String,
    pub answers: Answers,
    pub intake: IntakeStatus,
    /// Guards the intake state: a writer holding an older one changes nothing.
    pub version: i64,
    pub submitted_at: i64,
    pub notice: IntakeNotice,
    /// The clerk who filed it at the counter for a walk-in applicant.
    pub filed_by: Option<String>,
    /// SHA-256 of the status token (never the token).
    pub token_hash: String,
}

impl Application {
    /// The audit log's name for it.
    pub fn subject(&self) -> String {
        format!("application {}", self.number)
    }

    /// A text answer, or "" when unanswered.
    pub fn answer(&self, key: &str) -> &str {
        self.answers
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    }
}

/// One item of an application (a sub-application), for its department.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub application_id: i64,
    /// The application's number.
    pub number: String,
    /// The catalogue item.
    pub item: String,
    pub department: String,
    pub status: SubStatus,
    pub version: i64,
    /// The day the window accepted it: the clock starts.
    pub accepted_on: Option<Date>,
    /// Since when the clock stands still (a supplement asked, an inspection scheduled).
    pub paused_since: Option<Date>,
    /// Working days the clock stood still before.
    pub paused_days: u32,
    pub decision: Decision,
    pub inspection_id: Option<i64>,
    pub updated_at: i64,
    /// The reviewer of its department who took it.
    pub assignee: Option<String>,
}

impl Item {
    /// The audit log's name for it.
    pub fn subject(&self) -> String {
        format!("item {}", self.id)
    }
}

/// A joint inspection: one visit for several items of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub id: i64,
    pub application_id: i64,
    pub scheduled_on: String,
    pub recorded_by: Option<String>,
}

/// The enterprise a business registration brought into being: what its licence says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    pub id: i64,
    pub application_id: i64,
    pub uscc: String,
    pub name: String,
    pub entity_type: String,
    pub address: String,
    pub legal_rep: String,
    pub scope: String,
    pub established_on: String,
    /// The public verify page's token (the licence QR).
    pub verify_token: String,
    pub updated_at: i64,
}

impl Enterprise {
    pub fn subject(&self) -> String {
        format!("enterprise {}", self.uscc)
    }
}

/// An item of an enterprise still being decided (办理中): shown on its public page so that a
/// business missing a permit does not look complete.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InProgress {
    pub item: String,
    pub department: String,
    /// The day it is due by, once accepted (`YYYY-MM-DD`).
    pub due_on: Option<String>,
}

/// A permit of an enterprise: an approved item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    pub id: i64,
    pub enterprise_id: i64,
    pub item: String,
    pub department: String,
    pub certificate: String,
    pub issued_on: String,
    pub valid_until: Option<String>,
    /// As stored: never `Expired` (see [`Permit::state_on`]).
    pub state: PermitState,
    pub reason: Option<String>,
    pub updated_at: i64,
}

impl Permit {
    pub fn subject(&self) -> String {
        format!("permit {}", self.id)
    }

    /// As the public sees it on `today` (`YYYY-MM-DD`).
    pub fn state_on(&self, today: &str) -> PermitState {
        self.state.on(self.valid_until.as_deref(), today)
    }
}

/// A change of the licence's facts, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceChangeRecord {
    /// `name`, `legal_rep` or `address`.
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed_at: i64,
}

/// What the holder applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Change,
    Cancel,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Change => "change",
            RequestKind::Cancel => "cancel",
        }
    }
}

/// A request of a licence holder and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderRequest {
    pub id: i64,
    pub enterprise_id: i64,
    pub kind: RequestKind,
    /// The fact changed (`name`, …) or `permit:<id>`.
    pub target: String,
    pub permit_id: Option<i64>,
    /// The department that decides it.
    pub department: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub note: Option<String>,
    pub filed_at: i64,
}

/// A form saved on the server before it is submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: String,
    pub token_hash: String,
    pub bundle: String,
    pub answers: Answers,
    /// Set once submitted: the draft is closed.
    pub application_id: Option<i64>,
}

/// Whose an upload is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Draft(String),
    Application(i64),
}

/// A file on its way or arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    pub draft_id: Option<String>,
    pub application_id: Option<i64>,
    pub material: String,
    pub name: String,
    pub size: u64,
    pub received: u64,
    pub sha256: Option<String>,
    pub content_type: Option<String>,
    pub complete: bool,
}

impl Upload {
    pub fn owned_by(&self, owner: &Owner) -> bool {
        match owner {
            Owner::Draft(d) => self.draft_id.as_deref() == Some(d) && self.application_id.is_none(),
            Owner::Application(a) => self.application_id == Some(*a),
        }
    }
}

/// A signed-in staff member: who acts, in which role, for which department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A reviewer's department.
    pub department: Option<String>,
    /// Where their daily list of items due goes, if they asked for one.
    pub email: Option<String>,
}

/// Who did something, as the audit log names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    Staff(&'a StaffMember),
    /// The applicant (or licence holder) holding the private link.
    Applicant,
    /// The command line.
    Cli,
    /// The server itself, on a schedule (the cleanup).
    System,
}

impl Actor<'_> {
    /// (actor, role) as the audit log keeps them.
    pub fn names(&self) -> (&str, &str) {
        match self {
            Actor::Staff(s) => (&s.username, s.role.as_str()),
            Actor::Applicant => ("applicant", "applicant"),
            Actor::Cli => ("system", "cli"),
            Actor::System => ("system", "system"),
        }
    }
}
