//! Validation test vectors that run natively and, through wasm-bindgen-test, inside headless
//! Chromium: the browser build must agree with the server on every one of them.

use serde_json::{Value, json};
use shared::form::{Answers, FieldDef, FieldKind, Problem, validate_answers, validate_value};
use shared::ids::{IdError, UsccError};
use shared::{Lang, Text};
use time::{Date, Month};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn today() -> Date {
    Date::from_calendar_date(2026, Month::November, 28).expect("date")
}

fn field(key: &str, kind: FieldKind, required: bool) -> FieldDef {
    let mut f = FieldDef::new(key, kind, Text::new(key, key), "s", required);
    f.max_len = Some(10);
    f.min = Some(1.0);
    f.max = Some(100.0);
    f.options = ["a", "b"]
        .iter()
        .map(|v| shared::form::Choice {
            value: v.to_string(),
            label: Text::new(v, v),
        })
        .collect();
    f
}

/// (kind, answer, expected normalised answer or problem)
fn vectors() -> Vec<(FieldKind, Value, Result<Option<Value>, Problem>)> {
    use FieldKind::*;
    vec![
        (
            IdNumber,
            json!("11010519491231002X"),
            Ok(Some(json!("11010519491231002X"))),
        ),
        (
            IdNumber,
            json!("11010519491231002x"),
            Ok(Some(json!("11010519491231002X"))),
        ),
        (
            IdNumber,
            json!("110105194912310021"),
            Err(Problem::Id(IdError::Checksum)),
        ),
        (
            IdNumber,
            json!("110105194902300025"),
            Err(Problem::Id(IdError::BirthDate)),
        ),
        (
            Uscc,
            json!("91350200776049653A"),
            Ok(Some(json!("91350200776049653A"))),
        ),
        (
            Uscc,
            json!("91350200776049653B"),
            Err(Problem::Uscc(UsccError::Checksum)),
        ),
        (
            Uscc,
            json!("9135020077604965OA"),
            Err(Problem::Uscc(UsccError::Characters)),
        ),
        (
            Phone,
            json!("138-0013-8000"),
            Ok(Some(json!("13800138000"))),
        ),
        (Phone, json!("12800138000"), Err(Problem::Phone)),
        (Email, json!("a@xy.cn"), Ok(Some(json!("a@xy.cn")))),
        (Email, json!("boss@"), Err(Problem::Email)),
        (Date, json!("2026-02-29"), Err(Problem::Date)),
        (Date, json!("2026-02-28"), Ok(Some(json!("2026-02-28")))),
        (Number, json!(0), Err(Problem::TooSmall { min: 1.0 })),
        (Number, json!(101), Err(Problem::TooLarge { max: 100.0 })),
        (Number, json!("12"), Err(Problem::WrongType)),
        (Number, json!(12.5), Ok(Some(json!(12.5)))),
        (Text, json!("  张三  "), Ok(Some(json!("张三")))),
        (
            Text,
            json!("一二三四五六七八九十一"),
            Err(Problem::TooLong { max: 10 }),
        ),
        (Text, json!(42), Err(Problem::WrongType)),
        (Text, json!(""), Err(Problem::Required)),
        (Select, json!("c"), Err(Problem::UnknownOption)),
        (Select, json!("a"), Ok(Some(json!("a")))),
        (Multiselect, json!(["b", "b"]), Ok(Some(json!(["b"])))),
        (Multiselect, json!("a"), Err(Problem::WrongType)),
        (Multiselect, json!([]), Err(Problem::Required)),
        (Checkbox, json!(false), Err(Problem::Required)),
        (Checkbox, json!("yes"), Err(Problem::WrongType)),
        (Checkbox, json!(true), Ok(Some(json!(true)))),
    ]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_vector_gives_the_expected_answer_or_problem() {
    for (kind, answer, expected) in vectors() {
        let f = field("k", kind, true);
        assert_eq!(
            validate_value(&f, &answer, today()),
            expected,
            "{kind:?} {answer}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_whole_form_reports_every_problem_at_once_and_unknown_keys() {
    let fields = [
        field("legal_rep.id_number", FieldKind::IdNumber, true),
        field("legal_rep.email", FieldKind::Email, false),
        field("business.name", FieldKind::Text, true),
    ];
    let mut answers = Answers::new();
    answers.insert("legal_rep.id_number".into(), json!("110105194912310021"));
    answers.insert("legal_rep.email".into(), json!(""));
    answers.insert("mystery".into(), json!("x"));
    let problems = validate_answers(&fields, &answers, today()).expect_err("invalid");
    let keys: Vec<&str> = problems.keys().map(String::as_str).collect();
    assert_eq!(keys, ["business.name", "legal_rep.id_number", "mystery"]);
    assert_eq!(problems["mystery"], [Problem::UnknownField]);
    assert_eq!(
        Problem::Id(IdError::Checksum).message(Lang::Zh),
        "身份证号码校验位不正确，请核对"
    );

    answers.remove("mystery");
    answers.insert("legal_rep.id_number".into(), json!("11010519491231002x"));
    answers.insert("business.name".into(), json!("睢县老张饭店"));
    let clean = validate_answers(&fields, &answers, today()).expect("valid");
    assert_eq!(
        clean.get("legal_rep.id_number"),
        Some(&json!("11010519491231002X"))
    );
    assert!(
        !clean.contains_key("legal_rep.email"),
        "empty optional answers are dropped"
    );
}
