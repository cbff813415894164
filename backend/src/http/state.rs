//! What every handler can reach: the use cases' context, and what only HTTP needs.

use std::path::PathBuf;

use axum::extract::FromRef;

use std::sync::Arc;

use super::client::TrustedProxies;
use super::limits::Limits;
use super::metrics::Metrics;
use crate::service::Ctx;

/// What every handler can reach: the use cases' context and what only HTTP needs.
#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    /// The built frontend (Trunk's `dist/`); `None` serves the API alone.
    pub static_dir: Option<PathBuf>,
    pub limits: Limits,
    /// The reverse proxies whose forwarding headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// Requests, latency, the pool, the job queue (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Staff session cookies carry `Secure` (browsers still accept them from
    /// http://127.0.0.1 and localhost); off only behind a plain-HTTP proxy on another host.
    pub secure_cookies: bool,
}

impl AppState {
    /// The state for a checked catalogue, serving the API alone with default limits.
    pub fn new(
        db: crate::db::Db,
        catalogue: shared::catalogue::Catalogue,
    ) -> anyhow::Result<AppState> {
        Ok(AppState {
            ctx: Arc::new(crate::service::Context::new(db, catalogue)?),
            static_dir: None,
            limits: Limits::default(),
            trusted_proxies: TrustedProxies::default(),
            metrics: Arc::new(Metrics::new(TrustedProxies::loopback())),
            secure_cookies: true,
        })
    }
}

impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Arc<Metrics> {
        state.metrics.clone()
    }
}

impl FromRef<AppState> for Ctx {
    fn from_ref(state: &AppState) -> Ctx {
        state.ctx.clone()
    }
}
