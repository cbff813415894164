//! The event feed (实时回传, plan measure 10): every change of an application and its items, as
//! a department's own system follows it — in the CloudEvents 1.0 JSON format, each with its
//! position in the audit log (which every change writes in its own transaction: nothing
//! committed is missing, nothing uncommitted is sent).

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

/// One event (CloudEvents 1.0, structured JSON mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloudEvent {
    /// `1.0`.
    pub specversion: String,
    /// Unique for the source: the position, as text.
    pub id: String,
    /// The deployment: its public address and `/api/events`.
    pub source: String,
    /// `cn.lianban.<action>`, e.g. `cn.lianban.review.approve`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What it is about: `application LB-…`, `item 12`, `inspection 3`.
    pub subject: String,
    /// RFC 3339, UTC.
    pub time: String,
    /// `application/json`.
    pub datacontenttype: String,
    /// Extension: the position in the feed (ascending, gaps where others' events are).
    pub position: i64,
    pub data: EventData,
}

/// What happened, as the history page says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    /// The application's number.
    pub application: String,
    /// The audit log's action, e.g. `review.approve`.
    pub action: String,
    /// Who did it (an account, `applicant`, `system`) and in what role.
    pub actor: String,
    pub role: String,
    pub who: Text,
    pub what: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<Text>,
    /// The record's state after, as the caller may see it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub after: serde_json::Value,
}

/// `GET /api/events?after=…`: the events after a position, and where to go on from (`next`,
/// the position to ask after next time — past events the caller may not see, too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    pub events: Vec<CloudEvent>,
    pub next: i64,
}

/// `POST /api/webhooks`: where to push the caller's events, from which position (default:
/// from now on).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    pub url: String,
    #[serde(default)]
    pub after: Option<i64>,
}

/// A webhook subscription as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    /// The account whose events it pushes.
    pub owner: String,
    pub url: String,
    /// The last event acknowledged.
    pub position: i64,
    /// `live`, or `dead` (given up after failures in a row: send it again to go on).
    pub state: String,
    pub failures: i64,
    #[serde(default)]
    pub last_error: Option<String>,
    /// Events delivered so far.
    pub delivered: i64,
    /// RFC 3339.
    pub created_at: String,
}

/// A new subscription and its signing secret (`whsec_…`, shown this once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// `POST /api/webhooks/{id}/redeliver`: alive again, from `after` (default: where it stopped).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redeliver {
    #[serde(default)]
    pub after: Option<i64>,
}
