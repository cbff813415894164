//! The bundle merge: the integrated form of a bundle is the union of its items' field keys,
//! each field once, in section order; its material list is the union of its items' materials,
//! each once, without those the bundle itself produces.

use serde::{Deserialize, Serialize};

use super::{Bundle, Catalogue, Department, Item, Material, Section};
use crate::form::FieldDef;

/// A material of a bundle's merged list, with the items that need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedMaterial {
    pub material: Material,
    /// Ids of the bundle's items that need it.
    pub needed_by: Vec<String>,
}

/// Everything the browser needs to show a bundle and its integrated form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleView {
    pub bundle: Bundle,
    pub items: Vec<Item>,
    /// The departments involved, in the order their items are listed.
    pub departments: Vec<Department>,
    /// Materials to provide, each once.
    pub materials: Vec<MergedMaterial>,
    /// Sections that have fields in this form, in catalogue order.
    pub sections: Vec<Section>,
    /// The integrated form: each field once, ordered by section then dictionary order.
    pub fields: Vec<FieldDef>,
    /// Items run in parallel: the bundle's promise is the longest committed limit.
    pub promised_days: f32,
    /// Number of fields if each item were applied for separately.
    pub separate_field_count: usize,
    /// Number of materials if each item were applied for separately.
    pub separate_material_count: usize,
}

