//! The rules, on plain types: no HTTP, no SQL, no server state — each with its unit tests beside
//! it. `service` applies them inside a transaction; `http` turns their refusals into answers.

pub mod access;
pub mod accounts;
pub mod addition;
pub mod application;
pub mod archive;
pub mod audit;
pub mod certificate;
pub mod client;
pub mod clock;
pub mod correction;
pub mod credit;
pub mod delivery;
pub mod documents;
pub mod draw;
pub mod error;
pub mod events;
pub mod follow_up;
pub mod history;
pub mod idempotency;
pub mod inspection_task;
pub mod intake;
pub mod jobs;
pub mod licence;
pub mod login;
pub mod names;
pub mod next_steps;
pub mod notify;
pub mod password;
pub mod permit;
pub mod records;
pub mod recovery;
pub mod retention;
pub mod review;
pub mod risk;
pub mod secret_box;
pub mod statistics;
pub mod uploads;
pub mod webhooks;
pub mod worklist;

pub use error::Error;
