//! Supervision after approval (双随机、一公开): inspection plans as the API takes and gives
//! them. A plan's public document carries everything a draw reads, so anyone can recompute it
//! (`docs/supervision-draw.md`).

use serde::{Deserialize, Serialize};

/// `POST /api/staff/supervision/plans`: what to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInspectionPlan {
    pub name: String,
    /// Department ids taking part; several make a joint draw (one visit covers them).
    pub departments: Vec<String>,
    /// The share of each risk class drawn.
    pub ratios: Vec<ClassRatio>,
    /// Inspectors drawn per department for each object (at least two in practice).
    pub per_department: u32,
    /// The inspection items (`catalogue/inspection.toml`) the visits cover.
    #[serde(default)]
    pub items: Vec<String>,
    /// Which enterprises take part (all holding a permit of the departments, when empty).
    #[serde(default)]
    pub filters: PlanFilters,
}

/// Which enterprises a plan takes: of these industries (the bundle they applied with) and
/// holding a permit of these types (catalogue items); an empty list does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanFilters {
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub permits: Vec<String>,
}

impl PlanFilters {
    /// Whether an enterprise of `industry` holding `permits` takes part.
    pub fn admits(&self, industry: &str, permits: &[String]) -> bool {
        (self.industries.is_empty() || self.industries.iter().any(|i| i == industry))
            && (self.permits.is_empty() || self.permits.iter().any(|p| permits.contains(p)))
    }
}

/// The per cent of risk class `class` (`A` lowest risk … `D` highest) drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassRatio {
    pub class: String,
    pub percent: u32,
}

/// A plan as published: before the draw, the frozen lists and the commitment to the seed;
/// after it, the seed and the drawn objects too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionPlan {
    pub id: i64,
    pub name: String,
    /// The draw's algorithm, e.g. `lianban-draw-1`.
    pub algorithm: String,
    /// The frozen lists exactly as hashed (JSON text): rules, objects, inspectors, conflicts.
    pub frozen: String,
    /// SHA-256 (hex) of `frozen`.
    pub frozen_hash: String,
    /// SHA-256 (hex) of `"{algorithm}:commit:{seed}"`, published before the draw.
    pub commitment: String,
    /// Revealed by the draw.
    pub seed: Option<String>,
    pub drawn: Option<Vec<DrawnObject>>,
    pub objects: u32,
    pub inspectors: u32,
    pub created_at: i64,
    pub drawn_at: Option<i64>,
    /// The inspection items the visits cover, as the list had them when the plan was made.
    #[serde(default)]
    pub items: Vec<crate::catalogue::InspectionItem>,
    /// Which enterprises it took (the frozen objects are those).
    #[serde(default)]
    pub filters: PlanFilters,
}

/// One drawn object and its inspectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnObject {
    pub object: i64,
    pub name: String,
    pub address: String,
    pub class: String,
    pub departments: Vec<DrawnInspectors>,
    /// The visit's result once recorded (一公开; `result_label` in words) and its day, and the
    /// re-check's of a rectification.
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub recorded_on: Option<String>,
    #[serde(default)]
    pub recheck_result: Option<String>,
    #[serde(default)]
    pub rechecked_on: Option<String>,
}

/// The inspectors drawn from one department (fewer than asked when it has no more free of
/// conflict).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnInspectors {
    pub department: String,
    pub inspectors: Vec<DrawnInspector>,
}

/// An inspector as published: their staff number, name and certificate number, never their
/// login name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnInspector {
    pub id: i64,
    pub name: String,
    /// Their certificate number (执法证号).
    #[serde(default)]
    pub certificate: String,
}

/// The follow-up of an approval by commitment (告知承诺事后核查), as its department sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: i64,
    /// The application's number.
    pub application: String,
    /// The item approved by commitment, and its name.
    pub item: String,
    pub item_name: crate::Text,
    pub department: String,
    pub business_name: String,
    /// The permit it made, when issued (with the business licence).
    pub permit: Option<i64>,
    pub certificate: Option<String>,
    /// The day the check is due (YYYY-MM-DD).
    pub due_on: String,
    /// Working days past due today, for an open follow-up that is late.
    pub overdue_days: Option<u32>,
    /// `open`, `fulfilled` or `false_commitment`.
    pub state: String,
    pub note: Option<String>,
    pub done_by: Option<String>,
    pub done_on: Option<String>,
}

/// `POST /api/staff/follow-ups/{id}`: what the check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpFinding {
    /// `fulfilled`, or `false_commitment` (revokes the permit, writes a credit record).
    pub outcome: String,
    /// The facts found; required for a false commitment.
    #[serde(default)]
    pub note: Option<String>,
}

