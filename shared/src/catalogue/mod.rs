//! The joint list (联办清单) as types: departments, items, materials, form sections, the field
//! dictionary and bundles. The data itself lives in `catalogue/*.toml` and is maintained by the
//! bureau; `merge` derives a bundle's integrated form and material list from it.

mod guide;
mod merge;
mod model;

pub use guide::{BundleGuide, ItemDue, ReformFigures};
pub use merge::{BundleView, MergedMaterial};
pub use model::{Bundle, Catalogue, CatalogueError, Department, Item, Material, Section};
