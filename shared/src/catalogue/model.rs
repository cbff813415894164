//! Catalogue entries as the data files write them.

use serde::{Deserialize, Serialize};

use crate::Text;
use crate::form::FieldDef;
use crate::rules::Condition;

/// A department that reviews items (市场监管局, 公安局…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: String,
    pub name: Text,
}

/// A section of the integrated form; sections appear in catalogue order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    pub id: String,
    pub title: Text,
}

/// A document an applicant provides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    /// The item whose result this material is (e.g. the business licence): inside a bundle that
    /// contains that item nobody uploads it — the system already holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub produced_by: Option<String>,
    /// A secondary material that may be missing at acceptance (容缺受理): the applicant
    /// commits to bring it later.
    #[serde(default)]
    pub may_be_missing: bool,
    /// How many files the applicant may upload for it.
    #[serde(default = "default_max_files")]
    pub max_files: u32,
    /// Asked only of applicants whose answers meet this condition (公司章程 of companies);
    /// of everyone when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_when: Option<Condition>,
}

fn default_max_files() -> u32 {
    crate::files::DEFAULT_MAX_FILES_PER_MATERIAL
}

/// An administrative item (事项): one permit, filing or registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub id: String,
    /// National catalogue code where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub name: Text,
    /// Department id.
    pub department: String,
    /// Implementation level (县级…).
    pub level: Text,
    #[serde(default)]
    pub legal_basis: Text,
    /// The law's time limit, in working days.
    pub statutory_days: f32,
    /// This county's promised limit, in working days (0.5 = half a day, 0 = on the spot).
    pub committed_days: f32,
    /// Notification-commitment (告知承诺) is allowed: approval on the spot after the formal
    /// review, for applicants with a clean credit record.
    #[serde(default)]
    pub commitment_allowed: bool,
    /// An on-site inspection is part of the review (its time does not count).
    #[serde(default)]
    pub onsite_inspection: bool,
    /// Years the resulting permit is valid; `None` for results without an expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_years: Option<u32>,
    /// Field keys of the dictionary this item needs.
    pub fields: Vec<String>,
    /// Material ids this item needs.
    #[serde(default)]
    pub materials: Vec<String>,
}

/// A themed bundle (套餐): the items an industry needs, applied for with one form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bundle {
    pub id: String,
    pub name: Text,
    pub summary: Text,
    /// Item ids every applicant of the bundle needs, in the order they are listed.
    pub items: Vec<String>,
    /// Items that apply only when the applicant's answers say so (tobacco, an outdoor sign, a
    /// large floor area…). The fields their conditions read are the bundle's questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<Addon>,
    /// Items whose results the applicant holds already (an existing business's licence, for a
    /// permit added later): the materials they produce are not asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
}

/// An optional item of a bundle and the rule that adds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Addon {
    pub item: String,
    /// A rule id.
    pub rule: String,
}

/// A named condition that adds items to bundles (the fire-inspection threshold, "sells
/// tobacco"…): defined once, used by every bundle that needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: String,
    pub when: Condition,
    /// When it holds, in words for the one-time notice ("only if you sell tobacco").
    pub reason: Text,
}

/// A check across answers: when one of `items` is in the cart (any cart if none is named) and
/// `when` holds, the answers must meet `require`; if not, `field` shows `message`. Run in the
/// browser before the review and again on the server, like every other rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    pub require: Condition,
    /// The field the problem is shown at.
    pub field: String,
    pub message: Text,
}

/// The one window and its issuing window (the plan's measure 4): where and when, for the
/// applicant's next steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub name: Text,
    pub hours: Text,
    /// Where paper certificates are collected.
    pub collect: Text,
    /// The hotline for a complaint (e.g. an item past its promised day).
    pub hotline: String,
}

/// A kind of credit record (信用记录): a false commitment, a failed inspection, a rectification,
/// a commitment fulfilled; `dishonesty_list` stands for being on the imported list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditKind {
    pub id: String,
    pub name: Text,
    /// Days a record of this kind bars approval by commitment (告知承诺) for the enterprise and
    /// its legal representative, from the day it is recorded; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bars_commitment_days: Option<u32>,
}

/// One rule of the risk classes (信用风险分类): an enterprise is of `class` when at least one
/// condition of `any` holds (or `any` is empty) and none of `none`. Rules are tried in order;
/// the first that holds gives the class, so the last one has no conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskRule {
    /// `A` (lowest risk) … `D` (highest).
    pub class: String,
    /// Why, in words.
    pub reason: Text,
    #[serde(default)]
    pub any: Vec<CreditCondition>,
    #[serde(default)]
    pub none: Vec<CreditCondition>,
}

