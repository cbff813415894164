//! States of a sub-application (one item of an application) and the application's overall
//! state, which is derived from its sub-applications, never stored on its own.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Where one item of an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubStatus {
    /// Filed, waiting for the one window to accept it.
    Submitted,
    /// Accepted, under review by its department.
    Accepted,
    /// The department asked the applicant for a supplement (clock paused).
    SupplementRequested,
    /// An on-site inspection is scheduled (clock paused).
    InspectionScheduled,
    Approved,
    Rejected,
}

impl SubStatus {
    /// The stored form, as in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SubStatus::Submitted => "submitted",
            SubStatus::Accepted => "accepted",
            SubStatus::SupplementRequested => "supplement_requested",
            SubStatus::InspectionScheduled => "inspection_scheduled",
            SubStatus::Approved => "approved",
            SubStatus::Rejected => "rejected",
        }
    }

    /// Every state, in the order an item moves through them.
    pub const ALL: [SubStatus; 6] = [
        SubStatus::Submitted,
        SubStatus::Accepted,
        SubStatus::SupplementRequested,
        SubStatus::InspectionScheduled,
        SubStatus::Approved,
        SubStatus::Rejected,
    ];

    pub fn parse(s: &str) -> Option<SubStatus> {
        SubStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            SubStatus::Submitted => ("已提交，待受理", "Submitted, awaiting intake"),
            SubStatus::Accepted => ("已受理，审查中", "Accepted, under review"),
            SubStatus::SupplementRequested => ("待补正材料", "Supplement requested"),
            SubStatus::InspectionScheduled => ("待现场核查", "On-site inspection scheduled"),
            SubStatus::Approved => ("已办结（准予许可）", "Approved"),
            SubStatus::Rejected => ("不予许可", "Rejected"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// The application's state, derived from its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    Submitted,
    InProgress,
    /// At least one item waits for the applicant.
    ActionNeeded,
    /// Every item is decided.
    Completed,
}

impl OverallStatus {
    /// Derives the overall state: waiting on the applicant beats everything; all decided is
    /// complete; all untouched is submitted.
    pub fn derive(items: &[SubStatus]) -> OverallStatus {
        use SubStatus::*;
        if items.contains(&SupplementRequested) {
            OverallStatus::ActionNeeded
        } else if items.iter().all(|s| matches!(s, Approved | Rejected)) {
            OverallStatus::Completed
        } else if items.iter().all(|s| *s == Submitted) {
            OverallStatus::Submitted
        } else {
            OverallStatus::InProgress
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            OverallStatus::Submitted => ("已提交，待窗口受理", "Submitted, awaiting intake"),
            OverallStatus::InProgress => ("各部门并联审批中", "Departments reviewing in parallel"),
            OverallStatus::ActionNeeded => ("需要您补充材料", "Action needed from you"),
            OverallStatus::Completed => ("全部办结", "All items decided"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_state_is_derived_from_the_items() {
        use SubStatus::*;
        assert_eq!(
            OverallStatus::derive(&[Submitted, Submitted]),
            OverallStatus::Submitted
        );
        assert_eq!(
            OverallStatus::derive(&[Accepted, Approved]),
            OverallStatus::InProgress
        );
        assert_eq!(
            OverallStatus::derive(&[SupplementRequested, Approved]),
            OverallStatus::ActionNeeded
        );
        assert_eq!(
            OverallStatus::derive(&[Rejected, Approved]),
            OverallStatus::Completed
        );
        for s in SubStatus::ALL {
            assert_eq!(SubStatus::parse(s.as_str()), Some(s));
        }
    }
}
