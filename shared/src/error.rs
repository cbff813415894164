//! The one error body every API error uses: a message and, for validation, per-field messages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::form::FieldProblems;

/// `{"message": …, "field_errors": {key: [messages]}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub message: String,
    #[serde(default)]
    pub field_errors: BTreeMap<String, Vec<String>>,
}

impl ErrorBody {
    pub fn new(message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            message: message.into(),
            field_errors: BTreeMap::new(),
        }
    }

    /// A validation failure of one field, the message said at the top and under the field.
    /// The one sentence to show where a single message fits: the first field's problem, else
    /// the general message.
    pub fn first_message(self) -> String {
        self.field_errors
            .into_values()
            .flatten()
            .next()
            .unwrap_or(self.message)
    }

    pub fn field(key: &str, message: String) -> ErrorBody {
        let mut body = ErrorBody::new(message.clone());
        body.field_errors.insert(key.to_string(), vec![message]);
        body
    }

    /// A validation failure: every field's problems, in `lang`.
    pub fn from_problems(problems: &FieldProblems, lang: Lang) -> ErrorBody {
        let message = match lang {
            Lang::Zh => format!("有 {} 项填写有误，请修改后再提交", problems.len()),
            Lang::En => format!(
                "{} answers need correcting before you submit",
                problems.len()
            ),
        };
        let field_errors = problems
            .iter()
            .map(|(k, ps)| (k.clone(), ps.iter().map(|p| p.message(lang)).collect()))
            .collect();
        ErrorBody {
            message,
            field_errors,
        }
    }
}
