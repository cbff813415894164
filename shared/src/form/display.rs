//! An answer in words, as a reader sees it: option labels, not values; units; "not given".

use serde_json::Value;

use super::{FieldDef, FieldKind};
use crate::Lang;

/// A text or number answer as an input shows it.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(crate::i18n::number).unwrap_or_default(),
        _ => String::new(),
    }
}

/// An answer as the review page shows it (option labels, not values).
pub fn display_answer(def: &FieldDef, value: &Value, lang: Lang) -> String {
    let label = |v: &str| {
        def.options
            .iter()
            .find(|o| o.value == v)
            .map_or(v.to_string(), |o| o.label.get(lang).to_string())
    };
    let empty = if lang == Lang::Zh {
        "（未填写）"
    } else {
        "(not given)"
    };
    match (def.kind, value) {
        (_, Value::Null) => empty.into(),
        (FieldKind::Checkbox, Value::Bool(b)) => if *b {
            if lang == Lang::Zh { "是" } else { "Yes" }
        } else {
            empty
        }
        .into(),
        (FieldKind::Select, Value::String(s)) => label(s),
        (FieldKind::Multiselect, Value::Array(a)) if a.is_empty() => empty.into(),
        (FieldKind::Multiselect, Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(label)
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " }),
        (FieldKind::Number, v) => {
            let unit = def
                .unit
                .as_ref()
                .map(|u| u.get(lang).to_string())
                .unwrap_or_default();
            format!("{} {unit}", text_of(v))
        }
        (_, v) if text_of(v).trim().is_empty() => empty.into(),
        (_, v) => text_of(v),
    }
}
