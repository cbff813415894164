//! The server's state, the whole router with its layers, and `serve`.

use std::path::PathBuf;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderValue, Request, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::http;
use crate::service::Ctx;

/// What every handler can reach: the use cases' context and what only HTTP needs.
#[derive(Clone)]
pub struct AppState {
    pub ctx: Ctx,
    /// The built frontend (Trunk's `dist/`); `None` serves the API alone.
    pub static_dir: Option<PathBuf>,
    pub limits: http::limits::Limits,
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
            ctx: Ctx::new(db, catalogue)?,
            static_dir: None,
            limits: http::limits::Limits::default(),
            secure_cookies: true,
        })
    }
}

impl FromRef<AppState> for Ctx {
    fn from_ref(state: &AppState) -> Ctx {
        state.ctx.clone()
    }
}

/// The whole application: API, health check and, if configured, the frontend with a
/// client-side-route fallback to `index.html`.
pub fn app(state: AppState) -> Router {
    let mut router = http::router(&state);
    if let Some(dir) = &state.static_dir {
        // The status app (dist/s/) owns the receipt and status pages, the back office
        // (dist/st/) the /staff pages, the scan app (dist/sc/) /scan; the applicant's app
        // (dist/) every other page.
        let status_app = ServeFile::new(dir.join("s/index.html")).precompressed_br();
        let staff_app = ServeFile::new(dir.join("st/index.html")).precompressed_br();
        let scan_app = ServeFile::new(dir.join("sc/index.html")).precompressed_br();
        let index = ServeFile::new(dir.join("index.html")).precompressed_br();
        let files = ServeDir::new(dir).precompressed_br().fallback(index);
        router = router
            .route_service("/receipt/{*rest}", status_app.clone())
            .route_service("/status/{*rest}", status_app)
            .route_service("/staff", staff_app.clone())
            .route_service("/staff/{*rest}", staff_app)
            .route_service("/scan", scan_app)
            .fallback_service(files)
            .layer(axum::middleware::map_response(http::static_cache));
    }
    router
        .with_state(state)
        .layer(DefaultBodyLimit::max(shared::api::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(http::error::localise))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // The span names the method and the path only: never the query, never a header, so a
        // status token can never reach the log.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
}

/// Serves `app` on `listener` until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
