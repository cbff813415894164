//! Rules test vectors on the shipped catalogue: which items, departments and fields apply for
//! given answers. They run natively and, through wasm-bindgen-test, inside headless Chromium:
//! the cart the applicant sees and the server's check come from the same function.

use serde_json::{Value, json};
use shared::catalogue::{BundleView, Catalogue};
use shared::form::{Answers, Problem};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The shipped catalogue, compiled in (the browser test has no file system).
fn catalogue() -> Catalogue {
    let files = [
        include_str!("../../catalogue/departments.toml"),
        include_str!("../../catalogue/form.toml"),
        include_str!("../../catalogue/materials.toml"),
        include_str!("../../catalogue/items.toml"),
        include_str!("../../catalogue/rules.toml"),
        include_str!("../../catalogue/checks.toml"),
        include_str!("../../catalogue/bundles.toml"),
        include_str!("../../catalogue/calendar.toml"),
    ];
    let mut all = Catalogue::default();
    for text in files {
        all.extend(toml::from_str(text).expect("catalogue file"));
    }
    assert_eq!(all.check(), vec![], "the shipped catalogue is sound");
    all
}

fn view(c: &Catalogue, bundle: &str) -> BundleView {
    c.bundle_view(bundle).expect("bundle")
}

fn answers(v: Value) -> Answers {
    v.as_object().cloned().expect("object")
}

struct Vector {
    bundle: &'static str,
    answers: Value,
    items: &'static [&'static str],
    departments: &'static [&'static str],
    promised_days: f32,
}

const BASE: [&str; 3] = ["business_registration", "seal_filing", "first_invoice"];

