//! What an operator watches (`GET /metrics`, Prometheus/OpenMetrics text; `GET /readyz`): each
//! route's requests and latency (by its template, so the labels stay few), applications filed,
//! the database pool, the background job queue. `/metrics` answers only the addresses allowed
//! to scrape (`--metrics-allow`, loopback by default); anyone else is told there is no such
//! page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::client::{ClientAddr, TrustedProxies};
use crate::http::AppState;
use crate::http::error::{AppError, Request as Bad};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    method: String,
    route: String,
    status: u16,
}

/// The instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<StatusLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// Applications filed (not replays of an idempotent retry).
    pub filed: Counter,
    pool_size: Gauge,
    pool_idle: Gauge,
    jobs_queued: Gauge,
    jobs_oldest: Gauge,
    jobs_failed: Gauge,
    /// Who may scrape.
    allowed: TrustedProxies,
}

impl Metrics {
    pub fn new(allowed: TrustedProxies) -> Metrics {
        let mut registry = Registry::with_prefix("lianban");
        let requests = Family::<StatusLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms to ~4 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route",
            latency.clone(),
        );
        let filed = Counter::default();
        registry.register("applications_filed", "Applications filed", filed.clone());
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        Metrics {
            pool_size: gauge(
                &mut registry,
                "db_pool_connections",
                "Database connections open",
            ),
            pool_idle: gauge(
                &mut registry,
                "db_pool_idle_connections",
                "Database connections idle",
            ),
            jobs_queued: gauge(
                &mut registry,
                "jobs_queued",
                "Background jobs due and waiting",
            ),
            jobs_oldest: gauge(
                &mut registry,
                "jobs_oldest_wait_seconds",
                "How long the oldest due job has waited",
            ),
            jobs_failed: gauge(&mut registry, "jobs_given_up", "Background jobs given up"),
            registry,
            requests,
            latency,
            filed,
            allowed,
        }
    }
}

/// Middleware on the API's routes: counts and times each request under its route template.
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", |p| p.as_str())
        .to_string();
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    m.latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&StatusLabels {
            method,
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "catalogue",
    responses((status = 200, content_type = "application/openmetrics-text", body = String,
            description = "The metrics, for the addresses allowed to scrape"),
        (status = 404, body = shared::error::ErrorBody, description = "Anyone else")))]
pub async fn metrics(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
) -> Result<Response, AppError> {
    let m: &Arc<Metrics> = &state.metrics;
    if !m.allowed.trusts(client) {
        return Err(Bad::NoEndpoint.into());
    }
    let db = &state.ctx.db;
    m.pool_size.set(i64::from(db.pool.size()));
    m.pool_idle.set(db.pool.num_idle() as i64);
    let now = crate::domain::clock::now_unix();
    let (queued, oldest) = crate::db::jobs::backlog(db, now)
        .await
        .map_err(crate::service::Error::from)?;
    m.jobs_queued.set(queued);
    m.jobs_oldest.set(oldest);
    let failed = crate::db::jobs::count(db, crate::domain::jobs::state::FAILED)
        .await
        .map_err(crate::service::Error::from)?;
    m.jobs_failed.set(failed);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &m.registry)
        .map_err(|e| anyhow::anyhow!("metrics: {e}"))?;
    let mut res = text.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(res)
}

/// `GET /readyz`: 200 while this instance can reach its database, 503 otherwise (a load
/// balancer stops sending it requests).
#[utoipa::path(get, path = "/readyz", tag = "catalogue",
    responses((status = 200, content_type = "text/plain", body = String),
        (status = 503, content_type = "text/plain", body = String, description = "The database is not reachable")))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let ping = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.ctx.db.pool);
    match tokio::time::timeout(std::time::Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready").into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is not reachable",
        )
            .into_response(),
    }
}
