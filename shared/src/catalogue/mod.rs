//! The joint list (联办清单) as types: departments, items, materials, form sections, the field
//! dictionary and bundles. The data itself lives in `catalogue/*.toml` and is maintained by the
//! bureau; `merge` gathers what a bundle may ask, `cart` decides what applies to one applicant
//! (the rules), `guide` counts its dates and reform figures.

mod cart;
mod guide;
mod merge;
mod model;
pub mod numbering;

pub use cart::{AskedField, Cart, MergedMaterial};
pub use guide::{BundleGuide, ItemDue, ReformFigures};
pub use merge::{ADDITION_PREFIX, BundleView, MAX_ADDITION, REGISTRATION};
pub use model::{
    Addon, Bundle, Catalogue, CatalogueError, Check, CreditCondition, CreditKind, Department,
    InspectionItem, Item, Material, RISK_CLASSES, RiskRule, Rule, Section, Window,
};
