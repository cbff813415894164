//! The business licence and its permits (一业一证): what the licence says, taken from the
//! registering application's answers; which of its facts may change and how the new value is
//! checked; and the licence as the bureau's seal signs it (the canonical document, the offline
//! snapshot).

use serde_json::{Value, json};
use shared::catalogue::Catalogue;
use shared::form::Answers;

use super::error::{Error, Invalid};
use super::permit::mask_name;
use super::records::{Enterprise, Permit};

/// The item whose approval brings the enterprise into being.
pub const REGISTRATION: &str = shared::catalogue::REGISTRATION;
/// This county's administrative division code (睢县): the 3rd–8th characters of every code it
/// issues.
pub const COUNTY_DIVISION: &str = "411422";
/// How long a signed snapshot is good for offline; past it the scan page asks for the live page.
pub const SNAPSHOT_SECS: i64 = 24 * 3600;

/// What the licence says, from the application's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// GB 32100 entity type: `2` an individual business, `1` otherwise.
    pub entity: u8,
    pub name: String,
    /// The form's words for the business form and the scope (Chinese, as printed).
    pub entity_type: String,
    pub address: String,
    pub legal_rep: String,
    pub scope: String,
}

fn text<'a>(answers: &'a Answers, key: &str) -> &'a str {
    answers.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The option labels (Chinese) of a select or multiselect answer.
fn labels(catalogue: &Catalogue, answers: &Answers, key: &str) -> String {
    let Some(field) = catalogue.field(key) else {
        return String::new();
    };
    let label = |v: &str| {
        field
            .options
            .iter()
            .find(|o| o.value == v)
            .map_or(v.to_string(), |o| o.label.zh.clone())
    };
    match answers.get(key) {
        Some(Value::String(s)) => label(s),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(label)
            .collect::<Vec<_>>()
            .join("、"),
        _ => String::new(),
    }
}

/// The licence's facts from the registering application's answers.
pub fn facts(catalogue: &Catalogue, answers: &Answers) -> Facts {
    Facts {
        entity: if text(answers, "business.form") == "individual" {
            b'2'
        } else {
            b'1'
        },
        name: text(answers, "business.name").into(),
        entity_type: labels(catalogue, answers, "business.form"),
        address: text(answers, "premises.address").into(),
        legal_rep: text(answers, "legal_rep.name").into(),
        scope: labels(catalogue, answers, "business.scope"),
    }
}

/// A change of the licence's `field` (`name`, `legal_rep`, `address`) to `value`, checked with
/// the integrated form's own rule for that fact: the value on the licence now and the new one.
pub fn check_change(
    catalogue: &Catalogue,
    e: &Enterprise,
    field: &str,
    value: &str,
    today: time::Date,
) -> Result<(String, String), Error> {
    let rule = shared::holder::form_key(field)
        .and_then(|key| catalogue.field(key))
        .ok_or(Invalid::ChangeField)?;
    let after = shared::form::validate_value(rule, &json!(value), today)
        .map_err(Invalid::ChangeValue)?
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let before = match field {
        "name" => &e.name,
        "legal_rep" => &e.legal_rep,
        _ => &e.address,
    };
    if after == *before {
        return Err(Invalid::SameValue.into());
    }
    Ok((before.clone(), after))
}

/// The licence as the seal signs it, `as_of` (RFC 3339): fixed field order, the legal
/// representative masked, each permit as the public sees it on `today`.
pub fn canonical(e: &Enterprise, permits: &[Permit], today: &str, as_of: &str) -> String {
    let permits: Vec<Value> = permits
        .iter()
        .map(|p| {
            json!({
                "item": p.item, "certificate": p.certificate, "issued_on": p.issued_on,
                "valid_until": p.valid_until, "state": p.state_on(today).as_str(),
            })
        })
        .collect();
    // serde_json keeps object keys sorted (no `preserve_order`): the text is canonical.
    json!({
        "uscc": e.uscc, "name": e.name, "entity_type": e.entity_type, "address": e.address,
        "legal_rep": mask_name(&e.legal_rep), "scope": e.scope, "established_on": e.established_on,
        "permits": permits, "as_of": as_of,
    })
    .to_string()
}

