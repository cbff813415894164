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
    /// Expert review or testing (专家评审、检验检测): a stage the plan excludes from the
    /// limit (clock paused); `Decision::pauses` says which, why and since when.
    Paused,
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
            SubStatus::Paused => "paused",
            SubStatus::Approved => "approved",
            SubStatus::Rejected => "rejected",
        }
    }

    /// Every state, in the order an item moves through them.
    pub const ALL: [SubStatus; 7] = [
        SubStatus::Submitted,
        SubStatus::Accepted,
        SubStatus::SupplementRequested,
        SubStatus::InspectionScheduled,
        SubStatus::Paused,
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
            SubStatus::Paused => (
                "专家评审或检验检测中（不计时）",
                "Expert review or testing (clock stopped)",
            ),
            SubStatus::Approved => ("已办结（准予许可）", "Approved"),
            SubStatus::Rejected => ("不予许可", "Rejected"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// What staff do to one item. Which actions a state allows is `SubStatus::after`, the one
/// state machine the server enforces and the back office offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// The one window accepts the application: every item goes to its department at once.
    Accept,
    /// The department asks the applicant for a supplement; the clock stops.
    RequestSupplement,
    /// The supplement came in; the clock runs again.
    Supplied,
    /// An on-site inspection is scheduled; the clock stops.
    ScheduleInspection,
    /// The inspection is recorded; the clock runs again.
    RecordInspection,
    /// Approved after review: a certificate number, valid for the item's validity.
    Approve,
    /// Approved on the spot by notification-commitment (告知承诺), after the credit check.
    ApproveByCommitment,
    /// Refused, with a reason.
    Reject,
    /// Expert review or testing begins (`pause_kind`, a reason); the clock stops.
    Pause,
    /// It ended; the clock runs again.
    Resume,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 10] = [
        ReviewAction::Accept,
        ReviewAction::RequestSupplement,
        ReviewAction::Supplied,
        ReviewAction::ScheduleInspection,
        ReviewAction::RecordInspection,
        ReviewAction::Approve,
        ReviewAction::ApproveByCommitment,
        ReviewAction::Reject,
        ReviewAction::Pause,
        ReviewAction::Resume,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Accept => "accept",
            ReviewAction::RequestSupplement => "request_supplement",
            ReviewAction::Supplied => "supplied",
            ReviewAction::ScheduleInspection => "schedule_inspection",
            ReviewAction::RecordInspection => "record_inspection",
            ReviewAction::Approve => "approve",
            ReviewAction::ApproveByCommitment => "approve_by_commitment",
            ReviewAction::Reject => "reject",
            ReviewAction::Pause => "pause",
            ReviewAction::Resume => "resume",
        }
    }
}

impl SubStatus {
    /// The state after `action`, or `None` if the action is impossible in this state.
    pub fn after(self, action: ReviewAction) -> Option<SubStatus> {
        use ReviewAction as A;
        use SubStatus::*;
        match (self, action) {
            (Submitted, A::Accept) => Some(Accepted),
            (Accepted, A::RequestSupplement) => Some(SupplementRequested),
            (SupplementRequested, A::Supplied) => Some(Accepted),
            (Accepted, A::ScheduleInspection) => Some(InspectionScheduled),
            (InspectionScheduled, A::RecordInspection) => Some(Accepted),
            (Accepted, A::Approve | A::ApproveByCommitment) => Some(Approved),
            (Accepted, A::Reject) => Some(Rejected),
            (Accepted, A::Pause) => Some(Paused),
            (Paused, A::Resume) => Some(Accepted),
            _ => None,
        }
    }

    /// Time in this state does not count against the limit.
    pub fn pauses_clock(self) -> bool {
        matches!(
            self,
            SubStatus::SupplementRequested | SubStatus::InspectionScheduled | SubStatus::Paused
        )
    }

    /// Decided: nothing more happens to the item.
    pub fn is_final(self) -> bool {
        matches!(self, SubStatus::Approved | SubStatus::Rejected)
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

    /// Every (state, action) pair: exactly these ten are allowed, everything else refused.
    #[test]
    fn the_state_machine_allows_exactly_its_transitions() {
        use ReviewAction as A;
        use SubStatus::*;
        let allowed = [
            (Submitted, A::Accept, Accepted),
            (Accepted, A::RequestSupplement, SupplementRequested),
            (SupplementRequested, A::Supplied, Accepted),
            (Accepted, A::ScheduleInspection, InspectionScheduled),
            (InspectionScheduled, A::RecordInspection, Accepted),
            (Accepted, A::Approve, Approved),
            (Accepted, A::ApproveByCommitment, Approved),
            (Accepted, A::Reject, Rejected),
            (Accepted, A::Pause, Paused),
            (Paused, A::Resume, Accepted),
        ];
        for state in SubStatus::ALL {
            for action in ReviewAction::ALL {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(state.after(action), expected, "{state:?} + {action:?}");
            }
        }
        assert!(Approved.is_final() && Rejected.is_final() && !Accepted.is_final());
        assert!(SupplementRequested.pauses_clock() && InspectionScheduled.pauses_clock());
        assert!(Paused.pauses_clock() && !Accepted.pauses_clock());
    }
}
