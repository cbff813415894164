//! The rules: conditions over the applicant's answers, kept as catalogue data, that decide which
//! add-on items of a bundle apply and which fields are shown or required. One evaluator, run by
//! the browser (the cart updates as the applicant answers) and by the server (answers to hidden
//! fields are dropped, not validated).
//!
//! In the data files a condition is one small table, e.g.
//! `when = { any = [{ over = { field = "premises.area", value = 300 } }, { ticked = "plans.tobacco" }] }`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::form::Answers;

/// A yes/no question about the answers. An unanswered field makes every test on it false (and
/// so `not` of it true): without an answer, an add-on does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(no_recursion))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// A checkbox is ticked.
    Ticked(String),
    /// A select's answer is this option.
    Equals {
        field: String,
        value: String,
    },
    /// A multiselect's answer includes this option.
    Includes {
        field: String,
        value: String,
    },
    /// A multiselect's answer is not empty and holds nothing outside these options
    /// ("pre-packaged food only").
    Only {
        field: String,
        values: Vec<String>,
    },
    /// A number is greater than `value`.
    Over {
        field: String,
        value: f64,
    },
    /// A number is `value` or more.
    AtLeast {
        field: String,
        value: f64,
    },
    /// Two answers in order: `field`'s number or date is not above `than`'s. Holds while
    /// either is unanswered (asking for an answer is `required`'s work).
    NotAbove {
        field: String,
        than: String,
    },
    Any(Vec<Condition>),
    All(Vec<Condition>),
    Not(Box<Condition>),
}

/// The key of a per-item field's answer for one item: `commitment.chosen@food_business_permit`.
pub fn instance_key(key: &str, item: &str) -> String {
    format!("{key}@{item}")
}

impl Condition {
    /// Whether the condition holds for these answers. `item` is set when the condition belongs
    /// to a per-item field: a reference to another per-item field then reads that same item's
    /// answer.
    pub fn holds(&self, answers: &Answers, item: Option<&str>) -> bool {
        let answer = |key: &str| -> Option<&Value> {
            item.and_then(|i| answers.get(&instance_key(key, i)))
                .or_else(|| answers.get(key))
        };
        let text = |key: &str| answer(key).and_then(Value::as_str).map(str::trim);
        let list = |key: &str| -> Vec<&str> {
            answer(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::trim).collect())
                .unwrap_or_default()
        };
        let number = |key: &str| answer(key).and_then(Value::as_f64);
        match self {
            Condition::Ticked(key) => answer(key).and_then(Value::as_bool) == Some(true),
            Condition::Equals { field, value } => text(field) == Some(value.as_str()),
            Condition::Includes { field, value } => list(field).contains(&value.as_str()),
            Condition::Only { field, values } => {
                let chosen = list(field);
                !chosen.is_empty() && chosen.iter().all(|c| values.iter().any(|v| v == c))
            }
            Condition::Over { field, value } => number(field).is_some_and(|n| n > *value),
            Condition::AtLeast { field, value } => number(field).is_some_and(|n| n >= *value),
            Condition::NotAbove { field, than } => match (number(field), number(than)) {
                (Some(a), Some(b)) => a <= b,
                // Dates are `YYYY-MM-DD`: in order as text.
                _ => match (text(field), text(than)) {
                    (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => a <= b,
                    _ => true,
                },
            },
            Condition::Any(all) => all.iter().any(|c| c.holds(answers, item)),
            Condition::All(all) => all.iter().all(|c| c.holds(answers, item)),
            Condition::Not(c) => !c.holds(answers, item),
        }
    }

    /// The field keys the condition reads, each once, in order of appearance.
    pub fn fields(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        self.collect_fields(&mut keys);
        keys
    }

