//! Lianban's server as a library: `app` builds the router (tests drive it with `oneshot`),
//! `serve` runs it on a listener until a shutdown future resolves.

pub mod admin;
pub mod archive;
pub mod catalogue;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod licence;
pub mod seal;
pub mod storage;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use shared::calendar::Calendar;
use shared::catalogue::Catalogue;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub catalogue: Arc<Catalogue>,
    /// The working-day calendar built from the catalogue's arrangements.
    pub calendar: Arc<Calendar>,
    /// The built frontend (Trunk's `dist/`); `None` serves the API alone.
    pub static_dir: Option<PathBuf>,
    pub limits: http::limits::Limits,
    /// Staff session cookies carry `Secure` (browsers still accept them from
    /// http://127.0.0.1 and localhost); off only behind a plain-HTTP proxy on another host.
    pub secure_cookies: bool,
    /// The address the public reaches the server at (the licence QR encodes it).
    pub public_url: String,
    /// The bureau's electronic seal (signing key and published keys).
    pub seal: Arc<seal::Seal>,
    /// Uploaded materials and archives, content-addressed.
    pub files: storage::Files,
    pub file_limits: FileLimits,
}

/// How much one may upload (the server's limits, whatever the browser did).
#[derive(Clone, Copy, Debug)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    /// All files of one draft or application together.
    pub max_total_bytes: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_file_bytes: shared::files::DEFAULT_MAX_FILE_BYTES,
            max_total_bytes: shared::files::DEFAULT_MAX_TOTAL_BYTES,
        }
    }
}

impl AppState {
    /// The state for a checked catalogue, serving the API alone with default limits.
    pub fn new(db: db::Db, catalogue: Catalogue) -> anyhow::Result<AppState> {
        let calendar =
            Calendar::new(&catalogue.calendar).map_err(|e| anyhow::anyhow!("calendar: {e}"))?;
        Ok(AppState {
            db,
            catalogue: Arc::new(catalogue),
            calendar: Arc::new(calendar),
            static_dir: None,
            limits: http::limits::Limits::default(),
            secure_cookies: true,
            public_url: "http://127.0.0.1:8080".into(),
            seal: Arc::new(seal::Seal::ephemeral()),
            files: storage::Files::open("memory:")?,
            file_limits: FileLimits::default(),
        })
    }
}

/// The whole application: API, health check and, if configured, the frontend with a
/// client-side-route fallback to `index.html`.
pub fn app(state: AppState) -> Router {
    let mut router = http::routes(&state);
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
