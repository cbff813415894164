//! What the licence holder may apply for once the enterprise exists — a change of the licence
//! (变更: name, legal representative, address) or the cancellation of one permit (注销) — filed
//! with the private link, decided by the registration authority (a change) or the permit's
//! issuing department (a cancellation).

use serde::{Deserialize, Serialize};

use crate::records::PermitState;
use crate::{Lang, Text};

/// What a change may alter on the licence, and the form field whose rule the new value follows
/// (the same check as on the integrated form).
pub const CHANGEABLE: [(&str, &str); 3] = [
    ("name", "business.name"),
    ("legal_rep", "legal_rep.name"),
    ("address", "premises.address"),
];

/// The form field behind a changeable licence fact.
pub fn form_key(field: &str) -> Option<&'static str> {
    CHANGEABLE
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, k)| *k)
}

/// The name of a changeable licence fact.
pub fn field_label(field: &str, l: Lang) -> &'static str {
    let t = |zh, en| if l == Lang::Zh { zh } else { en };
    match field {
        "name" => t("名称", "Name"),
        "legal_rep" => t("法定代表人（负责人）", "Legal representative"),
        _ => t("经营场所", "Address"),
    }
}

/// Where a holder's request stands.
pub fn request_state_label(state: &str, l: Lang) -> &'static str {
    let t = |zh, en| if l == Lang::Zh { zh } else { en };
    match state {
        "pending" => t("办理中", "Pending"),
        "approved" => t("已办结", "Approved"),
        _ => t("不予办理", "Refused"),
    }
}

/// `POST /api/applications/{number}/requests`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HolderRequest {
    /// The licence and every permit take the new value together.
    Change {
        /// `name`, `legal_rep` or `address`.
        field: String,
        value: String,
        reason: String,
    },
    /// One permit ends at the holder's request.
    Cancel { permit: i64, reason: String },
    /// 注销联办: the licence and every permit under it end. Filed as one cancellation per
    /// permit in force, each to its department (the permits that follow the licence end with
    /// it); the licence's is decided last.
    CancelAll { reason: String },
}

/// Read by hand (see `crate::tagged`): the derived reader of a tagged enum is large in the
/// status app.
impl<'de> Deserialize<'de> for HolderRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        HolderRequest::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl HolderRequest {
    fn from_value(v: &serde_json::Value) -> Result<HolderRequest, String> {
        use crate::tagged::{integer, table, text};
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .ok_or_else(|| "missing field `kind`".to_string())?;
        Ok(match kind {
            "change" => {
                let o = table(kind, v, &["kind", "field", "value", "reason"])?;
                HolderRequest::Change {
                    field: text(kind, o, "field")?,
                    value: text(kind, o, "value")?,
                    reason: text(kind, o, "reason")?,
                }
            }
            "cancel" => {
                let o = table(kind, v, &["kind", "permit", "reason"])?;
                HolderRequest::Cancel {
                    permit: integer(kind, o, "permit")?,
                    reason: text(kind, o, "reason")?,
                }
            }
            "cancel_all" => {
                let o = table(kind, v, &["kind", "reason"])?;
                HolderRequest::CancelAll {
                    reason: text(kind, o, "reason")?,
                }
            }
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `change`, `cancel`, `cancel_all`"
                ));
            }
        })
    }

    pub fn reason(&self) -> &str {
        match self {
            HolderRequest::Change { reason, .. }
            | HolderRequest::Cancel { reason, .. }
            | HolderRequest::CancelAll { reason } => reason,
        }
    }
}

/// A permit of the holder's enterprise, as the holder sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderPermit {
    pub id: i64,
    pub item: String,
    pub name: Text,
    pub certificate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub state: PermitState,
}

/// A request and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledRequest {
    pub id: i64,
    pub request: HolderRequest,
    /// For a change: the value on the licence when it was filed; for a cancellation: the
    /// permit's name and number.
    pub before: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    /// Why it was refused, or the decision's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// RFC 3339, UTC.
    pub filed_at: String,
    /// For staff: whose licence.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uscc: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub enterprise: String,
}

/// `POST /api/staff/requests/{id}`: a refusal needs its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDecision {
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_tagged_by_kind() {
        let change: HolderRequest = serde_json::from_str(
            r#"{"kind":"change","field":"name","value":"新名","reason":"更名"}"#,
        )
        .expect("parses");
        assert_eq!(change.reason(), "更名");
        let cancel: HolderRequest =
            serde_json::from_str(r#"{"kind":"cancel","permit":7,"reason":"歇业"}"#)
                .expect("parses");
        assert_eq!(
            cancel,
            HolderRequest::Cancel {
                permit: 7,
                reason: "歇业".into()
            }
        );
        assert!(serde_json::from_str::<HolderRequest>(r#"{"kind":"merge","reason":"x"}"#).is_err());
        for wrong in [
            r#"{"kind":"cancel","permit":"7","reason":"x"}"#,
            r#"{"kind":"cancel_all","reason":"x","permit":7}"#,
            r#"{"field":"name","value":"x","reason":"x"}"#,
            r#"{"kind":"change","field":"name","reason":"x"}"#,
        ] {
            assert!(
                serde_json::from_str::<HolderRequest>(wrong).is_err(),
                "{wrong}"
            );
        }
        let all = HolderRequest::CancelAll {
            reason: "不再经营".into(),
        };
        let text = serde_json::to_string(&all).expect("json");
        assert_eq!(
            serde_json::from_str::<HolderRequest>(&text).expect("reads"),
            all
        );
        assert_eq!(form_key("address"), Some("premises.address"));
        assert_eq!(form_key("scope"), None);
    }
}
