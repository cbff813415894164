//! The correction loop: a correction notice (the window's) or a supplement request (a
//! department's) names fields to answer again and materials to send anew; the applicant's
//! reply changes exactly those answers — checked by the same rules as the form — and has a new
//! file for each named material. What changed is kept, before → after, for the history.

use serde_json::Value;
use shared::Text;
use shared::api::AnswerChange;
use shared::catalogue::{BundleView, Cart};
use shared::form::{Answers, FieldProblems, Problem, display_answer};
use time::Date;

use super::error::{Error, Invalid};

/// What a notice or a request asks.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub fields: &'a [String],
    pub materials: &'a [String],
}

/// What a notice may name: fields the form asks this applicant, materials of the application.
pub fn check_named(cart: &Cart, fields: &[String], materials: &[String]) -> Result<(), Invalid> {
    if !fields.iter().all(|f| cart.shows(f)) {
        return Err(Invalid::NamedFields);
    }
    if !materials
        .iter()
        .all(|m| cart.materials.iter().any(|x| &x.material.id == m))
    {
        return Err(Invalid::NamedMaterials);
    }
    Ok(())
}

/// The reply's new answers merged into `current`, checked as the form checks them, and the
/// changes in words; `sent` are the materials with a file finished since the request. Refused:
/// an answer to a field not asked, an answer the form's rules refuse, one that would change
/// the items applied for, a named material without a new file.
pub fn reply(
    view: &BundleView,
    current: &Answers,
    asked: Asked<'_>,
    changes: &Answers,
    sent: &[String],
    today: Date,
) -> Result<(Answers, Vec<AnswerChange>), Error> {
    let not_asked: FieldProblems = changes
        .keys()
        .filter(|k| !asked.fields.contains(k))
        .map(|k| (k.clone(), vec![Problem::UnknownField]))
        .collect();
    if !not_asked.is_empty() {
        return Err(Error::Answers(not_asked));
    }
    let mut merged = current.clone();
    for (k, v) in changes {
        merged.insert(k.clone(), v.clone());
    }
    let (cart, clean) = view.check_answers(&merged, today).map_err(Error::Answers)?;
    // An answer that changes which items apply makes another application.
    if cart.items != view.resolve(current).items {
        return Err(Invalid::ItemsWouldChange.into());
    }
    let missing: Vec<Text> = asked
        .materials
        .iter()
        .filter(|m| !sent.contains(m))
        .filter_map(|m| view.materials.iter().find(|x| &x.id == m))
        .map(|m| m.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(Invalid::NotSentAnew(missing).into());
    }
    let words = |key: &str, v: &Value| {
        view.field(key).map_or_else(Text::default, |def| Text {
            zh: display_answer(def, v, shared::Lang::Zh),
            en: display_answer(def, v, shared::Lang::En),
        })
    };
    // Every answer that differs: the named ones, and one a new answer hid by the form's rules.
    let keys: std::collections::BTreeSet<&String> = current.keys().chain(clean.keys()).collect();
    let mut keys: Vec<&String> = keys.into_iter().collect();
    keys.sort_by_key(|k| view.fields.iter().position(|f| &&f.key == k));
    let changed = keys
        .into_iter()
        .filter(|k| current.get(*k) != clean.get(*k))
        .map(|k| {
            let (before, after) = (
                current.get(k).unwrap_or(&Value::Null),
                clean.get(k).unwrap_or(&Value::Null),
            );
            AnswerChange {
                field: k.clone(),
                label: view.field(k).map(|d| d.label.clone()).unwrap_or_default(),
                before: words(k, before),
                after: words(k, after),
            }
        })
        .collect();
    Ok((clean, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn view() -> BundleView {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        c.bundle_view("small_shop").expect("bundle")
    }

    fn filed() -> Answers {
        json!({
            "business.name": "睢县小李便利店", "business.form": "individual",
            "business.scope": ["prepackaged_food"], "business.capital": 5, "business.employees": 0,
            "legal_rep.name": "李四", "legal_rep.id_number": "11010519491231002X",
            "legal_rep.phone": "13800138000", "premises.address": "睢县城关镇北湖路 9 号",
            "premises.tenure": "owned", "seal.kinds": ["official"],
            "tax.invoice_kind": "e_ordinary", "declaration.truthful": true,
        })
        .as_object()
        .cloned()
        .expect("object")
    }

    fn today() -> Date {
        shared::date::parse_iso_date("2026-12-03").expect("date")
    }

    #[test]
    fn a_reply_changes_exactly_the_named_answers_by_the_forms_rules() {
        let (v, current) = (view(), filed());
        let fields = ["premises.address".to_string()];
        let materials = ["premises_proof".to_string()];
        let asked = Asked {
            fields: &fields,
            materials: &materials,
        };
        let change = |k: &str, val: Value| json!({ k: val }).as_object().cloned().expect("map");
        // A field not named: refused under that field.
        let Err(Error::Answers(p)) = reply(
            &v,
            &current,
            asked,
            &change("business.name", json!("别的名字")),
            &materials,
            today(),
        ) else {
            panic!("not asked");
        };
        assert!(p.contains_key("business.name"));
        // The form's rule holds for the new answer: an address is required.
        let Err(Error::Answers(p)) = reply(
            &v,
            &current,
            asked,
            &change("premises.address", json!("")),
            &materials,
            today(),
        ) else {
            panic!("required");
        };
        assert!(p.contains_key("premises.address"), "{p:?}");
        // The named material needs a new file.
        let new = change("premises.address", json!("睢县城关镇北湖路 11 号"));
        assert!(matches!(
            reply(&v, &current, asked, &new, &[], today()),
            Err(Error::Invalid(Invalid::NotSentAnew(_)))
        ));
        let (merged, changes) = reply(&v, &current, asked, &new, &materials, today()).expect("ok");
        assert_eq!(merged["premises.address"], "睢县城关镇北湖路 11 号");
        assert_eq!(
            merged["business.name"], current["business.name"],
            "the rest stays"
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].before.zh, "睢县城关镇北湖路 9 号");
        assert_eq!(changes[0].after.zh, "睢县城关镇北湖路 11 号");
        // Employees would add the social-insurance registration: not by a reply.
        let fields = ["business.employees".to_string()];
        let staff = Asked {
            fields: &fields,
            materials: &[],
        };
        let hire = change("business.employees", json!(3));
        assert_eq!(
            reply(&v, &current, staff, &hire, &[], today()),
            Err(Invalid::ItemsWouldChange.into())
        );
        // Nothing changed: no change recorded, still a valid reply.
        let (_, none) =
            reply(&v, &current, asked, &Answers::new(), &materials, today()).expect("ok");
        assert!(none.is_empty());
    }

    #[test]
    fn a_notice_names_only_what_the_application_asks() {
        let v = view();
        let cart = v.resolve(&filed());
        let ok = check_named(&cart, &["premises.address".into()], &["id_card".into()]);
        assert_eq!(ok, Ok(()));
        assert_eq!(
            check_named(&cart, &["no.such".into()], &[]),
            Err(Invalid::NamedFields)
        );
        assert_eq!(
            check_named(&cart, &[], &["pharmacist_certificate".into()]),
            Err(Invalid::NamedMaterials)
        );
    }
}