fn vectors() -> Vec<Vector> {
    vec![
        Vector {
            bundle: "pharmacy",
            answers: json!({}),
            items: &[
                "business_registration",
                "drug_retail_permit",
                "seal_filing",
                "first_invoice",
            ],
            departments: &["samr", "psb", "tax"],
            promised_days: 10.0,
        },
        Vector {
            bundle: "pharmacy",
            answers: json!({"pharmacy.sells_devices": true, "business.employees": 3}),
            items: &[
                "business_registration",
                "drug_retail_permit",
                "seal_filing",
                "first_invoice",
                "medical_device_filing",
                "social_insurance_registration",
            ],
            departments: &["samr", "psb", "tax", "hrss"],
            promised_days: 10.0,
        },
        // The fire threshold: over 300 m² or over 30 ×10,000 yuan, not at it.
        Vector {
            bundle: "pharmacy",
            answers: json!({"premises.area": 300, "plans.investment": 30, "business.employees": 0}),
            items: &[
                "business_registration",
                "drug_retail_permit",
                "seal_filing",
                "first_invoice",
            ],
            departments: &["samr", "psb", "tax"],
            promised_days: 10.0,
        },
        Vector {
            bundle: "pharmacy",
            answers: json!({"premises.area": 300.5, "plans.outdoor_sign": true}),
            items: &[
                "business_registration",
                "drug_retail_permit",
                "seal_filing",
                "first_invoice",
                "fire_safety_inspection",
                "outdoor_sign_permit",
            ],
            departments: &["samr", "psb", "tax", "fire", "urban"],
            promised_days: 10.0,
        },
        Vector {
            bundle: "restaurant",
            answers: json!({"plans.investment": 31, "plans.tobacco": true}),
            items: &[
                "business_registration",
                "food_business_permit",
                "seal_filing",
                "first_invoice",
                "tobacco_retail_licence",
                "fire_safety_inspection",
            ],
            departments: &["samr", "psb", "tax", "tobacco", "fire"],
            promised_days: 10.0,
        },
        // Pre-packaged food only: a filing instead of the permit.
        Vector {
            bundle: "supermarket",
            answers: json!({"business.scope": ["prepackaged_food", "daily_goods"]}),
            items: &[
                "business_registration",
                "seal_filing",
                "first_invoice",
                "prepackaged_food_filing",
            ],
            departments: &["samr", "psb", "tax"],
            promised_days: 0.5,
        },
        Vector {
            bundle: "supermarket",
            answers: json!({"business.scope": ["prepackaged_food", "bulk_food"], "premises.area": 500}),
            items: &[
                "business_registration",
                "seal_filing",
                "first_invoice",
                "food_business_permit",
                "fire_safety_inspection",
                "public_hygiene_permit",
            ],
            departments: &["samr", "psb", "tax", "fire", "health"],
            promised_days: 5.0,
        },
        Vector {
            bundle: "small_shop",
            answers: json!({"business.scope": ["daily_goods"]}),
            items: &BASE,
            departments: &["samr", "psb", "tax"],
            promised_days: 0.5,
        },
        Vector {
            bundle: "small_shop",
            answers: json!({"business.scope": ["bulk_food"]}),
            items: &[
                "business_registration",
                "seal_filing",
                "first_invoice",
                "small_food_shop_registration",
            ],
            departments: &["samr", "psb", "tax"],
            promised_days: 3.0,
        },
        // Answers of the wrong type never add anything.
        Vector {
            bundle: "restaurant",
            answers: json!({"plans.tobacco": "yes", "premises.area": "1000"}),
            items: &[
                "business_registration",
                "food_business_permit",
                "seal_filing",
                "first_invoice",
            ],
            departments: &["samr", "psb", "tax"],
            promised_days: 5.0,
        },
    ]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn add_ons_follow_the_answers() {
    let c = catalogue();
    for (n, v) in vectors().into_iter().enumerate() {
        let cart = view(&c, v.bundle).resolve(&answers(v.answers.clone()));
        let ctx = format!("vector {n}: {} {}", v.bundle, v.answers);
        assert_eq!(cart.items, v.items, "{ctx}");
        assert_eq!(cart.departments, v.departments, "{ctx}");
        assert_eq!(cart.promised_days, v.promised_days, "{ctx}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn fields_are_shown_and_required_by_the_rules() {
    let c = catalogue();
    let restaurant = view(&c, "restaurant");
    let cart = restaurant.resolve(&Answers::new());
    assert!(!cart.shows("premises.landlord_uscc"));
    assert!(cart.shows("commitment.chosen@food_business_permit"));
    assert!(!cart.shows("commitment.signatory@food_business_permit"));
    let cart = restaurant.resolve(&answers(json!({
        "premises.tenure": "leased",
        "commitment.chosen@food_business_permit": true,
    })));
    assert!(cart.shows("premises.landlord_uscc"));
    assert!(!cart.requires("premises.landlord_uscc"));
    assert!(cart.requires("commitment.signatory@food_business_permit"));
    assert!(cart.requires("commitment.signed_on@food_business_permit"));

    let pharmacy = view(&c, "pharmacy");
    let registration = "pharmacy.pharmacist_registration";
    let b_only = pharmacy.resolve(&answers(json!({"pharmacy.scope": "otc_b_only"})));
    assert!(b_only.shows(registration) && !b_only.requires(registration));
    let otc = pharmacy.resolve(&answers(json!({"pharmacy.scope": "otc"})));
    assert!(otc.requires(registration));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_item_gets_its_own_commitment() {
    let c = catalogue();
    let pharmacy = view(&c, "pharmacy");
    let cart = pharmacy.resolve(&answers(json!({"pharmacy.sells_devices": true})));
    let chosen: Vec<&str> = cart
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| k.starts_with("commitment.chosen@"))
        .collect();
    assert_eq!(
        chosen,
        [
            "commitment.chosen@drug_retail_permit",
            "commitment.chosen@medical_device_filing"
        ]
    );
    let label = &pharmacy
        .field("commitment.signatory@medical_device_filing")
        .expect("copy")
        .label;
    assert!(
        label.zh.starts_with("第二类医疗器械经营备案："),
        "{label:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn answers_to_hidden_fields_are_dropped_not_validated() {
    let c = catalogue();
    let restaurant = view(&c, "restaurant");
    let today = time::macros::date!(2026 - 11 - 28);
    let a = answers(json!({
        "premises.tenure": "owned",
        "premises.landlord_uscc": "not a code",
        "tobacco.distance_to_school": "far",
        "no.such_field": 1,
    }));
    let problems = restaurant.check_answers(&a, today).expect_err("incomplete");
    assert!(!problems.contains_key("premises.landlord_uscc"));
    assert!(!problems.contains_key("tobacco.distance_to_school"));
    assert_eq!(problems["no.such_field"], vec![Problem::UnknownField]);
    assert_eq!(problems["business.name"], vec![Problem::Required]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_material_is_asked_only_of_the_applicants_its_condition_names() {
    let c = catalogue();
    let v = view(&c, "restaurant");
    let materials = |form: &str| -> Vec<String> {
        v.resolve(&answers(json!({ "business.form": form })))
            .materials
            .into_iter()
            .map(|m| m.material.id)
            .collect()
    };
    assert!(materials("llc").contains(&"articles".to_string()));
    for form in ["individual", "sole_proprietorship"] {
        let asked = materials(form);
        assert!(
            !asked.contains(&"articles".to_string()),
            "{form}: {asked:?}"
        );
        assert!(asked.contains(&"id_card".to_string()), "{form}: {asked:?}");
    }
    assert!(
        !v.resolve(&Answers::new())
            .materials
            .iter()
            .any(|m| m.material.id == "articles"),
        "unanswered: not asked"
    );
}

/// The problem a check across answers puts at `field`, if any (its Chinese words).
fn cross(c: &Catalogue, bundle: &str, a: Value) -> Vec<(String, String)> {
    let v = view(c, bundle);
    let a = answers(a);
    let cart = v.resolve(&a);
    v.cross_problems(&a, &cart)
        .into_iter()
        .map(|(k, p)| (k, p.message(shared::Lang::Zh)))
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn answers_must_agree_with_each_other_and_with_the_items() {
    let c = catalogue();
    // A pharmacy whose only scope is catering: refused at the scope, in the catalogue's words.
    let wrong = cross(&c, "pharmacy", json!({"business.scope": ["catering"]}));
    assert_eq!(
        wrong,
        [(
            "business.scope".to_string(),
            "开办药店，经营范围须包含「药品零售」".to_string()
        )]
    );
    assert_eq!(
        cross(&c, "pharmacy", json!({"business.scope": ["drug_retail"]})),
        []
    );
    // Devices sold: their retail in the scope as well (one problem a field).
    let devices = json!({"business.scope": ["drug_retail"], "pharmacy.sells_devices": true});
    assert_eq!(
        cross(&c, "pharmacy", devices)[0].1,
        "同时经营医疗器械，经营范围须包含「医疗器械零售」"
    );
    let both = json!({"business.scope": ["drug_retail", "medical_devices"], "pharmacy.sells_devices": true});
    assert_eq!(cross(&c, "pharmacy", both), []);
    // A restaurant's food permit needs catering (or bulk food).
    assert_eq!(
        cross(&c, "restaurant", json!({"business.scope": ["daily_goods"]})).len(),
        1
    );
    assert_eq!(
        cross(&c, "restaurant", json!({"business.scope": ["catering"]})),
        []
    );
    // Numbers in order: a workshop's workers are of its staff.
    let more =
        json!({"business.scope": ["bulk_food"], "workshop.workers": 4, "business.employees": 2});
    assert_eq!(
        cross(&c, "small_workshop", more),
        [(
            "workshop.workers".to_string(),
            "生产加工人员数不能多于从业人数".to_string()
        )]
    );
    let same =
        json!({"business.scope": ["bulk_food"], "workshop.workers": 2, "business.employees": 2});
    assert_eq!(cross(&c, "small_workshop", same), []);
    // A check never speaks for a field the form does not ask: the small shop has no workers.
    assert!(
        view(&c, "small_shop")
            .checks
            .iter()
            .all(|k| k.id != "workshop_workers")
    );

    // The server's check says the same, at the same field, with everything else in order.
    let today = time::macros::date!(2026 - 12 - 06);
    let problems = view(&c, "pharmacy")
        .check_answers(&answers(json!({"business.scope": ["catering"]})), today)
        .expect_err("refused");
    assert!(matches!(
        &problems["business.scope"][..],
        [Problem::Check(_)]
    ));
}
