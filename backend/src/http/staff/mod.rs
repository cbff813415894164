//! The back office's routes (a staff session cookie): sessions, the one window, each
//! department's review, the licence and its permits, holder requests, materials, the list.
//! Every one calls a service that asks the access policy first.

pub mod accounts;
pub mod backoffice;
pub mod credit;
pub mod events;
pub mod files;
pub mod follow_ups;
pub mod inspection_tasks;
pub mod jobs;
pub mod licence;
pub mod oauth;
pub mod requests;
pub mod review;
pub mod sessions;
pub mod statistics;
pub mod supervision;
pub mod webhooks;
pub mod worklist;