/// At least `at_least` records of `kind`, recorded within the last `within_days` days (ever,
/// when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditCondition {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    #[serde(default = "one")]
    pub at_least: u32,
}

fn one() -> u32 {
    1
}

/// An item of the inspection list (随机抽查事项清单): what is checked of holders of a permit type,
/// its legal basis, the inspector's checklist, and whether it is a key item (重点) or general.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InspectionItem {
    pub id: String,
    /// The catalogue item (permit type) whose holders it checks.
    pub permit: String,
    /// `key` (重点) or `general` (一般).
    pub level: String,
    pub name: Text,
    pub basis: Text,
    pub checklist: Vec<Text>,
}

/// The risk classes, lowest risk first.
pub const RISK_CLASSES: [&str; 4] = ["A", "B", "C", "D"];

/// The whole catalogue. Unknown keys are refused, so a misspelt key in a data file stops the
/// server instead of being silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub items: Vec<Item>,
    #[serde(default)]
    pub bundles: Vec<Bundle>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Checks across answers (a pharmacy's scope includes drug retail …).
    #[serde(default)]
    pub checks: Vec<Check>,
    /// The one window: where and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The official working-day arrangement, a year an entry.
    #[serde(default)]
    pub calendar: Vec<crate::calendar::YearArrangement>,
    /// The kinds of credit record.
    #[serde(default)]
    pub credit_kinds: Vec<CreditKind>,
    /// How credit records make an enterprise's risk class, in order.
    #[serde(default)]
    pub risk_classes: Vec<RiskRule>,
    /// The list of inspection items.
    #[serde(default)]
    pub inspection_items: Vec<InspectionItem>,
    /// Each department's numbering rule for an item's certificates.
    #[serde(default)]
    pub certificate_numbers: Vec<super::numbering::Numbering>,
    /// The title printed on an item's electronic certificate.
    #[serde(default)]
    pub certificate_titles: Vec<CertificateTitle>,
    /// 注销联办: the items whose permits end with the business licence, without a decision of
    /// their own.
    #[serde(default)]
    pub follows_licence: Vec<String>,
}

/// The title of an item's certificate (营业执照, 食品经营许可证 …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertificateTitle {
    pub item: String,
    pub title: Text,
}

/// A broken reference or duplicate in the catalogue, naming the entry and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    /// `kind id`, e.g. `item food_business_permit`.
    pub entry: String,
    pub problem: String,
}

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.entry, self.problem)
    }
}

impl Item {
    /// Whole working days the committed limit takes: a half day is due by the next working day.
    pub fn limit_working_days(&self) -> u32 {
        self.committed_days.max(0.0).ceil() as u32
    }
}

