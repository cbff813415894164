//! Validation of answers against field definitions. One function for one answer (the browser
//! calls it on input and blur) and one for a whole form (the server calls it on submit).

use std::collections::BTreeMap;

use serde_json::Value;
use time::Date;
use validator::{ValidateLength, ValidateRange};

use super::{FieldDef, FieldKind, Problem};
use crate::date::parse_iso_date;
use crate::ids::{check_mobile, check_resident_id, check_uscc};

/// Answers keyed by field key, as the browser sends them.
pub type Answers = serde_json::Map<String, Value>;
/// Problems keyed by field key; empty when the form is valid.
pub type FieldProblems = BTreeMap<String, Vec<Problem>>;

/// Whether `s` is an e-mail address (as the form's e-mail fields take one).
pub fn is_email(s: &str) -> bool {
    s.chars().count() <= 254 && email_address::EmailAddress::is_valid(s)
}

/// An answer not given: nothing, an unticked box, blank text or no choice.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn as_str(value: &Value) -> Result<&str, Problem> {
    value.as_str().map(str::trim).ok_or(Problem::WrongType)
}

/// Checks one answer. Returns the normalised value to store, `None` for an empty optional
/// answer, or the problem to show. `today` bounds birth dates inside ID numbers.
pub fn validate_value(
    field: &FieldDef,
    value: &Value,
    today: Date,
) -> Result<Option<Value>, Problem> {
    validate_value_as(field, field.required, value, today)
}

/// As `validate_value`, with whether an answer is required decided by the caller (a bundle
/// asks some fields as required that the dictionary leaves optional).
pub fn validate_value_as(
    field: &FieldDef,
    required: bool,
    value: &Value,
    today: Date,
) -> Result<Option<Value>, Problem> {
    if is_blank(value) {
        // A wrong type is reported even when empty-ish (`false` for a text is still a bool).
        if !matches!(value, Value::Null) && type_mismatch(field.kind, value) {
            return Err(Problem::WrongType);
        }
        return if required {
            Err(Problem::Required)
        } else {
            Ok(None)
        };
    }
    let normalised = match field.kind {
        FieldKind::Text | FieldKind::Textarea => {
            let s = as_str(value)?;
            let max = field.max_chars();
            if !s.validate_length(None, Some(max as u64), None) {
                return Err(Problem::TooLong { max });
            }
            Value::String(s.to_string())
        }
        FieldKind::IdNumber => {
            Value::String(check_resident_id(as_str(value)?, today).map_err(Problem::Id)?)
        }
        FieldKind::Uscc => Value::String(check_uscc(as_str(value)?).map_err(Problem::Uscc)?),
        FieldKind::Phone => Value::String(check_mobile(as_str(value)?).ok_or(Problem::Phone)?),
        FieldKind::Email => {
            let s = as_str(value)?;
            if s.chars().count() > field.max_chars() || !email_address::EmailAddress::is_valid(s) {
                return Err(Problem::Email);
            }
            Value::String(s.to_string())
        }
        FieldKind::Date => {
            let s = as_str(value)?;
            parse_iso_date(s).ok_or(Problem::Date)?;
            Value::String(s.to_string())
        }
        FieldKind::Number => {
            let n = value.as_f64().ok_or(Problem::WrongType)?;
            if !n.validate_range(field.min, field.max, None, None) {
                return Err(match field.min {
                    Some(min) if n < min => Problem::TooSmall { min },
                    _ => Problem::TooLarge {
                        max: field.max.unwrap_or(f64::MAX),
                    },
                });
            }
            value.clone()
        }
        FieldKind::Select => {
            let s = as_str(value)?;
            if !field.options.iter().any(|o| o.value == s) {
                return Err(Problem::UnknownOption);
            }
            Value::String(s.to_string())
        }
        FieldKind::Multiselect => {
            let items = value.as_array().ok_or(Problem::WrongType)?;
            if items.len() > field.options.len() {
                return Err(Problem::TooManyOptions);
            }
            let mut chosen: Vec<&str> = Vec::with_capacity(items.len());
            for item in items {
                let s = item.as_str().ok_or(Problem::WrongType)?;
                if !field.options.iter().any(|o| o.value == s) {
                    return Err(Problem::UnknownOption);
                }
                if !chosen.contains(&s) {
                    chosen.push(s);
                }
            }
            Value::Array(
                chosen
                    .into_iter()
                    .map(|s| Value::String(s.into()))
                    .collect(),
            )
        }
        FieldKind::Checkbox => Value::Bool(value.as_bool().ok_or(Problem::WrongType)?),
    };
    Ok(Some(normalised))
}

fn type_mismatch(kind: FieldKind, value: &Value) -> bool {
    match kind {
        FieldKind::Checkbox => !value.is_boolean(),
        FieldKind::Multiselect => !value.is_array(),
        FieldKind::Number => !value.is_number(),
        _ => !value.is_string(),
    }
}

/// Checks a whole form: every field of `fields`, and no answer outside them. Returns the
/// normalised answers (empty optional answers dropped) or every problem at once.
pub fn validate_answers<'a>(
    fields: impl IntoIterator<Item = &'a FieldDef>,
    answers: &Answers,
    today: Date,
) -> Result<Answers, FieldProblems> {
    validate_asked(fields.into_iter().map(|f| (f, f.required)), answers, today)
}

/// As `validate_answers`, each field with whether it is required here.
pub fn validate_asked<'a>(
    fields: impl IntoIterator<Item = (&'a FieldDef, bool)>,
    answers: &Answers,
    today: Date,
) -> Result<Answers, FieldProblems> {
    let mut clean = Answers::new();
    let mut problems = FieldProblems::new();
    let mut known = std::collections::BTreeSet::new();
    for (field, required) in fields {
        known.insert(field.key.as_str());
        let value = answers.get(&field.key).unwrap_or(&Value::Null);
        match validate_value_as(field, required, value, today) {
            Ok(Some(v)) => {
                clean.insert(field.key.clone(), v);
            }
            Ok(None) => {}
            Err(p) => {
                problems.insert(field.key.clone(), vec![p]);
            }
        }
    }
    for key in answers.keys().filter(|k| !known.contains(k.as_str())) {
        problems.insert(key.clone(), vec![Problem::UnknownField]);
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}
