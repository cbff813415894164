//! The bundle merge: everything a bundle may ask, gathered once. Its integrated form is the union
//! of its items' field keys (and the questions that decide its add-ons), each field once, in
//! section order — except per-item fields, asked once per item; its materials are those of every
//! item it may include. Which of them apply to one applicant is decided by `BundleView::resolve`.

use serde::{Deserialize, Serialize};

use super::{Bundle, Catalogue, Check, Department, Item, Material, Rule, Section};
use crate::calendar::YearArrangement;
use crate::form::FieldDef;
use crate::rules::instance_key;

/// A bundle with every item, field and material it may involve, and the rules that choose
/// among them: what the browser needs to run the cart and the integrated form by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleView {
    pub bundle: Bundle,
    /// The bundle's own items, then its add-ons, in the order they are listed.
    pub items: Vec<Item>,
    /// The departments of those items, in the order their items are listed.
    pub departments: Vec<Department>,
    /// Every material any of those items needs (the cart merges the ones that apply).
    pub materials: Vec<Material>,
    /// Sections that have fields in this form, in catalogue order.
    pub sections: Vec<Section>,
    /// Every field the form may ask, in form order: each once, ordered by section then
    /// dictionary order; a per-item field once per item, its key `key@item`.
    pub fields: Vec<FieldDef>,
    /// The rules of the bundle's add-ons.
    pub rules: Vec<Rule>,
    /// The checks across answers that concern this form: of its items (or of any form), on
    /// fields it asks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Keys of the fields the rules read: asked first, on the bundle page.
    pub questions: Vec<String>,
    /// The official working-day arrangement, so due dates can be counted where the view is.
    pub calendar: Vec<YearArrangement>,
}

impl BundleView {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// The business registration: the item that brings an enterprise into being (its result, the
/// licence, is what an existing business holds).
pub const REGISTRATION: &str = "business_registration";

/// A later addition (增项) to an existing business is the bundle `add.<item>.<item>…`.
pub const ADDITION_PREFIX: &str = "add.";

/// The most items one addition asks for at once.
pub const MAX_ADDITION: usize = 8;

impl Catalogue {
    /// Everything bundle `id` may involve — a themed bundle, or an addition (`add.…`) — or
    /// `None` if there is no such bundle.
    pub fn bundle_view(&self, id: &str) -> Option<BundleView> {
        match id.strip_prefix(ADDITION_PREFIX) {
            Some(_) => self.addition_view(id),
            None => self.view_of(self.bundle(id)?),
        }
    }

    /// The addition of `items` as its bundle id: each once, in catalogue order, so a set has
    /// one id. `None` when there is none or more than [`MAX_ADDITION`], when one is unknown, or
    /// is the registration (an existing business has it).
    pub fn addition_id(&self, items: &[&str]) -> Option<String> {
        if items.is_empty() || items.len() > MAX_ADDITION {
            return None;
        }
        if items
            .iter()
            .any(|i| *i == REGISTRATION || self.item(i).is_none())
        {
            return None;
        }
        let chosen: Vec<&str> = self
            .items
            .iter()
            .map(|i| i.id.as_str())
            .filter(|id| items.contains(id))
            .collect();
        Some(format!("{ADDITION_PREFIX}{}", chosen.join(".")))
    }

    /// Bundle `id`'s name — a themed bundle's, or an addition's ("增办：…").
    pub fn bundle_name(&self, id: &str) -> Option<crate::Text> {
        let Some(rest) = id.strip_prefix(ADDITION_PREFIX) else {
            return self.bundle(id).map(|b| b.name.clone());
        };
        let ids: Vec<&str> = rest.split('.').collect();
        // One id per set: another spelling of the same set is no bundle.
        if self.addition_id(&ids)? != id {
            return None;
        }
        let items: Vec<&Item> = ids.iter().filter_map(|i| self.item(i)).collect();
        let names = |sep: &str, name: fn(&Item) -> &str| {
            items.iter().map(|i| name(i)).collect::<Vec<_>>().join(sep)
        };
        Some(crate::Text {
            zh: format!("增办：{}", names("、", |i| &i.name.zh)),
            en: format!("Add: {}", names(", ", |i| &i.name.en)),
        })
    }

