//! Property tests: whatever a client sends, the rules answer and never panic — the ID and
//! credit-code checks, the whole-form validation, the rules engine, date and working-day
//! arithmetic, the upload part checks and the archive reader. And what they promise holds: an
//! issued credit code passes its own check, a due date lies the promised working days ahead.
//!
//! 256 cases each by default (seconds); a longer run: `PROPTEST_CASES=100000 cargo test
//! --release -p lianban-tests --test properties`.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value};
use shared::catalogue::Catalogue;
use shared::files::PART_BYTES;

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        backend::catalogue::load(&dir).expect("the shipped catalogue loads")
    })
}

fn today() -> time::Date {
    shared::date::parse_iso_date("2026-12-02").expect("date")
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        "[0-9X]{17,19}".prop_map(Value::String),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Answers over a bundle's own field keys (and a few strangers), of any shape.
fn answers(keys: Vec<String>) -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![
        4 => prop::sample::select(keys),
        1 => ".{0,20}",
    ];
    prop::collection::btree_map(key, json(), 0..30).prop_map(|m| m.into_iter().collect())
}

fn field_keys(bundle: &str) -> Vec<String> {
    let view = catalogue().bundle_view(bundle).expect("bundle");
    view.fields.iter().map(|f| f.key.clone()).collect()
}

proptest! {
    #[test]
    fn a_resident_id_check_answers_anything(s in ".{0,40}", digits in "[0-9]{17}[0-9Xx]") {
        let _ = shared::ids::resident_id::check_resident_id(&s, today());
        if let Ok(id) = shared::ids::resident_id::check_resident_id(&digits, today()) {
            prop_assert_eq!(shared::ids::resident_id::check_resident_id(&id, today()), Ok(id.clone()));
        }
    }

    #[test]
    fn a_credit_code_check_answers_anything_and_every_issued_code_passes(
        s in ".{0,40}",
        alnum in "[0-9A-Z]{18}",
        entity in b'1'..=b'3',
        serial in 0u64..31u64.pow(6),
    ) {
        let _ = shared::ids::uscc::check_uscc(&s);
        let _ = shared::ids::uscc::check_uscc(&alnum);
        let code = shared::ids::uscc::issue(entity, "411422", serial).expect("issued");
        prop_assert_eq!(shared::ids::uscc::check_uscc(&code), Ok(code.clone()));
        let _ = shared::ids::check_mobile(&s);
    }

    #[test]
    fn whole_form_validation_answers_any_answers(a in answers(field_keys("restaurant"))) {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let _ = shared::form::validate_answers(view.fields.iter(), &a, today());
        let _ = view.check_answers(&a, today());
    }

    #[test]
    fn the_rules_decide_for_any_answers(
        (bundle, a) in prop::sample::select(vec!["restaurant", "pharmacy", "small_shop", "supermarket", "small_workshop"])
            .prop_flat_map(|b| (Just(b), answers(field_keys(b)))),
    ) {
        let view = catalogue().bundle_view(bundle).expect("bundle");
        let cart = view.resolve(&a);
        // The bundle's own items always apply, whatever the answers.
        for item in &view.bundle.items {
            prop_assert!(cart.items.contains(item));
        }
        let _ = view.check_answers(&a, today());
    }

    #[test]
    fn a_due_date_lies_the_promised_working_days_ahead(
        year in 1900i32..=2198,
        ordinal in 1u16..=365,
        days in 0u32..120,
    ) {
        let calendar = shared::calendar::Calendar::new(&catalogue().calendar).expect("calendar");
        let accepted = time::Date::from_ordinal_date(year, ordinal).expect("date");
        let due = calendar.due_date(accepted, days);
        prop_assert!(due >= accepted);
        let next = |d: time::Date| d.next_day().expect("in range");
        prop_assert_eq!(calendar.working_days_between(next(accepted), next(due)), days);
        let text = shared::date::format_iso_date(accepted);
        prop_assert_eq!(shared::date::parse_iso_date(&text), Some(accepted));
    }

    #[test]
    fn any_date_text_is_parsed_or_refused(s in ".{0,12}", d in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        let _ = shared::date::parse_iso_date(&s);
        if let Some(date) = shared::date::parse_iso_date(&d) {
            prop_assert!(shared::date::YEARS.contains(&date.year()));
        }
        let _ = shared::date::county_time(&s);
    }

    #[test]
    fn a_part_is_taken_only_where_the_upload_stands(
        size in 0u64..3 * PART_BYTES,
        received in 0u64..3 * PART_BYTES,
        offset in 0u64..4 * PART_BYTES,
        len in 0usize..(PART_BYTES as usize + 10),
        head in prop::collection::vec(any::<u8>(), 0..16),
        complete in any::<bool>(),
    ) {
        let up = backend::domain::records::Upload {
            id: "u".into(), draft_id: Some("d".into()), application_id: None,
            material: "id_card".into(), name: "x.pdf".into(), size, received,
            sha256: None, content_type: None, complete,
        };
        let mut body = head;
        body.resize(len, b'a');
        use backend::domain::uploads::{part, Part};
        if part(&up, offset, &body) == Part::Take {
            prop_assert!(!complete && offset == received && !body.is_empty());
            prop_assert!(body.len() as u64 <= PART_BYTES && offset + body.len() as u64 <= size);
        }
        let _ = backend::domain::uploads::whole(&body, size);
    }

    #[test]
    fn the_archive_reader_answers_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = backend::domain::archive::verify(&bytes, &[]);
    }

    #[test]
    fn the_archive_reader_answers_a_package_with_changed_bytes(
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8),
    ) {
        let (package, keys) = sealed_package();
        let mut changed = package.clone();
        for (at, x) in flips {
            let i = at.index(changed.len());
            changed[i] ^= x;
        }
        // Read or refused, never a panic. (Not every changed byte is a finding: a zip keeps
        // times and other bytes no listed content depends on.)
        let _ = backend::domain::archive::verify(&changed, keys);
        prop_assert_eq!(backend::domain::archive::verify(package, keys).expect("reads"), Vec::<String>::new());
    }
}

/// A sealed package of two files and the keys that verify it.
fn sealed_package() -> &'static (Vec<u8>, &'static [shared::snapshot::PublicKey]) {
    static P: OnceLock<(Vec<u8>, &'static [shared::snapshot::PublicKey])> = OnceLock::new();
    P.get_or_init(|| {
        use backend::domain::archive::{Signature, manifest, package};
        let seal: &'static backend::seal::Seal =
            Box::leak(Box::new(backend::seal::Seal::ephemeral()));
        let files = vec![
            (
                "form.json".to_string(),
                br#"{"business.name":"x"}"#.to_vec(),
            ),
            (
                "materials/id_card/1-a.pdf".to_string(),
                b"%PDF-1.7\n...\n%%EOF\n".to_vec(),
            ),
        ];
        let m = manifest(
            "LB-20261202-0001",
            "restaurant",
            "2026-12-02T00:00:00Z".into(),
            &files,
        )
        .expect("manifest");
        let sig = Signature {
            kid: seal.kid().into(),
            signature: seal.sign(shared::snapshot::Purpose::ArchiveManifest, &m),
        };
        (package(files, m, &sig).expect("zip"), seal.public_keys())
    })
}
