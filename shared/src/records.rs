//! What is kept about an application, an item and a permit, typed: the same JSON and the same
//! words the database columns hold, read and written by the server and the browser alike (no
//! map read by string key anywhere).

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Where an application stands at the one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeStatus {
    /// Filed (or corrected), waiting for the window.
    #[default]
    Submitted,
    /// Accepted: every item went to its department.
    Accepted,
    /// Sent back with one correction notice.
    CorrectionRequested,
}

impl IntakeStatus {
    pub const ALL: [IntakeStatus; 3] = [
        IntakeStatus::Submitted,
        IntakeStatus::Accepted,
        IntakeStatus::CorrectionRequested,
    ];

    /// The stored form, as in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeStatus::Submitted => "submitted",
            IntakeStatus::Accepted => "accepted",
            IntakeStatus::CorrectionRequested => "correction_requested",
        }
    }

    pub fn parse(s: &str) -> Option<IntakeStatus> {
        IntakeStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            IntakeStatus::Submitted => ("待受理", "Waiting for intake"),
            IntakeStatus::Accepted => ("已受理", "Accepted"),
            IntakeStatus::CorrectionRequested => ("已发补正告知", "Correction requested"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// What the one window told the applicant, and what came back: the correction notice and its
/// answer, or the secondary materials accepted as missing (容缺) and the day they are due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct IntakeNotice {
    /// Everything to correct, at once (补正告知).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// The applicant's answer to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// The fields the correction notice asks to answer again (keys) and the materials it asks
    /// new files for (ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    /// When the notice was sent (Unix seconds): a material's new file is one finished since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_at: Option<i64>,
    /// Materials accepted as missing and not arrived yet (material ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_materials: Vec<String>,
    /// The day the applicant committed to bring them by, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bring_by: Option<String>,
    /// Materials the window received on paper at acceptance (material ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paper_materials: Vec<String>,
}

impl IntakeNotice {
    /// The notice as stored (JSON text); an unreadable or absent one is empty.
    pub fn from_stored(text: Option<&str>) -> IntakeNotice {
        text.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }
}

/// What a department recorded on one item as it went: requests, inspection, the decision and
/// its certificate. Every part is optional; each action adds or replaces its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Decision {
    /// What the department asked the applicant to supplement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplement_request: Option<String>,
    /// Materials found insufficient with that request (material ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insufficient_materials: Vec<String>,
    /// Fields the request asks to answer again (keys).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplement_fields: Vec<String>,
    /// When the request was made (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_at: Option<i64>,
    /// The applicant's answer to the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplement_reply: Option<String>,
    /// The day of the on-site inspection, `YYYY-MM-DD`, and what it found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_result: Option<String>,
    /// The certificate's number (the business licence's: the issued credit code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The last day the permit is valid, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Approved by notification-commitment (告知承诺), with its follow-up check and the credit
    /// check it was given after. Staff only: never shown to the applicant.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_commitment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_check: Option<CreditCheck>,
    /// Why the item was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Expert reviews and tests (专家评审、检验检测) the clock stood still for, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<StagePause>,
}

/// The kinds of stage the plan excludes from an item's limit, besides on-site inspection.
pub const PAUSE_KINDS: [&str; 2] = ["expert_review", "testing"];

/// One stage excluded from the clock: expert review or testing, why, from and to (`None`
/// while it lasts), `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StagePause {
    pub kind: String,
    pub reason: String,
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Decision {
    /// The decision as stored (JSON text); an unreadable or absent one is empty.
    pub fn from_stored(text: Option<&str>) -> Decision {
        text.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }
}

/// The credit check before an approval by commitment, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditCheck {
    /// When the dishonesty list checked against was imported (RFC 3339, UTC).
    pub list_imported_at: String,
    /// How many parties (legal representative, enterprise) were looked up.
    pub checked: usize,
    /// Those found on the list.
    #[serde(default)]
    pub listed: Vec<ListedParty>,
    /// Those a credit record bars from the commitment path (a false commitment): `source`
    /// names the record and the last day of the bar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub barred: Vec<ListedParty>,
}