    /// The view of an addition: its items for an existing business, which holds the licence.
    fn addition_view(&self, id: &str) -> Option<BundleView> {
        let name = self.bundle_name(id)?;
        let ids: Vec<&str> = id.strip_prefix(ADDITION_PREFIX)?.split('.').collect();
        let bundle = Bundle {
            id: id.to_string(),
            name,
            summary: crate::Text::new(
                "为已领取营业执照的市场主体增办许可：营业执照不再重复办理，已登记的信息自动带入",
                "More permits for a business that holds its licence: the registration is not repeated, what it registered is filled in",
            ),
            items: ids.iter().map(|i| i.to_string()).collect(),
            addons: Vec::new(),
            held: vec![REGISTRATION.to_string()],
        };
        self.view_of(&bundle)
    }

    /// Everything `bundle` may involve.
    fn view_of(&self, bundle: &Bundle) -> Option<BundleView> {
        let mut items: Vec<Item> = Vec::new();
        let ids = bundle
            .items
            .iter()
            .chain(bundle.addons.iter().map(|a| &a.item));
        for item in ids.filter_map(|id| self.item(id)) {
            if !items.contains(item) {
                items.push(item.clone());
            }
        }
        let mut rules: Vec<Rule> = Vec::new();
        for rule in bundle.addons.iter().filter_map(|a| self.rule(&a.rule)) {
            if !rules.contains(rule) {
                rules.push(rule.clone());
            }
        }
        let mut questions: Vec<String> = Vec::new();
        for key in rules.iter().flat_map(|r| r.when.fields()) {
            if !questions.iter().any(|q| q == key) {
                questions.push(key.to_string());
            }
        }

        // (section, dictionary position, item position, field): sorted into form order.
        let mut fields: Vec<(usize, usize, usize, FieldDef)> = Vec::new();
        let needed = questions.iter().map(|k| (usize::MAX, None, k)).chain(
            items
                .iter()
                .enumerate()
                .flat_map(|(n, i)| i.fields.iter().map(move |k| (n, Some(i), k))),
        );
        for (item_pos, item, key) in needed {
            let Some(pos) = self.fields.iter().position(|f| &f.key == key) else {
                continue;
            };
            let def = &self.fields[pos];
            let copy = match item.filter(|_| def.per_item) {
                Some(item) => per_item_copy(def, item),
                None => def.clone(),
            };
            if fields.iter().any(|(.., f)| f.key == copy.key) {
                continue;
            }
            let section = self
                .sections
                .iter()
                .position(|s| s.id == def.section)
                .unwrap_or(usize::MAX);
            let item_pos = if def.per_item { item_pos } else { 0 };
            fields.push((section, pos, item_pos, copy));
        }
        fields.sort_by_key(|(section, pos, item, _)| (*section, *pos, *item));
        let fields: Vec<FieldDef> = fields.into_iter().map(|(.., f)| f).collect();

        let mut departments: Vec<Department> = Vec::new();
        let mut materials: Vec<Material> = Vec::new();
        for item in &items {
            if let Some(d) = self
                .department(&item.department)
                .filter(|d| !departments.contains(d))
            {
                departments.push(d.clone());
            }
            for m in item.materials.iter().filter_map(|m| self.material(m)) {
                if !materials.contains(m) {
                    materials.push(m.clone());
                }
            }
        }
        let sections = self
            .sections
            .iter()
            .filter(|s| fields.iter().any(|f| f.section == s.id))
            .cloned()
            .collect();
        let asks = |k: &str| fields.iter().any(|f| f.key == k);
        let checks = self
            .checks
            .iter()
            .filter(|c| {
                c.items.is_empty() || c.items.iter().any(|i| items.iter().any(|x| &x.id == i))
            })
            .filter(|c| {
                let read = c.when.iter().chain([&c.require]).flat_map(|w| w.fields());
                asks(&c.field) && read.into_iter().all(asks)
            })
            .cloned()
            .collect();
        Some(BundleView {
            bundle: bundle.clone(),
            checks,
            items,
            departments,
            materials,
            sections,
            fields,
            rules,
            questions,
            calendar: self.calendar.clone(),
        })
    }
}

/// A per-item field as asked for one item: its own key, and the item's name before its label.
fn per_item_copy(def: &FieldDef, item: &Item) -> FieldDef {
    let mut copy = def.clone();
    copy.key = instance_key(&def.key, &item.id);
    copy.label.zh = format!("{}：{}", item.name.zh, def.label.zh);
    copy.label.en = format!("{}: {}", item.name.en, def.label.en);
    copy.item = Some(item.id.clone());
    copy
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Text;
    use crate::catalogue::Addon;
    use crate::form::{Answers, FieldKind, Problem};
    use crate::rules::Condition;

    fn field(key: &str, section: &str) -> FieldDef {
        FieldDef::new(key, FieldKind::Text, Text::new(key, key), section, true)
    }

    fn item(id: &str, dept: &str, days: f32, fields: &[&str], materials: &[&str]) -> Item {
        Item {
            id: id.into(),
            code: None,
            name: Text::new(id, id),
            department: dept.into(),
            level: Text::new("县级", "County"),
            legal_basis: Text::default(),
            statutory_days: 20.0,
            committed_days: days,
            commitment_allowed: false,
            onsite_inspection: false,
            validity_years: None,
            fields: fields.iter().map(|s| s.to_string()).collect(),
            materials: materials.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn answers(v: serde_json::Value) -> Answers {
        v.as_object().cloned().unwrap_or_default()
    }

    fn catalogue() -> Catalogue {
        let material = |id: &str, produced_by: Option<&str>| Material {
            id: id.into(),
            name: Text::new(id, id),
            description: Text::default(),
            produced_by: produced_by.map(Into::into),
            may_be_missing: false,
            max_files: 5,
            asked_when: None,
        };
        let mut tenure = field("person.tenure", "person");
        tenure.kind = FieldKind::Select;
        tenure.options = vec![crate::form::Choice {
            value: "leased".into(),
            label: Text::new("租", "leased"),
        }];
        let mut landlord = field("person.landlord", "person");
        landlord.shown_when = Some(Condition::Equals {
            field: "person.tenure".into(),
            value: "leased".into(),
        });
        let mut chosen = FieldDef::new(
            "commit.chosen",
            FieldKind::Checkbox,
            Text::new("承诺", "commit"),
            "commit",
            false,
        );
        chosen.per_item = true;
        let mut signer = field("commit.signer", "commit");
        signer.per_item = true;
        signer.required = false;
        signer.required_when = Some(Condition::Ticked("commit.chosen".into()));
        let tobacco = FieldDef::new(
            "plans.tobacco",
            FieldKind::Checkbox,
            Text::new("烟", "tobacco"),
            "business",
            false,
        );
        Catalogue {
            departments: vec![
                Department {
                    id: "samr".into(),
                    name: Text::new("市场监管局", "SAMR"),
                },
                Department {
                    id: "psb".into(),
                    name: Text::new("公安局", "Police"),
                },
                Department {
                    id: "tobacco".into(),
                    name: Text::new("烟草局", "Tobacco"),
                },
            ],
            sections: vec![
                Section {
                    id: "business".into(),
                    title: Text::new("主体", "Business"),
                },
                Section {
                    id: "person".into(),
                    title: Text::new("人员", "Person"),
                },
                Section {
                    id: "commit".into(),
                    title: Text::new("承诺", "Commitment"),
                },
            ],
            fields: vec![
                field("person.name", "person"),
                field("business.name", "business"),
                field("food.kind", "business"),
                tenure,
                landlord,
                chosen,
                signer,
                tobacco,
            ],
            materials: vec![
                material("id_card", None),
                material("licence", Some("reg")),
                material("lease", None),
                material("shop_photo", None),
            ],
            items: vec![
                item(
                    "reg",
                    "samr",
                    0.5,
                    &[
                        "person.name",
                        "business.name",
                        "person.tenure",
                        "person.landlord",
                    ],
                    &["id_card", "lease"],
                ),
                item(
                    "food",
                    "samr",
                    5.0,
                    &[
                        "business.name",
                        "food.kind",
                        "person.name",
                        "commit.chosen",
                        "commit.signer",
                    ],
                    &["id_card", "licence"],
                ),
                item(
                    "seal",
                    "psb",
                    0.5,
                    &["person.name"],
                    &["id_card", "licence"],
                ),
                item(
                    "tobacco",
                    "tobacco",
                    10.0,
                    &["business.name", "commit.chosen", "commit.signer"],
                    &["licence", "shop_photo"],
                ),
            ],
            bundles: vec![Bundle {
                id: "restaurant".into(),
                name: Text::new("饭店", "Restaurant"),
                summary: Text::default(),
                items: vec!["reg".into(), "food".into(), "seal".into()],
                addons: vec![Addon {
                    item: "tobacco".into(),
                    rule: "sells_tobacco".into(),
                }],
                held: vec![],
            }],
            rules: vec![Rule {
                id: "sells_tobacco".into(),
                when: Condition::Ticked("plans.tobacco".into()),
                reason: Text::default(),
            }],
            checks: vec![],
            window: None,
            calendar: vec![],
            credit_kinds: vec![],
            risk_classes: vec![],
            inspection_items: vec![],
            certificate_numbers: vec![],
            certificate_titles: vec![],
            follows_licence: vec![],
        }
    }

    fn keys(cart: &Cart) -> Vec<&str> {
        cart.fields.iter().map(|f| f.key.as_str()).collect()
    }

    use crate::catalogue::Cart;

    #[test]
    fn a_field_shared_by_several_items_appears_once_in_section_order() {
        let c = catalogue();
        assert!(c.check().is_empty(), "{:?}", c.check());
        let view = c.bundle_view("restaurant").expect("bundle");
        let cart = view.resolve(&Answers::new());
        assert_eq!(
            keys(&cart),
            [
                "business.name",
                "food.kind",
                "plans.tobacco",
                "person.name",
                "person.tenure",
                "commit.chosen@food",
                "commit.signer@food",
            ]
        );
        assert_eq!(cart.separate_field_count, 10);
        assert_eq!(view.questions, ["plans.tobacco"]);
    }

    #[test]
    fn materials_merge_and_the_bundles_own_results_are_not_asked_for() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let cart = view.resolve(&Answers::new());
        let ids: Vec<&str> = cart
            .materials
            .iter()
            .map(|m| m.material.id.as_str())
            .collect();
        assert_eq!(ids, ["id_card", "lease"]);
        assert_eq!(cart.materials[0].needed_by, ["reg", "food", "seal"]);
        assert_eq!(cart.separate_material_count, 6);
    }

    #[test]
    fn the_bundle_promise_is_the_longest_item_not_the_sum() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let cart = view.resolve(&Answers::new());
        assert_eq!(cart.promised_days, 5.0);
        assert_eq!(cart.departments, ["samr", "psb"]);
    }

    #[test]
    fn an_add_on_joins_with_its_department_materials_and_days() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let cart = view.resolve(&answers(json!({"plans.tobacco": true})));
        assert_eq!(cart.items, ["reg", "food", "seal", "tobacco"]);
        assert_eq!(cart.departments, ["samr", "psb", "tobacco"]);
        assert_eq!(cart.promised_days, 10.0);
        assert!(cart.materials.iter().any(|m| m.material.id == "shop_photo"));
        // The tobacco item's own commitment is asked again, after the food permit's.
        let commit: Vec<&str> = keys(&cart)
            .into_iter()
            .filter(|k| k.starts_with("commit."))
            .collect();
        assert_eq!(
            commit,
            [
                "commit.chosen@food",
                "commit.chosen@tobacco",
                "commit.signer@food",
                "commit.signer@tobacco"
            ]
        );
        let label = &view.field("commit.signer@tobacco").expect("copy").label;
        assert_eq!(label.zh, "tobacco：commit.signer");
    }