    fn collect_fields<'a>(&'a self, keys: &mut Vec<&'a str>) {
        let key = match self {
            Condition::Ticked(field)
            | Condition::Equals { field, .. }
            | Condition::Includes { field, .. }
            | Condition::Only { field, .. }
            | Condition::Over { field, .. }
            | Condition::AtLeast { field, .. } => field.as_str(),
            Condition::NotAbove { field, than } => {
                for key in [field.as_str(), than.as_str()] {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                return;
            }
            Condition::Any(all) | Condition::All(all) => {
                all.iter().for_each(|c| c.collect_fields(keys));
                return;
            }
            Condition::Not(c) => return c.collect_fields(keys),
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answers(v: Value) -> Answers {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn every_condition_reads_back_as_written_and_nothing_else_is_taken() {
        let f = |s: &str| s.to_string();
        let all = Condition::Any(vec![
            Condition::Ticked(f("plans.tobacco")),
            Condition::Equals {
                field: f("a"),
                value: f("b"),
            },
            Condition::Includes {
                field: f("a"),
                value: f("b"),
            },
            Condition::Only {
                field: f("a"),
                values: vec![f("x"), f("y")],
            },
            Condition::Over {
                field: f("n"),
                value: 300.0,
            },
            Condition::AtLeast {
                field: f("n"),
                value: 1.5,
            },
            Condition::NotAbove {
                field: f("a"),
                than: f("b"),
            },
            Condition::All(vec![Condition::Not(Box::new(Condition::Ticked(f("t"))))]),
        ]);
        let text = serde_json::to_string(&all).expect("json");
        assert_eq!(serde_json::from_str::<Condition>(&text).expect("read"), all);
        // As the catalogue writes it (TOML, whole numbers).
        #[derive(Deserialize)]
        struct Rule {
            when: Condition,
        }
        let rule: Rule = toml::from_str(
            r#"when = { any = [{ over = { field = "premises.area", value = 300 } }, { ticked = "plans.tobacco" }] }"#,
        )
        .expect("toml");
        let over = Condition::Over {
            field: f("premises.area"),
            value: 300.0,
        };
        assert_eq!(
            rule.when,
            Condition::Any(vec![over, Condition::Ticked(f("plans.tobacco"))])
        );
        for (wrong, says) in [
            (
                json!({"equals": {"field": "a", "value": "b", "colour": "red"}}),
                "unknown field `colour`",
            ),
            (json!({"equals": {"field": "a"}}), "missing field `value`"),
            (
                json!({"bigger": {"field": "a", "value": 1}}),
                "unknown variant `bigger`",
            ),
            (
                json!({"over": {"field": "a", "value": "many"}}),
                "expected f64",
            ),
            (
                json!({"only": {"field": "a", "values": [1]}}),
                "invalid type",
            ),
        ] {
            let err = serde_json::from_value::<Condition>(wrong.clone()).expect_err("refused");
            assert!(err.to_string().contains(says), "{wrong}: {err}");
        }
    }

    #[test]
    fn two_answers_in_order_numbers_or_dates_and_unanswered_holds() {
        let capital = Condition::NotAbove {
            field: "business.capital".into(),
            than: "plans.investment".into(),
        };
        let a = |v| answers(v);
        assert!(capital.holds(
            &a(json!({"business.capital": 10, "plans.investment": 20})),
            None
        ));
        assert!(capital.holds(
            &a(json!({"business.capital": 20, "plans.investment": 20})),
            None
        ));
        assert!(!capital.holds(
            &a(json!({"business.capital": 20.5, "plans.investment": 20})),
            None
        ));
        assert!(
            capital.holds(&a(json!({"business.capital": 20})), None),
            "unanswered"
        );
        let dates = Condition::NotAbove {
            field: "commitment.signed_on".into(),
            than: "business.opening_date".into(),
        };
        let signed =
            |s: &str, o: &str| a(json!({"commitment.signed_on": s, "business.opening_date": o}));
        assert!(dates.holds(&signed("2026-12-06", "2026-12-20"), None));
        assert!(!dates.holds(&signed("2026-12-21", "2026-12-20"), None));
        assert!(dates.holds(&signed("", "2026-12-20"), None));
        assert_eq!(
            dates.fields(),
            ["commitment.signed_on", "business.opening_date"]
        );
    }

    #[test]
    fn conditions_read_their_fields_and_unanswered_is_false() {
        let fire = Condition::Any(vec![
            Condition::Over {
                field: "premises.area".into(),
                value: 300.0,
            },
            Condition::Over {
                field: "plans.investment".into(),
                value: 30.0,
            },
        ]);
        assert!(!fire.holds(&Answers::new(), None));
        assert!(!fire.holds(&answers(json!({"premises.area": 300})), None));
        assert!(fire.holds(&answers(json!({"premises.area": 300.5})), None));
        assert!(fire.holds(&answers(json!({"plans.investment": 31})), None));
        // A number typed as text is not a number: the server refuses it anyway.
        assert!(!fire.holds(&answers(json!({"premises.area": "400"})), None));
        assert_eq!(fire.fields(), ["premises.area", "plans.investment"]);
    }

    #[test]
    fn only_needs_a_non_empty_subset() {
        let only = Condition::Only {
            field: "business.scope".into(),
            values: vec!["prepackaged_food".into(), "daily_goods".into()],
        };
        let scope = |v: Value| answers(json!({ "business.scope": v }));
        assert!(!only.holds(&scope(json!([])), None));
        assert!(only.holds(&scope(json!(["prepackaged_food"])), None));
        assert!(only.holds(&scope(json!(["prepackaged_food", "daily_goods"])), None));
        assert!(!only.holds(&scope(json!(["prepackaged_food", "bulk_food"])), None));
        assert!(Condition::Not(Box::new(only.clone())).holds(&Answers::new(), None));
    }

    #[test]
    fn a_per_item_condition_reads_the_same_items_answer() {
        let chosen = Condition::Ticked("commitment.chosen".into());
        let a = answers(json!({
            "commitment.chosen@food": true,
            "commitment.chosen@drug": false,
        }));
        assert!(chosen.holds(&a, Some("food")));
        assert!(!chosen.holds(&a, Some("drug")));
        assert!(!chosen.holds(&a, Some("seal")));
    }

    #[test]
    fn conditions_read_as_the_data_files_write_them() {
        let c: Condition = serde_json::from_value(json!({
            "all": [
                { "equals": { "field": "premises.tenure", "value": "leased" } },
                { "not": { "includes": { "field": "business.scope", "value": "catering" } } },
                { "at_least": { "field": "premises.area", "value": 500 } }
            ]
        }))
        .expect("condition");
        let a = answers(json!({
            "premises.tenure": "leased ",
            "business.scope": ["daily_goods"],
            "premises.area": 500,
        }));
        assert!(c.holds(&a, None));
        assert_eq!(
            c.fields(),
            ["premises.tenure", "business.scope", "premises.area"]
        );
    }
}
