//! The bureau's own measurement (`GET /api/staff/statistics`, the dashboard, the exports and
//! the public results page): figures measured from applications, each by a stated definition.

use serde::{Deserialize, Serialize};

/// The filters of every statistics view: the period by the day items were accepted
/// (`YYYY-MM-DD`, both included), one department, one bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(default)]
pub struct StatisticsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub department: Option<String>,
    pub bundle: Option<String>,
}

/// One line of a table: an item, a department, a bundle, a month (`YYYY-MM`) or everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatRow {
    pub key: String,
    pub label: String,
    /// Items accepted in the period (the volume).
    pub accepted: u64,
    /// Of those, decided: approved or refused.
    pub approved: u64,
    pub rejected: u64,
    /// Decided items with a measure (decided since measuring began).
    pub measured: u64,
    /// Actual working days from acceptance to decision, the days the clock stood still
    /// (supplements, inspections, expert review, testing) excluded: the median, and the 90th
    /// percentile by nearest rank.
    pub median_days: Option<f32>,
    pub p90_days: Option<u32>,
    /// Measured items decided within their committed limit, and their share of the measured
    /// (floored to a whole percent).
    pub on_time: u64,
    pub on_time_percent: Option<u32>,
    /// Open items past their due date today.
    pub overdue_now: u64,
    /// Approved by notification-commitment (告知承诺).
    pub by_commitment: u64,
    /// Of applications accepted with materials to follow (容缺受理).
    pub tolerated: u64,
    /// Supplement requests (补正) made to these items.
    pub supplement_rounds: u64,
    /// Bundles and the whole: correction notices the one window sent (补正告知) to the
    /// applications accepted in the period (none with a department filter: they are the
    /// window's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction_rounds: Option<u64>,
    /// An item's limits (working days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statutory_days: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed_days: Option<f32>,
    /// The plan's measure (措施 8: each item against its own statutory limit, averaged):
    /// promised by the committed limits, and as measured by the items' median actual days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promised_cut_percent: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured_cut_percent: Option<u32>,
}

/// How many measured items took `days_over` working days more than their committed limit
/// (negative: fewer, decided early).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaysAgainstPromise {
    pub days_over: i64,
    pub items: u64,
}

/// An open item past its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueItem {
    pub application: String,
    pub item: String,
    pub department: String,
    pub due_on: String,
    /// Working days past the due date, today included.
    pub days_late: u32,
}

/// A refusal and its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusalRow {
    pub application: String,
    pub item: String,
    pub department: String,
    pub decided_on: String,
    pub reason: String,
}

/// 问效于企: what applicants said of the service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    pub count: u64,
    /// The mean score, floored to two decimals; `None` without ratings.
    pub average: Option<f32>,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub by_score: [u64; 5],
    /// The latest comments (no personal data: the score, the day, the words).
    pub comments: Vec<RatingComment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingComment {
    pub score: u8,
    pub rated_on: String,
    pub comment: String,
}

/// `GET /api/staff/statistics`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    pub query: StatisticsQuery,
    /// The county's today, `YYYY-MM-DD` (overdue is counted against it).
    pub today: String,
    pub overall: StatRow,
    pub by_item: Vec<StatRow>,
    pub by_department: Vec<StatRow>,
    pub by_bundle: Vec<StatRow>,
    /// By the month items were accepted, `YYYY-MM`.
    pub by_month: Vec<StatRow>,
    pub against_promise: Vec<DaysAgainstPromise>,
    /// The most overdue first (at most 100).
    pub overdue: Vec<OverdueItem>,
    /// The latest first (at most 50).
    pub refusals: Vec<RefusalRow>,
    pub ratings: RatingSummary,
    /// 送达: the decisions delivered in the period.
    #[serde(default)]
    pub deliveries: DeliverySummary,
}

/// 送达: decisions (certificates, refusals) delivered in the period — by way, and the working
/// days from the decision to its delivery (by the official calendar).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliverySummary {
    pub delivered: u64,
    /// Receipt confirmed on the status page.
    pub electronic: u64,
    /// Collected on paper at the window.
    pub paper: u64,
    /// Working days from decision to delivery: the median…
    pub median_days: Option<f32>,
    /// …and the 90th percentile by nearest rank; `None` without deliveries.
    pub p90_days: Option<u32>,
}

/// `POST /api/applications/{number}/rating` (with the application's private token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRequest {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    #[serde(default)]
    pub comment: String,
}
