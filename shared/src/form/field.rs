//! A field of the dictionary: defined once under a stable dotted key (`legal_rep.id_number`),
//! referenced by every item that needs it.

use serde::{Deserialize, Serialize};

use crate::Text;
use crate::rules::Condition;

/// What kind of answer a field takes; decides its input widget and its validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    /// Resident ID number, GB 11643.
    IdNumber,
    /// Unified social credit code, GB 32100.
    Uscc,
    /// Mainland mobile number.
    Phone,
    Email,
    /// `YYYY-MM-DD`.
    Date,
    /// A number within `min`..=`max`.
    Number,
    /// One of `options`.
    Select,
    /// Any of `options`.
    Multiselect,
    /// A yes/no box; a required checkbox must be ticked (a declaration).
    Checkbox,
}

/// One option of a select or multiselect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

/// A field definition. Limits absent here get the kind's defaults (see `validate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDef {
    /// Stable dotted key, e.g. `legal_rep.id_number`.
    pub key: String,
    pub kind: FieldKind,
    pub label: Text,
    /// The form section the field appears in (a section id of the catalogue).
    pub section: String,
    #[serde(default)]
    pub required: bool,
    /// A short hint shown under the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Maximum length in characters for text-like kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Unit shown beside a number (m², 万元…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Asked only when this holds (e.g. the landlord's code only for leased premises); a hidden
    /// field's answer is dropped, not validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_when: Option<Condition>,
    /// Required (when shown) if this holds, even though `required` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    /// A fact given again for every item that needs it and never merged across items (a
    /// commitment statement, its signature and date): the integrated form asks it once per item.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_item: bool,
    /// On the copy of a per-item field asked for one item: that item's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

impl FieldDef {
    /// A field of the dictionary with no limits, options or conditions.
    pub fn new(key: &str, kind: FieldKind, label: Text, section: &str, required: bool) -> Self {
        FieldDef {
            key: key.into(),
            kind,
            label,
            section: section.into(),
            required,
            hint: None,
            max_len: None,
            min: None,
            max: None,
            unit: None,
            options: vec![],
            shown_when: None,
            required_when: None,
            per_item: false,
            item: None,
        }
    }

    /// The effective maximum length of a text-like answer.
    pub fn max_chars(&self) -> usize {
        let default = match self.kind {
            FieldKind::Textarea => 2000,
            FieldKind::Email => 254,
            _ => 200,
        };
        self.max_len.map_or(default, |n| n as usize)
    }
}
