//! A field of the dictionary: defined once under a stable dotted key (`legal_rep.id_number`),
//! referenced by every item that needs it.

use serde::{Deserialize, Serialize};

use crate::Text;

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
}

impl FieldDef {
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