/// A party found on the dishonesty list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListedParty {
    /// `uscc` or `id_number`.
    pub kind: String,
    pub name: String,
    pub source: String,
}

/// A permit's state. `Expired` is never stored: a valid permit past its last day is expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PermitState {
    Valid,
    Expired,
    Suspended,
    Revoked,
    Cancelled,
}

impl PermitState {
    pub const ALL: [PermitState; 5] = [
        PermitState::Valid,
        PermitState::Expired,
        PermitState::Suspended,
        PermitState::Revoked,
        PermitState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PermitState::Valid => "valid",
            PermitState::Expired => "expired",
            PermitState::Suspended => "suspended",
            PermitState::Revoked => "revoked",
            PermitState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<PermitState> {
        PermitState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// As every page names it.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            PermitState::Valid => ("有效", "Valid"),
            PermitState::Expired => ("已过期", "Expired"),
            PermitState::Suspended => ("暂停", "Suspended"),
            PermitState::Revoked => ("已撤销", "Revoked"),
            PermitState::Cancelled => ("已注销", "Cancelled"),
        };
        if lang == Lang::Zh { zh } else { en }
    }

    /// The state as the public sees it on `today` (`YYYY-MM-DD`): a stored `valid` past its
    /// last day is `expired`.
    pub fn on(self, valid_until: Option<&str>, today: &str) -> PermitState {
        match self {
            PermitState::Valid if valid_until.is_some_and(|u| u < today) => PermitState::Expired,
            other => other,
        }
    }

    /// Still in force (valid or suspended): it may be cancelled.
    pub fn in_force(self) -> bool {
        matches!(self, PermitState::Valid | PermitState::Suspended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_records_read_back_as_they_were_written() {
        // The shape the columns have held since the first release.
        let d = Decision::from_stored(Some(
            r#"{"inspection_on":"2026-12-01","certificate":"JY1","valid_until":"2031-11-30","by_commitment":true,
                "follow_up_on":"2027-01-04","credit_check":{"list_imported_at":"2026-11-28T01:00:00Z","checked":2,"listed":[]},
                "insufficient_materials":["id_card"],"unknown":1}"#,
        ));
        assert_eq!(d.certificate.as_deref(), Some("JY1"));
        assert!(d.by_commitment);
        assert_eq!(d.credit_check.map(|c| c.checked), Some(2));
        assert_eq!(d.insufficient_materials, ["id_card"]);
        let written = serde_json::to_string(&Decision {
            reason: Some("不符".into()),
            ..Decision::default()
        })
        .expect("json");
        assert_eq!(
            written, r#"{"reason":"不符"}"#,
            "absent parts are not written"
        );
        assert_eq!(Decision::from_stored(None), Decision::default());
        assert_eq!(Decision::from_stored(Some("not json")), Decision::default());

        let n = IntakeNotice::from_stored(Some(
            r#"{"missing_materials":["food_safety_rules"],"bring_by":null}"#,
        ));
        assert_eq!(n.missing_materials, ["food_safety_rules"]);
        assert_eq!(n.bring_by, None);
        for s in IntakeStatus::ALL {
            assert_eq!(IntakeStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_valid_permit_past_its_last_day_is_expired() {
        let v = PermitState::Valid;
        assert_eq!(v.on(Some("2026-11-30"), "2026-12-01"), PermitState::Expired);
        assert_eq!(v.on(Some("2026-12-01"), "2026-12-01"), PermitState::Valid);
        assert_eq!(v.on(None, "2099-01-01"), PermitState::Valid);
        assert_eq!(
            PermitState::Revoked.on(Some("2000-01-01"), "2026-12-01"),
            PermitState::Revoked
        );
        for s in PermitState::ALL {
            assert_eq!(PermitState::parse(s.as_str()), Some(s));
        }
        assert!(PermitState::Suspended.in_force() && !PermitState::Expired.in_force());
    }
}