    #[test]
    fn per_item_facts_are_never_merged_and_conditions_read_their_own_item() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let a = answers(json!({
            "plans.tobacco": true,
            "commit.chosen@food": true,
            "commit.chosen@tobacco": false,
        }));
        let cart = view.resolve(&a);
        assert!(cart.requires("commit.signer@food"));
        assert!(cart.shows("commit.signer@tobacco"));
        assert!(!cart.requires("commit.signer@tobacco"));
        let f = view.figures(&cart);
        // Separately: reg 4 + food 5 + seal 1 + tobacco 3; joined, the per-item facts count
        // once per item.
        assert_eq!((f.fields_separate, f.fields_merged), (13, 10));
    }

    #[test]
    fn hidden_answers_are_dropped_and_unknown_ones_refused() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let today = time::macros::date!(2026 - 11 - 28);
        let base = json!({
            "business.name": "老张", "food.kind": "热食", "person.name": "张三",
            "person.tenure": "owned_typo",
            "commit.chosen@tobacco": true, "commit.signer@tobacco": 5,
        });
        // Tobacco is not chosen: its per-item answers are dropped, wrong type and all; the
        // landlord is hidden (not leased) and is not required.
        let mut a = answers(base.clone());
        a.insert("person.tenure".into(), json!("leased"));
        let problems = view.check_answers(&a, today).expect_err("landlord missing");
        assert_eq!(problems.keys().collect::<Vec<_>>(), ["person.landlord"]);
        a.insert("person.landlord".into(), json!("李四"));
        let (cart, clean) = view.check_answers(&a, today).expect("valid");
        assert_eq!(cart.items, ["reg", "food", "seal"]);
        assert!(!clean.contains_key("commit.chosen@tobacco"));
        assert_eq!(clean["person.landlord"], json!("李四"));

        let mut bad = answers(base);
        bad.insert("nope".into(), json!(1));
        let problems = view.check_answers(&bad, today).expect_err("bad");
        assert_eq!(problems["nope"], vec![Problem::UnknownField]);
        assert_eq!(problems["person.tenure"], vec![Problem::UnknownOption]);
    }

    #[test]
    fn broken_references_are_named() {
        let mut c = catalogue();
        c.items[0].fields.push("nope.key".into());
        c.items[1].department = "ghost".into();
        c.items[2].committed_days = 30.0;
        c.bundles.push(c.bundles[0].clone());
        c.bundles[0].addons.push(Addon {
            item: "seal".into(),
            rule: "ghost_rule".into(),
        });
        c.rules[0].when = Condition::Ticked("person.landlord".into());
        c.fields[4].required_when = Some(Condition::Ticked("ghost.field".into()));
        let errors: Vec<String> = c.check().iter().map(ToString::to_string).collect();
        for expected in [
            "item reg: unknown field `nope.key`",
            "item food: unknown department `ghost`",
            "bundle restaurant: duplicate id",
            "bundle restaurant add-on seal: listed twice",
            "bundle restaurant add-on seal: unknown rule `ghost_rule`",
            "rule sells_tobacco: condition reads `person.landlord`, which is not always asked",
            "field person.landlord: condition reads unknown field `ghost.field`",
        ] {
            assert!(
                errors.contains(&expected.to_string()),
                "{expected}: {errors:?}"
            );
        }
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("item seal: committed limit 30")),
            "{errors:?}"
        );
    }
}