impl Catalogue {
    fn bundle_items<'a>(&'a self, bundle: &'a Bundle) -> impl Iterator<Item = &'a Item> + 'a {
        bundle.items.iter().filter_map(|id| self.item(id))
    }

    /// The integrated form of a bundle: each field once, in section order.
    pub fn integrated_fields(&self, bundle: &Bundle) -> Vec<&FieldDef> {
        let mut fields: Vec<(usize, usize, &FieldDef)> = Vec::new();
        for item in self.bundle_items(bundle) {
            for key in &item.fields {
                let Some(pos) = self.fields.iter().position(|f| &f.key == key) else {
                    continue;
                };
                if fields.iter().any(|(_, p, _)| *p == pos) {
                    continue;
                }
                let field = &self.fields[pos];
                let section = self
                    .sections
                    .iter()
                    .position(|s| s.id == field.section)
                    .unwrap_or(usize::MAX);
                fields.push((section, pos, field));
            }
        }
        fields.sort_by_key(|(section, pos, _)| (*section, *pos));
        fields.into_iter().map(|(_, _, f)| f).collect()
    }

    /// The merged material list: each once, minus what items of this bundle produce.
    pub fn merged_materials(&self, bundle: &Bundle) -> Vec<MergedMaterial> {
        let mut merged: Vec<MergedMaterial> = Vec::new();
        for item in self.bundle_items(bundle) {
            for id in &item.materials {
                let Some(material) = self.material(id) else {
                    continue;
                };
                if material
                    .produced_by
                    .as_ref()
                    .is_some_and(|p| bundle.items.contains(p))
                {
                    continue;
                }
                match merged.iter_mut().find(|m| &m.material.id == id) {
                    Some(m) => m.needed_by.push(item.id.clone()),
                    None => merged.push(MergedMaterial {
                        material: material.clone(),
                        needed_by: vec![item.id.clone()],
                    }),
                }
            }
        }
        merged
    }

    /// The full view of one bundle, or `None` if there is no such bundle.
    pub fn bundle_view(&self, id: &str) -> Option<BundleView> {
        let bundle = self.bundle(id)?;
        let items: Vec<Item> = self.bundle_items(bundle).cloned().collect();
        let mut departments: Vec<Department> = Vec::new();
        for item in &items {
            if let Some(d) = self
                .department(&item.department)
                .filter(|d| !departments.contains(d))
            {
                departments.push(d.clone());
            }
        }
        let fields: Vec<FieldDef> = self
            .integrated_fields(bundle)
            .into_iter()
            .cloned()
            .collect();
        let sections = self
            .sections
            .iter()
            .filter(|s| fields.iter().any(|f| f.section == s.id))
            .cloned()
            .collect();
        Some(BundleView {
            promised_days: items.iter().map(|i| i.committed_days).fold(0.0, f32::max),
            separate_field_count: items.iter().map(|i| i.fields.len()).sum(),
            separate_material_count: items.iter().map(|i| i.materials.len()).sum(),
            materials: self.merged_materials(bundle),
            bundle: bundle.clone(),
            items,
            departments,
            sections,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;
    use crate::form::FieldKind;

    fn field(key: &str, section: &str) -> FieldDef {
        FieldDef {
            key: key.into(),
            kind: FieldKind::Text,
            label: Text::new(key, key),
            section: section.into(),
            required: true,
            hint: None,
            max_len: None,
            min: None,
            max: None,
            unit: None,
            options: vec![],
        }
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

    fn catalogue() -> Catalogue {
        let material = |id: &str, produced_by: Option<&str>| Material {
            id: id.into(),
            name: Text::new(id, id),
            description: Text::default(),
            produced_by: produced_by.map(Into::into),
            may_be_missing: false,
        };
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
            ],
            fields: vec![
                field("person.name", "person"),
                field("business.name", "business"),
                field("food.kind", "business"),
            ],
            materials: vec![
                material("id_card", None),
                material("licence", Some("reg")),
                material("lease", None),
            ],
            items: vec![
                item(
                    "reg",
                    "samr",
                    0.5,
                    &["person.name", "business.name"],
                    &["id_card", "lease"],
                ),
                item(
                    "food",
                    "samr",
                    5.0,
                    &["business.name", "food.kind", "person.name"],
                    &["id_card", "licence"],
                ),
                item(
                    "seal",
                    "psb",
                    0.5,
                    &["person.name"],
                    &["id_card", "licence"],
                ),
            ],
            bundles: vec![Bundle {
                id: "restaurant".into(),
                name: Text::new("饭店", "Restaurant"),
                summary: Text::default(),
                items: vec!["reg".into(), "food".into(), "seal".into()],
            }],
            calendar: vec![],
        }
    }

    #[test]
    fn a_field_shared_by_several_items_appears_once_in_section_order() {
        let c = catalogue();
        assert!(c.check().is_empty(), "{:?}", c.check());
        let view = c.bundle_view("restaurant").expect("bundle");
        let keys: Vec<&str> = view.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["business.name", "food.kind", "person.name"]);
        assert_eq!(view.separate_field_count, 6);
    }

    #[test]
    fn materials_merge_and_the_bundles_own_results_are_not_asked_for() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        let ids: Vec<&str> = view
            .materials
            .iter()
            .map(|m| m.material.id.as_str())
            .collect();
        assert_eq!(ids, ["id_card", "lease"]);
        assert_eq!(view.materials[0].needed_by, ["reg", "food", "seal"]);
        assert_eq!(view.separate_material_count, 6);
    }

    #[test]
    fn the_bundle_promise_is_the_longest_item_not_the_sum() {
        let view = catalogue().bundle_view("restaurant").expect("bundle");
        assert_eq!(view.promised_days, 5.0);
        assert_eq!(view.departments.len(), 2);
    }

    #[test]
    fn broken_references_are_named() {
        let mut c = catalogue();
        c.items[0].fields.push("nope.key".into());
        c.items[1].department = "ghost".into();
        c.items[2].committed_days = 30.0;
        c.bundles.push(c.bundles[0].clone());
        let errors: Vec<String> = c.check().iter().map(ToString::to_string).collect();
        assert!(
            errors.contains(&"item reg: unknown field `nope.key`".to_string()),
            "{errors:?}"
        );
        assert!(
            errors.contains(&"item food: unknown department `ghost`".to_string()),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("item seal: committed limit 30")),
            "{errors:?}"
        );
        assert!(
            errors.contains(&"bundle restaurant: duplicate id".to_string()),
            "{errors:?}"
        );
    }
}
