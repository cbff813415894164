//! What a rule can refuse, typed. The HTTP layer gives each its status and its words in both
//! languages (`http::error`, the one place for them); nothing here is text for a reader.

use shared::Text;
use shared::files::FileProblem;
use shared::form::FieldProblems;

/// A refusal by a rule. Every variant changes nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// As if it did not exist (404): unknown, or not this actor's to see.
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// No credential, or not a live one (401).
    #[error("unauthenticated: {0:?}")]
    Unauthenticated(Credential),
    /// The actor's role may not do this (403).
    #[error("forbidden: {0:?}")]
    Forbidden(Refusal),
    /// Someone changed the record since it was read (412).
    #[error("stale version")]
    Stale,
    /// Not possible in the record's state (409).
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// One field of the input is wrong (422).
    #[error("invalid: {0:?}")]
    Invalid(Invalid),
    /// The integrated form's answers, every problem at once (422).
    #[error("invalid answers")]
    Answers(FieldProblems),
    /// An upload's problem, under `field` (422).
    #[error("file problem in {field}: {problem:?}")]
    File {
        field: &'static str,
        problem: FileProblem,
    },
    /// The dishonesty list comes as CSV (`text/csv`) only (415).
    #[error("not CSV")]
    NotCsv,
    /// Every password-hashing thread is busy for longer than a login waits (503).
    #[error("busy")]
    Busy,
}

pub type Result<T> = std::result::Result<T, Error>;

/// What was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Application,
    Item,
    Inspection,
    Permit,
    Enterprise,
    HolderRequest,
    /// A draft or one of its (or an application's) files.
    FileOrDraft,
    Account,
    Bundle,
    /// An archive the actor may not have (a reviewer's: the package is the window's).
    Archive,
    Job,
    /// A saved view of the worklist (another's does not exist for one).
    View,
    /// An inspection plan.
    Plan,
    /// A commitment follow-up (another department's does not exist for one).
    FollowUp,
    /// An inspection task (one not one's own does not exist for one).
    Task,
    /// A formal document the application does not have (yet).
    Document,
    /// A webhook subscription (another account's does not exist for one).
    Webhook,
}

/// Which credential is missing or not live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A staff session (the cookie).
    Session,
    /// An application's status token (the bearer token).
    StatusToken,
    /// A wrong username or password.
    Password,
}

/// Why a role may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Role,
    /// Changes of the licence are the registration authority's.
    NotRegistrationAuthority,
}

/// Why the record's state does not allow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    IntakeDecided,
    ActionNotPossible,
    InspectionNotPossible,
    InspectionRecorded,
    NoCommitmentPath,
    ListNotImported,
    Dishonest,
    /// Materials owed (容缺) that the item needs, by name.
    MaterialsOwed(Vec<Text>),
    NoArchiveYet,
    DraftSubmitted,
    /// An inspection plan is drawn once.
    PlanDrawn,
    /// A follow-up's finding is recorded once.
    FollowUpDone,
    /// A credit record (a false commitment) bars the commitment path until a day.
    CommitmentBarred,
    /// An inspection task's result is recorded once.
    TaskRecorded,
    DraftClosed,
    Archived,
    NotOwed,
    SubmittedFileStays,
    NothingToAnswer,
    NoLicenceYet,
    RequestPending,
    RequestDecided,
    LicenceSaysThisAlready,
    PermitNotInForce,
    /// A decision reaches its applicant once.
    AlreadyDelivered,
    /// An addition (增项) for a permit the business holds in force already.
    AlreadyHeld,
    /// The licence ends last: another permit in force needs its own decision first.
    PermitsStillInForce,
    /// The permit cannot go from its state to the one asked.
    PermitTransition,
    IdempotencyKeyReused,
    /// Only a given-up job is tried again.
    JobNotFailed,
    /// A permit approved before the business licence, without saying so.
    LicenceFirst,
    /// A 容缺 choice cannot be taken back: an item needing the material is decided.
    OwedItemDecided,
    /// A staff account's username is taken.
    UsernameTaken,
    /// A machine client has no password: its secret is changed with `lianban client rotate`.
    ClientHasNoPassword,
    /// An administrator's own standing is changed by another administrator.
    OwnAccount,
    /// The last active administrator stays one.
    LastAdmin,
    /// The service is rated once every item is decided.
    NotAllDecided,
}

