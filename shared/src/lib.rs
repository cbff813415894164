//! Lianban's shared contract: the catalogue types, the field dictionary and integrated forms,
//! the validators (identifiers, answers), and the API's DTOs and error body. No IO: it compiles
//! to wasm32 for the browser and natively for the server, so both run the same rules.

pub mod api;
pub mod calendar;
pub mod catalogue;
pub mod date;
pub mod error;
pub mod events;
pub mod figures;
pub mod files;
pub mod form;
pub mod holder;
pub mod i18n;
pub mod ids;
pub mod records;
pub mod rules;
pub mod snapshot;
pub mod staff;
pub mod statistics;
pub mod status;
pub mod supervision;
pub mod tagged;
pub mod worklist;

pub use i18n::{Lang, Text};
