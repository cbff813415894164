//! Lianban's server as a library, in layers that import one way only:
//! `http` (extract → one service call → DTO) → `service` (one use case each: transaction,
//! rule, audit entry) → `domain` (the rules, pure) and `db` (every SQL statement), `storage`,
//! `seal`, `pdf`, `notify` (the providers messages go out through), `credit_source` (the credit
//! platform's export). `app` builds the router (tests drive it with `oneshot`), `serve` runs it.

pub mod catalogue;
pub mod cli;
pub mod config;
pub mod credit_source;
pub mod db;
pub mod domain;
pub mod http;
pub mod notify;
pub mod pdf;
pub mod qr;
pub mod seal;
pub mod service;
pub mod startup;
pub mod storage;

pub use http::AppState;
pub use startup::{app, serve};
