//! Answers given as URL query pairs (`?plans.tobacco=true&business.scope=bulk_food`), for the
//! guide API and shareable cart links: each value read as its field's kind wants it.

use serde_json::{Number, Value};

use super::{Answers, FieldDef, FieldKind, FieldProblems, Problem};

/// Reads query pairs as answers. A multiselect takes one pair per option; an unknown key or a
/// value its kind cannot read is a problem of that key.
pub fn answers_from_query<'a>(
    field: impl Fn(&str) -> Option<&'a FieldDef>,
    pairs: &[(String, String)],
) -> Result<Answers, FieldProblems> {
    let mut answers = Answers::new();
    let mut problems = FieldProblems::new();
    for (key, raw) in pairs {
        let Some(def) = field(key) else {
            problems.insert(key.clone(), vec![Problem::UnknownField]);
            continue;
        };
        let raw = raw.trim();
        let value = match def.kind {
            FieldKind::Checkbox => match raw {
                "true" | "1" | "on" => Value::Bool(true),
                "false" | "0" | "off" => Value::Bool(false),
                _ => {
                    problems.insert(key.clone(), vec![Problem::WrongType]);
                    continue;
                }
            },
            FieldKind::Number => match raw.parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => {
                    problems.insert(key.clone(), vec![Problem::NotANumber]);
                    continue;
                }
            },
            FieldKind::Multiselect => {
                let list = answers
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(Value::String(raw.to_string()));
                }
                continue;
            }
            _ => Value::String(raw.to_string()),
        };
        answers.insert(key.clone(), value);
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;

    #[test]
    fn each_value_is_read_as_its_kind() {
        let defs = [
            FieldDef::new("a.tick", FieldKind::Checkbox, Text::default(), "s", false),
            FieldDef::new("a.area", FieldKind::Number, Text::default(), "s", true),
            FieldDef::new(
                "a.scope",
                FieldKind::Multiselect,
                Text::default(),
                "s",
                true,
            ),
        ];
        let find = |k: &str| defs.iter().find(|d| d.key == k);
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let a = answers_from_query(
            find,
            &pairs(&[
                ("a.tick", "true"),
                ("a.area", "300.5"),
                ("a.scope", "x"),
                ("a.scope", "y"),
            ]),
        )
        .expect("answers");
        assert_eq!(
            Value::Object(a),
            serde_json::json!({"a.tick": true, "a.area": 300.5, "a.scope": ["x", "y"]})
        );
        let bad =
            answers_from_query(find, &pairs(&[("a.area", "big"), ("nope", "1")])).expect_err("bad");
        assert_eq!(bad["a.area"], vec![Problem::NotANumber]);
        assert_eq!(bad["nope"], vec![Problem::UnknownField]);
    }
}
