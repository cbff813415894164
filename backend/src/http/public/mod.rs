//! The public routes, for anyone: the catalogue of bundles and their guides, the licence's
//! verify page and what hangs off it, the OpenAPI document.

pub mod bundles;
pub mod names;
pub mod page;
pub mod plan_page;
pub mod results;
pub mod supervision;
pub mod verify;
