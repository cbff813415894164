//! 增项: a business that holds its licence applies for more permits later. The registration is
//! not repeated; what the licence registered is filled in from it and is not changed by the new
//! form (changes go through the change procedure); a permit it holds in force is not applied
//! for again. (The bundle itself is the catalogue's `add.…` view.)

use serde_json::Value;
use shared::catalogue::BundleView;
use shared::form::{Answers, FieldProblems, Problem};
use shared::records::PermitState;

use super::error::{Conflict, Error};
use super::records::{Enterprise, Permit};

/// What the system knows of the business for `view`'s form: the answers of the application
/// that registered it to the registration's fields (`registration_fields`) that the form asks,
/// with the licence's current name, address and legal representative (changes since included).
/// Never a declaration: each filing makes its own.
pub fn known(
    view: &BundleView,
    registration_fields: &[String],
    registered: &Answers,
    enterprise: &Enterprise,
) -> Answers {
    let mut known = Answers::new();
    let registered_fact = |key: &str| {
        registration_fields.iter().any(|k| k == key) && !key.starts_with("declaration.")
    };
    for f in view.fields.iter().filter(|f| registered_fact(&f.key)) {
        let licence = match f.key.as_str() {
            "business.name" => Some(&enterprise.name),
            "premises.address" => Some(&enterprise.address),
            "legal_rep.name" => Some(&enterprise.legal_rep),
            _ => None,
        };
        let value = match licence {
            Some(text) => Some(Value::String(text.clone())),
            None => registered.get(&f.key).cloned(),
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            known.insert(f.key.clone(), v);
        }
    }
    known
}

/// The submitted answers with the known ones in place: a known answer left out is filled in, a
/// different one is refused (every such field named at once).
pub fn with_known(submitted: &Answers, known: &Answers) -> Result<Answers, Error> {
    let mut problems = FieldProblems::new();
    let mut merged = submitted.clone();
    for (key, value) in known {
        match submitted.get(key) {
            Some(given) if given != value && !given.is_null() => {
                problems.insert(key.clone(), vec![Problem::Registered]);
            }
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    if problems.is_empty() {
        Ok(merged)
    } else {
        Err(Error::Answers(problems))
    }
}

/// An addition for `enterprise`: its licence in force, and none of `items` a permit it holds in
/// force already.
pub fn may_add(items: &[String], permits: &[Permit], today: &str) -> Result<(), Error> {
    let in_force = |item: &str| {
        permits
            .iter()
            .any(|p| p.item == item && p.state_on(today) == PermitState::Valid)
    };
    if !in_force(shared::catalogue::REGISTRATION) {
        return Err(Conflict::PermitNotInForce.into());
    }
    if items.iter().any(|i| in_force(i)) {
        return Err(Conflict::AlreadyHeld.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalogue() -> shared::catalogue::Catalogue {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        crate::catalogue::load(&dir).expect("catalogue")
    }

    fn enterprise() -> Enterprise {
        Enterprise {
            id: 1,
            application_id: 1,
            uscc: "92411422MA0000023T".into(),
            name: "睢县老张私房菜馆".into(),
            entity_type: "个体工商户".into(),
            address: "睢县城关镇北湖路 88 号".into(),
            legal_rep: "张三".into(),
            scope: "餐饮服务".into(),
            established_on: "2026-12-01".into(),
            verify_token: "t".into(),
            updated_at: 0,
        }
    }

    fn permit(item: &str, state: PermitState) -> Permit {
        Permit {
            id: 1,
            enterprise_id: 1,
            item: item.into(),
            department: "samr".into(),
            certificate: "X".into(),
            issued_on: "2026-12-01".into(),
            valid_until: None,
            state,
            reason: None,
            updated_at: 0,
        }
    }

    #[test]
    fn what_the_licence_registered_is_filled_in_and_not_changed_by_the_form() {
        let c = catalogue();
        let view = c.bundle_view("add.outdoor_sign_permit").expect("view");
        let reg = c
            .item(shared::catalogue::REGISTRATION)
            .expect("registration");
        let registered: Answers = serde_json::from_value(json!({
            "business.name": "睢县老张家常菜馆",
            "legal_rep.name": "张三",
            "legal_rep.phone": "13800138000",
            "legal_rep.id_number": "11010519491231002X",
            "premises.address": "睢县城关镇北湖路 88 号",
            "premises.area": 120,
            "declaration.truthful": true,
        }))
        .expect("answers");
        let known = known(&view, &reg.fields, &registered, &enterprise());
        // The licence's name since its change, not the form's first one; the area is no
        // registered fact.
        assert_eq!(known["business.name"], "睢县老张私房菜馆");
        assert_eq!(known["legal_rep.phone"], "13800138000");
        assert!(!known.contains_key("premises.area"));
        assert!(
            known.keys().all(|k| view.field(k).is_some()),
            "only what this form asks"
        );
        assert!(
            !known.contains_key("declaration.truthful"),
            "each filing declares anew"
        );

        let sign: Answers =
            serde_json::from_value(json!({"sign.content": "老张私房菜"})).expect("a");
        let merged = with_known(&sign, &known).expect("filled in");
        assert_eq!(merged["business.name"], "睢县老张私房菜馆");
        let mut renamed = merged.clone();
        renamed.insert("business.name".into(), json!("别的名字"));
        match with_known(&renamed, &known) {
            Err(Error::Answers(p)) => {
                assert_eq!(p.keys().collect::<Vec<_>>(), ["business.name"]);
                assert_eq!(p["business.name"], [Problem::Registered]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_a_business_in_force_adds_only_what_it_does_not_hold() {
        let licence = permit(shared::catalogue::REGISTRATION, PermitState::Valid);
        let sign = vec!["outdoor_sign_permit".to_string()];
        assert_eq!(
            may_add(&sign, std::slice::from_ref(&licence), "2026-12-05"),
            Ok(())
        );
        let held = permit("outdoor_sign_permit", PermitState::Valid);
        assert_eq!(
            may_add(&sign, &[licence.clone(), held], "2026-12-05"),
            Err(Conflict::AlreadyHeld.into())
        );
        let ended = permit("outdoor_sign_permit", PermitState::Cancelled);
        assert_eq!(
            may_add(&sign, &[licence, ended], "2026-12-05"),
            Ok(()),
            "again after it ended"
        );
        let cancelled = permit(shared::catalogue::REGISTRATION, PermitState::Cancelled);
        assert_eq!(
            may_add(&sign, &[cancelled], "2026-12-05"),
            Err(Conflict::PermitNotInForce.into())
        );
    }
}