/// Which field is wrong, and how.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    Bundle,
    Draft,
    AcceptedOn,
    /// The correction notice: empty or over 2000 characters.
    Notice,
    MissingMaterials,
    BringBy,
    /// An inspection day before today, under this field (`on`, `inspection_on`).
    InspectionDay(&'static str),
    ItemNotOfApplication,
    ItemNotOnsite,
    NoItemOfYours,
    InspectionResult,
    /// A reason or what is needed, for a supplement request or a refusal.
    ReviewMessage,
    Certificate,
    FollowUpOn,
    Insufficient,
    PermitState,
    PermitReason,
    /// A reason for a change or a cancellation.
    Reason,
    ChangeField,
    /// The new value fails the form's rule for that fact.
    ChangeValue(shared::form::Problem),
    SameValue,
    Permit,
    PermitNotInForce,
    NoteTooLong,
    NoteRequired,
    /// A delivery is `electronic` or `paper`.
    DeliveryWay,
    /// An addition (增项) names the licence holder it is for.
    Holder,
    /// Not an e-mail address.
    Email,
    /// Not a whole `https://` (or `http://`) address for a webhook.
    WebhookUrl,
    /// A webhook's host is not among those the administrator allows (`--webhook-hosts`).
    WebhookHost,
    /// The lines of a dishonesty list that cannot be imported (at most 20 named).
    ListLines(Vec<usize>),
    /// The applicant's answer: empty or over 2000 characters.
    ReplyMessage,
    /// A part of the worklist's query, by its name.
    Worklist(&'static str),
    /// A saved view: a name of 1–40 characters, a query the worklist takes, 20 at most.
    SavedView,
    /// An inspection plan's name, departments, class ratios, inspectors per department.
    PlanName,
    PlanDepartments,
    PlanRatios,
    PlanPerDepartment,
    /// A follow-up's outcome: `fulfilled` or `false_commitment`.
    FollowUpOutcome,
    /// A false commitment is recorded with the facts found.
    FollowUpNote,
    /// An inspection task's result: one of `shared::supervision::RESULTS`.
    TaskResult,
    /// Every checklist line answered (none when the enterprise was not found).
    TaskChecks,
    /// A rectification's deadline, after today.
    RectifyBy,
    /// A failure or a rectification needs the facts found.
    TaskNote,
    /// A plan's inspection items: known, of the plan's departments.
    PlanItems,
    /// A plan's filters: known industries (bundles) and permit types (items).
    PlanFilters,
    /// A visit's photo: JPEG or PNG, ten at most.
    TaskPhoto,
    /// A recorded conflict names an active inspector, an enterprise with a licence.
    ConflictInspector,
    ConflictEnterprise,
    /// The checklist names a material on paper that is not asked of this applicant.
    PaperMaterials,
    /// The checklist: these materials are neither uploaded, nor received on paper, nor
    /// allowed to follow.
    MaterialsMissing(Vec<shared::Text>),
    /// A notice or request names a field the form does not ask this applicant.
    NamedFields,
    /// A notice or request names a material the application does not have.
    NamedMaterials,
    /// A reply's answers would change the items applied for.
    ItemsWouldChange,
    /// A reply lacks a new file for these named materials.
    NotSentAnew(Vec<shared::Text>),
    /// Staff accounts (`domain::accounts`).
    Username,
    DisplayName,
    Role,
    Department,
    /// An inspector's certificate number: required of inspectors, of no one else.
    StaffCertificate,
    Password,
    /// A set-password link that is unknown, used, replaced or expired.
    PasswordLink,
    /// A filter of the statistics (`from`, `to`, `department`, `bundle`), by its name.
    Statistics(&'static str),
    /// A pause's kind: `expert_review` or `testing`.
    PauseKind,
    /// A rating's score (1–5) or comment (at most 500 characters).
    Rating(&'static str),
}

impl Invalid {
    /// The input field the problem is under.
    pub fn field(&self) -> &'static str {
        match self {
            Invalid::Bundle => "bundle",
            Invalid::Draft => "draft",
            Invalid::AcceptedOn => "accepted_on",
            Invalid::Notice => "notice",
            Invalid::MissingMaterials => "missing_materials",
            Invalid::BringBy => "bring_by",
            Invalid::InspectionDay(field) => field,
            Invalid::ItemNotOfApplication | Invalid::ItemNotOnsite | Invalid::NoItemOfYours => {
                "items"
            }
            Invalid::InspectionResult => "result",
            Invalid::ReviewMessage | Invalid::ReplyMessage => "message",
            Invalid::Certificate => "certificate",
            Invalid::FollowUpOn => "follow_up_on",
            Invalid::Insufficient => "insufficient",
            Invalid::PermitState => "state",
            Invalid::PermitReason | Invalid::Reason => "reason",
            Invalid::ChangeField => "field",
            Invalid::ChangeValue(_) | Invalid::SameValue => "value",
            Invalid::Permit | Invalid::PermitNotInForce => "permit",
            Invalid::NoteTooLong | Invalid::NoteRequired => "note",
            Invalid::DeliveryWay => "way",
            Invalid::Holder => "holder",
            Invalid::Email => "email",
            Invalid::WebhookUrl | Invalid::WebhookHost => "url",
            Invalid::ListLines(_) => "file",
            Invalid::Worklist(field) => field,
            Invalid::SavedView | Invalid::PlanName => "name",
            Invalid::PlanDepartments => "departments",
            Invalid::PlanRatios => "ratios",
            Invalid::PlanPerDepartment => "per_department",
            Invalid::FollowUpOutcome => "outcome",
            Invalid::FollowUpNote | Invalid::TaskNote => "note",
            Invalid::TaskResult => "result",
            Invalid::TaskChecks => "checks",
            Invalid::RectifyBy => "rectify_by",
            Invalid::PlanItems => "items",
            Invalid::PlanFilters => "filters",
            Invalid::ConflictInspector => "inspector",
            Invalid::TaskPhoto => "photo",
            Invalid::ConflictEnterprise => "uscc",
            Invalid::PaperMaterials | Invalid::MaterialsMissing(_) => "paper_materials",
            Invalid::NamedFields => "fields",
            Invalid::NamedMaterials => "materials",
            Invalid::NotSentAnew(_) => "materials",
            Invalid::ItemsWouldChange => "answers",
            Invalid::Username => "username",
            Invalid::DisplayName => "display_name",
            Invalid::Role => "role",
            Invalid::Department => "department",
            Invalid::StaffCertificate => "certificate",
            Invalid::Password => "password",
            Invalid::PasswordLink => "token",
            Invalid::Statistics(field) | Invalid::Rating(field) => field,
            Invalid::PauseKind => "pause_kind",
        }
    }
}

impl From<Invalid> for Error {
    fn from(i: Invalid) -> Error {
        Error::Invalid(i)
    }
}

impl From<Conflict> for Error {
    fn from(c: Conflict) -> Error {
        Error::Conflict(c)
    }
}

impl From<Missing> for Error {
    fn from(m: Missing) -> Error {
        Error::NotFound(m)
    }
}

/// A free-text message, reason or note as kept: trimmed, not empty, at most 2000 characters.
pub fn message(m: Option<&str>) -> Option<&str> {
    m.map(str::trim)
        .filter(|m| !m.is_empty() && m.chars().count() <= 2000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_trimmed_and_bounded() {
        assert_eq!(message(Some("  补充身份证  ")), Some("补充身份证"));
        assert_eq!(message(Some("   ")), None);
        assert_eq!(message(None), None);
        assert_eq!(message(Some(&"字".repeat(2000))).map(str::len), Some(6000));
        assert_eq!(message(Some(&"字".repeat(2001))), None);
        assert_eq!(Invalid::InspectionDay("on").field(), "on");
    }
}