/// A credit record (信用记录).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditRecord {
    pub id: i64,
    pub kind: String,
    pub kind_name: crate::Text,
    pub detail: String,
    pub recorded_on: String,
    /// The last day it bars approval by commitment, if it does.
    pub bars_until: Option<String>,
}

/// An inspection object (检查对象): an enterprise holding a valid permit, its risk class and
/// why, and its credit records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisedObject {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub address: String,
    /// Its industry: the bundle it applied with, and its name.
    pub industry: String,
    pub industry_name: crate::Text,
    /// The types (catalogue items) of its valid permits, and their names.
    pub permits: Vec<String>,
    pub permit_names: Vec<crate::Text>,
    /// Departments of its valid permits (ids), and their names.
    pub departments: Vec<String>,
    pub department_names: Vec<crate::Text>,
    /// `A` (lowest risk) … `D`.
    pub class: String,
    /// The rule that gave the class (`catalogue/credit.toml`).
    pub class_reason: crate::Text,
    /// On the imported dishonesty list (it or its legal representative).
    pub listed: bool,
    pub records: Vec<CreditRecord>,
}

/// The results an inspection records.
pub const RESULTS: [&str; 4] = ["passed", "rectify", "failed", "not_found"];

/// The results of the re-check of an order to rectify.
pub const RECHECK_RESULTS: [&str; 2] = ["rectified", "failed"];

/// A result in words, as the public reads it.
pub fn result_label(result: &str, lang: crate::Lang) -> &'static str {
    let (zh, en) = match result {
        "passed" => ("未发现问题", "No problem found"),
        "rectify" => ("发现问题，已责令整改", "Problems found, ordered to rectify"),
        "failed" => ("不合格", "Failed"),
        "not_found" => ("经营场所查无下落", "Not found at the address"),
        "rectified" => ("整改到位", "Rectified"),
        _ => ("", ""),
    };
    if lang == crate::Lang::Zh { zh } else { en }
}

/// An inspection task (检查任务): one visit of a drawn plan to one enterprise by the
/// inspectors drawn for it, with the checklists of the plan's items; its result once recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionTask {
    pub id: i64,
    pub plan: i64,
    pub plan_name: String,
    pub enterprise: String,
    pub uscc: String,
    pub address: String,
    /// The licence's verify page: scanning the QR at the premises opens it.
    pub verify_url: String,
    pub inspectors: Vec<DrawnInspector>,
    pub items: Vec<crate::catalogue::InspectionItem>,
    /// `open`, `rectifying` (a rectification ordered, its re-check to come) or `recorded`.
    pub state: String,
    /// Working days the re-check is late (its day to rectify by passed), when it is.
    #[serde(default)]
    pub recheck_late: Option<u32>,
    pub result: Option<String>,
    pub rectify_by: Option<String>,
    pub note: Option<String>,
    /// The re-check of a rectification: `rectified` or `failed`, its facts, by whom and when.
    #[serde(default)]
    pub recheck_result: Option<String>,
    #[serde(default)]
    pub recheck_note: Option<String>,
    #[serde(default)]
    pub rechecked_by: Option<String>,
    #[serde(default)]
    pub rechecked_on: Option<String>,
    /// One per checklist line of `items`, in order: the line holds.
    pub checks: Vec<bool>,
    /// The visit's photos (SHA-256 of each), staff-only:
    /// `GET /api/staff/supervision/tasks/{id}/photos/{sha256}`.
    #[serde(default)]
    pub photos: Vec<String>,
    pub recorded_by: Option<String>,
    pub recorded_on: Option<String>,
}

/// `POST /api/staff/supervision/tasks/{id}`: what the visit found — or, for a task whose
/// visit ordered a rectification, what its re-check found (`rectified` or `failed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionFinding {
    /// `passed`, `rectify` (with `rectify_by`), `failed` (with the facts in `note`) or
    /// `not_found`.
    pub result: String,
    #[serde(default)]
    pub rectify_by: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// One per checklist line of the task's items, in order.
    #[serde(default)]
    pub checks: Vec<bool>,
}

/// `POST /api/staff/supervision/conflicts`: a relation between an inspector and an enterprise
/// (a relative, a former employer…) that keeps the inspector from being drawn for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConflict {
    /// The inspector's username.
    pub inspector: String,
    /// The enterprise's unified social credit code.
    pub uscc: String,
    pub reason: String,
}

/// A recorded relation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeclaredConflict {
    pub inspector: String,
    pub inspector_name: String,
    pub enterprise: String,
    pub uscc: String,
    pub reason: String,
    /// RFC 3339.
    pub declared_at: String,
}
