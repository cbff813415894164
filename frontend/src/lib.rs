//! Lianban's browser apps, as one library and one small binary per app (Trunk builds each into
//! its own wasm, so each first load carries only its own pages):
//! - `frontend` (`src/main.rs`): the bundles, a bundle's cart and its integrated form;
//! - `status` (`src/bin/status.rs`): the receipt and the private status page;
//! - `staff` (`src/bin/staff.rs`): the back office;
//! - `scan` (`src/bin/scan.rs`): the inspector's QR check;
//! - `admin` (`src/bin/admin.rs`): the administrator's console.
//!
//! Every app shares the shell, the language, the API client and the components.

pub mod admin;
pub mod answers;
pub mod api;
pub mod app;
pub mod components;
pub mod draft;
pub mod i18n;
pub mod offline;
pub mod pages;
pub mod route;
pub mod scan;
pub mod staff;
pub mod uploads;
