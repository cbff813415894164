//! The cart: which of a bundle's items, fields and materials apply to one applicant, decided by
//! the rules from their answers. `BundleView::resolve` is the one function that decides it —
//! the browser runs it as the applicant answers, the server runs it on what was submitted.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{BundleView, Material};
use crate::form::{Answers, FieldDef, FieldProblems, Problem, validate_asked};

/// A material of the merged list, with the items that need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedMaterial {
    pub material: Material,
    /// Ids of the applying items that need it.
    pub needed_by: Vec<String>,
}

/// A field the form asks of this applicant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AskedField {
    pub key: String,
    pub required: bool,
}

/// What applies to one applicant of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    /// Ids of the applying items: the bundle's own, then the add-ons whose rule holds.
    pub items: Vec<String>,
    /// Ids of their departments, in item order.
    pub departments: Vec<String>,
    /// Materials to provide, each once, without those the applying items themselves produce
    /// and those not asked of this applicant.
    pub materials: Vec<MergedMaterial>,
    /// Fields shown now, in form order, each with whether it must be answered.
    pub fields: Vec<AskedField>,
    /// Fields of the integrated form for these items (shown or not: the same basis as
    /// `separate_field_count`).
    pub merged_field_count: usize,
    /// Fields if each applying item were applied for on its own form.
    pub separate_field_count: usize,
    /// Materials if each applying item were applied for separately.
    pub separate_material_count: usize,
    /// Items run in parallel: the longest committed limit, in working days.
    pub promised_days: f32,
}

impl Cart {
    pub fn shows(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key)
    }
    pub fn requires(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key && f.required)
    }
}

impl BundleView {
    /// Whether the rules make item `id` part of this applicant's bundle.
    fn applies(&self, id: &str, answers: &Answers) -> bool {
        self.bundle.items.iter().any(|i| i == id)
            || self
                .bundle
                .addons
                .iter()
                .filter(|a| a.item == id)
                .filter_map(|a| self.rule(&a.rule))
                .any(|r| r.when.holds(answers, None))
    }

    /// Whether field `f` belongs to the form of the applying items (before its own condition).
    fn belongs(&self, f: &FieldDef, items: &[String]) -> bool {
        match &f.item {
            Some(item) => items.contains(item),
            None => {
                self.questions.contains(&f.key)
                    || items
                        .iter()
                        .filter_map(|id| self.item(id))
                        .any(|i| i.fields.contains(&f.key))
            }
        }
    }

    /// The rules, applied: the items, departments, materials and fields for these answers.
    pub fn resolve(&self, answers: &Answers) -> Cart {
        let items: Vec<String> = self
            .items
            .iter()
            .filter(|i| self.applies(&i.id, answers))
            .map(|i| i.id.clone())
            .collect();
        let applying = || items.iter().filter_map(|id| self.item(id));

        let mut departments: Vec<String> = Vec::new();
        let mut materials: Vec<MergedMaterial> = Vec::new();
        for item in applying() {
            if !departments.contains(&item.department) {
                departments.push(item.department.clone());
            }
            for m in item.materials.iter().filter_map(|id| self.material(id)) {
                if m.produced_by
                    .as_ref()
                    .is_some_and(|p| items.contains(p) || self.bundle.held.contains(p))
                    || m.asked_when
                        .as_ref()
                        .is_some_and(|c| !c.holds(answers, None))
                {
                    continue;
                }
                match materials.iter_mut().find(|x| x.material.id == m.id) {
                    Some(x) => x.needed_by.push(item.id.clone()),
                    None => materials.push(MergedMaterial {
                        material: m.clone(),
                        needed_by: vec![item.id.clone()],
                    }),
                }
            }
        }

        let mut merged_field_count = 0;
        let mut fields = Vec::new();
        for f in self.fields.iter().filter(|f| self.belongs(f, &items)) {
            merged_field_count += 1;
            let scope = f.item.as_deref();
            if f.shown_when
                .as_ref()
                .is_some_and(|c| !c.holds(answers, scope))
            {
                continue;
            }
            let required = f.required
                || f.required_when
                    .as_ref()
                    .is_some_and(|c| c.holds(answers, scope));
            fields.push(AskedField {
                key: f.key.clone(),
                required,
            });
        }

        Cart {
            departments,
            materials,
            fields,
            merged_field_count,
            separate_field_count: applying().map(|i| i.fields.len()).sum(),
            separate_material_count: applying().map(|i| i.materials.len()).sum(),
            promised_days: applying().map(|i| i.committed_days).fold(0.0, f32::max),
            items,
        }
    }

    fn material(&self, id: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// The server's check of a submitted form: every answer must be to a field of the bundle;
    /// answers to fields the rules hide are dropped; the fields shown are validated with their
    /// effective `required`. Returns the cart and the normalised answers, or every problem.
    pub fn check_answers(
        &self,
        answers: &Answers,
        today: Date,
    ) -> Result<(Cart, Answers), FieldProblems> {
        let mut problems = FieldProblems::new();
        for key in answers.keys().filter(|k| self.field(k).is_none()) {
            problems.insert(key.clone(), vec![Problem::UnknownField]);
        }
        let cart = self.resolve(answers);
        let asked = cart
            .fields
            .iter()
            .filter_map(|a| Some((self.field(&a.key)?, a.required)));
        let kept: Answers = answers
            .iter()
            .filter(|(k, _)| cart.shows(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let clean = match validate_asked(asked, &kept, today) {
            Ok(clean) => Some(clean),
            Err(more) => {
                problems.extend(more);
                None
            }
        };
        // Across answers: at fields with no problem of their own.
        for (key, p) in self.cross_problems(&kept, &cart) {
            problems.entry(key).or_insert_with(|| vec![p]);
        }
        match clean {
            Some(clean) if problems.is_empty() => Ok((cart, clean)),
            _ => Err(problems),
        }
    }

    /// The checks across answers that fail for this cart: (field, problem), a field once.
    pub fn cross_problems(&self, answers: &Answers, cart: &Cart) -> Vec<(String, Problem)> {
        let mut found: Vec<(String, Problem)> = Vec::new();
        for c in &self.checks {
            let concerned = c.items.is_empty() || c.items.iter().any(|i| cart.items.contains(i));
            let asked = cart.shows(&c.field) && !found.iter().any(|(k, _)| *k == c.field);
            if concerned
                && asked
                && c.when.as_ref().is_none_or(|w| w.holds(answers, None))
                && !c.require.holds(answers, None)
            {
                found.push((c.field.clone(), Problem::Check(c.message.clone())));
            }
        }
        found
    }
}