impl Catalogue {
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
    pub fn material(&self, id: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.id == id)
    }
    pub fn bundle(&self, id: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.id == id)
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
    pub fn credit_kind(&self, id: &str) -> Option<&CreditKind> {
        self.credit_kinds.iter().find(|k| k.id == id)
    }
    pub fn inspection_item(&self, id: &str) -> Option<&InspectionItem> {
        self.inspection_items.iter().find(|i| i.id == id)
    }
    /// The numbering rule of an item's certificates, if the catalogue has one.
    pub fn numbering(&self, item: &str) -> Option<&str> {
        self.certificate_numbers
            .iter()
            .find(|n| n.item == item)
            .map(|n| n.format.as_str())
    }

    /// The title of an item's certificate: the catalogue's, or the item's name.
    pub fn certificate_title(&self, item: &str) -> Option<&Text> {
        self.certificate_titles
            .iter()
            .find(|t| t.item == item)
            .map(|t| &t.title)
            .or_else(|| self.item(item).map(|i| &i.name))
    }

    /// Adds the entries of one data file to the catalogue.
    pub fn extend(&mut self, part: Catalogue) {
        self.departments.extend(part.departments);
        self.sections.extend(part.sections);
        self.fields.extend(part.fields);
        self.materials.extend(part.materials);
        self.items.extend(part.items);
        self.bundles.extend(part.bundles);
        self.rules.extend(part.rules);
        self.checks.extend(part.checks);
        if part.window.is_some() {
            self.window = part.window;
        }
        self.calendar.extend(part.calendar);
        self.credit_kinds.extend(part.credit_kinds);
        self.risk_classes.extend(part.risk_classes);
        self.inspection_items.extend(part.inspection_items);
        self.certificate_numbers.extend(part.certificate_numbers);
        self.certificate_titles.extend(part.certificate_titles);
        self.follows_licence.extend(part.follows_licence);
    }

    /// Every entry as (kind, id), e.g. `("item", "seal_filing")`: how errors name an entry.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let departments = self
            .departments
            .iter()
            .map(|d| ("department", d.id.as_str()));
        let sections = self.sections.iter().map(|s| ("section", s.id.as_str()));
        let fields = self.fields.iter().map(|f| ("field", f.key.as_str()));
        let materials = self.materials.iter().map(|m| ("material", m.id.as_str()));
        let items = self.items.iter().map(|i| ("item", i.id.as_str()));
        let bundles = self.bundles.iter().map(|b| ("bundle", b.id.as_str()));
        let rules = self.rules.iter().map(|r| ("rule", r.id.as_str()));
        let cross = self.checks.iter().map(|c| ("check", c.id.as_str()));
        let kinds = self
            .credit_kinds
            .iter()
            .map(|k| ("credit_kind", k.id.as_str()));
        let checks = self
            .inspection_items
            .iter()
            .map(|i| ("inspection_item", i.id.as_str()));
        let numbers = self
            .certificate_numbers
            .iter()
            .map(|n| ("certificate_number", n.item.as_str()));
        departments
            .chain(sections)
            .chain(fields)
            .chain(materials)
            .chain(items)
            .chain(bundles)
            .chain(rules)
            .chain(cross)
            .chain(kinds)
            .chain(checks)
            .chain(numbers)
    }

    /// Every broken reference, duplicate id and impossible limit; empty when the catalogue is sound.
    pub fn check(&self) -> Vec<CatalogueError> {
        let mut errors = Vec::new();
        let mut err =
            |entry: String, problem: String| errors.push(CatalogueError { entry, problem });
        let mut seen = std::collections::BTreeSet::new();
        for (kind, id) in self.entries() {
            if !seen.insert((kind, id)) {
                err(format!("{kind} {id}"), "duplicate id".into());
            }
        }
        for f in &self.fields {
            for c in [&f.shown_when, &f.required_when].into_iter().flatten() {
                for k in c.fields().into_iter().filter(|k| self.field(k).is_none()) {
                    err(
                        format!("field {}", f.key),
                        format!("condition reads unknown field `{k}`"),
                    );
                }
            }
            if f.item.is_some() {
                err(
                    format!("field {}", f.key),
                    "`item` is set by the merge, not in the data".into(),
                );
            }
            if !self.sections.iter().any(|s| s.id == f.section) {
                err(
                    format!("field {}", f.key),
                    format!("unknown section `{}`", f.section),
                );
            }
            let needs_options = matches!(
                f.kind,
                crate::form::FieldKind::Select | crate::form::FieldKind::Multiselect
            );
            if needs_options && f.options.is_empty() {
                err(format!("field {}", f.key), "a select needs options".into());
            }
        }
        for m in &self.materials {
            if let Some(p) = m.produced_by.as_deref().filter(|p| self.item(p).is_none()) {
                err(
                    format!("material {}", m.id),
                    format!("produced by unknown item `{p}`"),
                );
            }
            let asked = m.asked_when.iter().flat_map(|c| c.fields());
            for k in asked.filter(|k| self.field(k).is_none()) {
                err(
                    format!("material {}", m.id),
                    format!("condition reads unknown field `{k}`"),
                );
            }
        }
        for i in &self.items {
            let entry = format!("item {}", i.id);
            if self.department(&i.department).is_none() {
                err(
                    entry.clone(),
                    format!("unknown department `{}`", i.department),
                );
            }
            for k in i.fields.iter().filter(|k| self.field(k).is_none()) {
                err(entry.clone(), format!("unknown field `{k}`"));
            }
            for m in i.materials.iter().filter(|m| self.material(m).is_none()) {
                err(entry.clone(), format!("unknown material `{m}`"));
            }
            if i.committed_days > i.statutory_days {
                err(
                    entry.clone(),
                    format!(
                        "committed limit {} exceeds the statutory limit {}",
                        i.committed_days, i.statutory_days
                    ),
                );
            }
        }
        if let Err(e) = crate::calendar::Calendar::new(&self.calendar) {
            err("calendar".into(), e.0);
        }
        for b in &self.bundles {
            if b.items.is_empty() {
                err(
                    format!("bundle {}", b.id),
                    "a bundle needs at least one item".into(),
                );
            }
            for i in b.items.iter().filter(|i| self.item(i).is_none()) {
                err(format!("bundle {}", b.id), format!("unknown item `{i}`"));
            }
            for (n, a) in b.addons.iter().enumerate() {
                let entry = format!("bundle {} add-on {}", b.id, a.item);
                if self.item(&a.item).is_none() {
                    err(entry.clone(), format!("unknown item `{}`", a.item));
                }
                if b.items.contains(&a.item) || b.addons[..n].iter().any(|x| x.item == a.item) {
                    err(entry.clone(), "listed twice".into());
                }
                if self.rule(&a.rule).is_none() {
                    err(entry.clone(), format!("unknown rule `{}`", a.rule));
                }
            }
        }
        for r in &self.rules {
            for k in r.when.fields() {
                match self.field(k) {
                    None => err(
                        format!("rule {}", r.id),
                        format!("condition reads unknown field `{k}`"),
                    ),
                    // The questions are asked before anything else: they cannot hide.
                    Some(f) if f.shown_when.is_some() || f.per_item => err(
                        format!("rule {}", r.id),
                        format!("condition reads `{k}`, which is not always asked"),
                    ),
                    Some(_) => {}
                }
            }
        }
        for c in &self.checks {
            let entry = format!("check {}", c.id);
            let read = c.when.iter().chain([&c.require]).flat_map(|w| w.fields());
            for k in read.chain([c.field.as_str()]) {
                if self.field(k).is_none() {
                    err(entry.clone(), format!("unknown field `{k}`"));
                }
            }
            for i in c.items.iter().filter(|i| self.item(i).is_none()) {
                err(entry.clone(), format!("unknown item `{i}`"));
            }
        }
        for i in &self.inspection_items {
            let entry = format!("inspection_item {}", i.id);
            if self.item(&i.permit).is_none() {
                err(entry.clone(), format!("unknown permit item `{}`", i.permit));
            }
            if i.level != "key" && i.level != "general" {
                err(entry.clone(), "the level is `key` or `general`".into());
            }
            if i.checklist.is_empty() {
                err(entry, "a checklist needs at least one line".into());
            }
        }
        for (i, n) in self.certificate_numbers.iter().enumerate() {
            let entry = format!("certificate_number {}", n.item);
            if self.item(&n.item).is_none() {
                err(entry.clone(), format!("unknown item `{}`", n.item));
            }
            if self.certificate_numbers[..i]
                .iter()
                .any(|m| m.item == n.item)
            {
                err(entry.clone(), "the item has two numbering rules".into());
            }
            if let Err(problem) = super::numbering::check(&n.format) {
                err(entry, format!("format `{}`: {problem}", n.format));
            }
        }
        for (i, t) in self.certificate_titles.iter().enumerate() {
            let entry = format!("certificate_title {}", t.item);
            if self.item(&t.item).is_none() {
                err(entry.clone(), format!("unknown item `{}`", t.item));
            }
            if self.certificate_titles[..i]
                .iter()
                .any(|u| u.item == t.item)
            {
                err(entry.clone(), "the item has two certificate titles".into());
            }
            if t.title.zh.trim().is_empty() || t.title.zh.chars().count() > 40 {
                err(entry, "a title of 1 to 40 characters".into());
            }
        }
        for id in &self.follows_licence {
            if self.item(id).is_none() {
                err("follows_licence".into(), format!("unknown item `{id}`"));
            }
        }
        for (n, r) in self.risk_classes.iter().enumerate() {
            let entry = format!("risk_class {} (rule {})", r.class, n + 1);
            if !RISK_CLASSES.contains(&r.class.as_str()) {
                err(entry.clone(), "the class is one of A, B, C, D".into());
            }
            for c in r.any.iter().chain(&r.none) {
                if self.credit_kind(&c.kind).is_none() {
                    err(entry.clone(), format!("unknown credit kind `{}`", c.kind));
                }
                if c.at_least == 0 {
                    err(entry.clone(), "`at_least` is 1 or more".into());
                }
            }
            let last = n + 1 == self.risk_classes.len();
            let open = r.any.is_empty() && r.none.is_empty();
            if last && !open {
                err(
                    entry,
                    "the last rule has no conditions: every enterprise gets a class".into(),
                );
            }
        }
        errors
    }
}