/// What the offline snapshot (the second QR) says at `now` (Unix seconds), before signing.
pub fn snapshot(
    catalogue: &Catalogue,
    e: &Enterprise,
    permits: &[Permit],
    today: &str,
    now: i64,
) -> shared::snapshot::Payload {
    shared::snapshot::Payload {
        u: e.uscc.clone(),
        n: e.name.clone(),
        t: e.verify_token.clone(),
        p: permits
            .iter()
            .map(|p| {
                (
                    p.item.clone(),
                    catalogue
                        .item(&p.item)
                        .map(|i| i.name.zh.clone())
                        .unwrap_or_default(),
                    p.state_on(today).as_str().to_string(),
                    p.valid_until.clone().unwrap_or_default(),
                )
            })
            .collect(),
        iat: now,
        exp: now + SNAPSHOT_SECS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::records::PermitState;

    fn catalogue() -> Catalogue {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        crate::catalogue::load(&dir).expect("the shipped catalogue")
    }

    fn enterprise() -> Enterprise {
        Enterprise {
            id: 1,
            application_id: 1,
            uscc: "92411422MA00000017".into(),
            name: "睢县老张家常菜馆".into(),
            entity_type: "个体工商户".into(),
            address: "睢县城关镇北湖路 88 号".into(),
            legal_rep: "张三".into(),
            scope: "餐饮服务".into(),
            established_on: "2026-11-28".into(),
            verify_token: "t".repeat(22),
            updated_at: 0,
        }
    }

    #[test]
    fn the_licence_says_what_the_form_answered_in_the_forms_words() {
        let c = catalogue();
        let answers: Answers = serde_json::from_value(json!({
            "business.name": "睢县老张家常菜馆", "business.form": "individual",
            "business.scope": ["catering", "prepackaged_food"], "legal_rep.name": "张三",
            "premises.address": "睢县城关镇北湖路 88 号",
        }))
        .expect("answers");
        let f = facts(&c, &answers);
        assert_eq!(f.entity, b'2');
        assert_eq!(f.name, "睢县老张家常菜馆");
        assert!(
            !f.entity_type.is_empty() && f.entity_type != "individual",
            "{f:?}"
        );
        assert!(f.scope.contains('、'), "two scopes joined: {}", f.scope);
    }

    #[test]
    fn a_change_follows_the_forms_rule_and_must_change_something() {
        let c = catalogue();
        let e = enterprise();
        let today = shared::date::parse_iso_date("2026-12-01").expect("date");
        assert_eq!(
            check_change(&c, &e, "name", "睢县老张私房菜馆", today),
            Ok(("睢县老张家常菜馆".into(), "睢县老张私房菜馆".into()))
        );
        assert_eq!(
            check_change(&c, &e, "scope", "x", today),
            Err(Invalid::ChangeField.into())
        );
        assert_eq!(
            check_change(&c, &e, "name", "睢县老张家常菜馆", today),
            Err(Invalid::SameValue.into())
        );
        assert!(matches!(
            check_change(&c, &e, "name", "", today),
            Err(Error::Invalid(Invalid::ChangeValue(_)))
        ));
    }

    #[test]
    fn the_signed_document_masks_the_person_and_dates_each_permit() {
        let e = enterprise();
        let p = Permit {
            id: 1,
            enterprise_id: 1,
            item: "food_business_permit".into(),
            department: "samr".into(),
            certificate: "JY1".into(),
            issued_on: "2021-11-28".into(),
            valid_until: Some("2026-11-27".into()),
            state: PermitState::Valid,
            reason: None,
            updated_at: 0,
        };
        let doc = canonical(&e, &[p], "2026-12-01", "2026-12-01T00:00:00Z");
        assert!(doc.contains(r#""legal_rep":"张*""#), "{doc}");
        assert!(doc.contains(r#""state":"expired""#), "{doc}");
        assert!(!doc.contains("张三"));
        let snap = snapshot(&catalogue(), &e, &[], "2026-12-01", 100);
        assert_eq!((snap.iat, snap.exp), (100, 100 + SNAPSHOT_SECS));
    }
}
