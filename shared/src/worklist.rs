//! The staff's one worklist (`GET /api/staff/worklist`): applications (the window's view, by
//! filing date) or items (a department's view, nearest deadline first), searched, filtered,
//! sorted and paged by a cursor — so that a page stays right while new applications arrive.

use serde::{Deserialize, Serialize};

use crate::records::IntakeStatus;
use crate::status::SubStatus;
use crate::{Lang, Text};

/// The most rows one page holds.
pub const MAX_PAGE: u32 = 100;
/// Rows per page unless asked otherwise.
pub const DEFAULT_PAGE: u32 = 50;

/// What the list shows, one row each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Applications, newest filing first (the window, the administrator).
    #[default]
    Applications,
    /// Items, nearest deadline first (a department).
    Items,
}

/// How far an item is from its deadline, as the list colours it — and says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    /// Past its last working day.
    Overdue,
    /// Its last working day is today.
    Today,
    /// Within the next two working days.
    Soon,
    /// Further off.
    OnTime,
    /// The clock stands still (inspection, supplement).
    Paused,
    /// No clock: not accepted yet, or decided.
    None,
}

impl Deadline {
    pub fn label(self, l: Lang) -> &'static str {
        let (zh, en) = match self {
            Deadline::Overdue => ("已超期", "Overdue"),
            Deadline::Today => ("今日到期", "Due today"),
            Deadline::Soon => ("2个工作日内到期", "Due within 2 working days"),
            Deadline::OnTime => ("未到期", "On time"),
            Deadline::Paused => ("暂停计时", "Clock paused"),
            Deadline::None => ("—", "—"),
        };
        if l == Lang::Zh { zh } else { en }
    }

    /// The CSS class the list colours it with.
    pub fn class(self) -> &'static str {
        match self {
            Deadline::Overdue => "deadline overdue",
            Deadline::Today => "deadline today",
            Deadline::Soon => "deadline soon",
            Deadline::OnTime => "deadline on-time",
            Deadline::Paused => "deadline paused",
            Deadline::None => "deadline none",
        }
    }
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page {
    pub kind: Kind,
    pub rows: Vec<Row>,
    /// The cursor of the next page (`after=`), if there is one.
    #[serde(default)]
    pub next: Option<String>,
}

/// One row: an application, with the items this staff member may see (the item of an item
/// row alone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    pub number: String,
    pub business_name: String,
    pub bundle_name: Text,
    pub intake: IntakeStatus,
    /// Back at the window with the applicant's answer to a correction notice (补正后退回).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub returned: bool,
    /// RFC 3339.
    pub submitted_at: String,
    pub items: Vec<RowItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowItem {
    pub id: i64,
    pub item: String,
    pub name: Text,
    pub department: String,
    pub status: SubStatus,
    pub version: i64,
    #[serde(default)]
    pub due_on: Option<String>,
    pub deadline: Deadline,
    /// The reviewer who took it.
    #[serde(default)]
    pub assignee: Option<String>,
}

/// `POST /api/staff/worklist/assign`: items to one reviewer of their department (`to`), or to
/// nobody (`None`: released). A reviewer may take or release only for themself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assign {
    pub items: Vec<i64>,
    #[serde(default)]
    pub to: Option<String>,
}

/// A saved view: a name and the query string it stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedView {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    /// The worklist's query string, e.g. `kind=items&due=overdue`.
    pub query: String,
}

impl Row {
    /// The nearest deadline among the row's items (the most urgent first).
    pub fn most_urgent(&self) -> Deadline {
        let rank = |d: Deadline| match d {
            Deadline::Overdue => 0,
            Deadline::Today => 1,
            Deadline::Soon => 2,
            Deadline::OnTime => 3,
            Deadline::Paused => 4,
            Deadline::None => 5,
        };
        self.items
            .iter()
            .map(|i| i.deadline)
            .min_by_key(|d| rank(*d))
            .unwrap_or(Deadline::None)
    }
}
