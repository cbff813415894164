//! The whole router with its layers (the frontend's apps, the security headers every answer
//! carries, the client's address, a caught panic, the request span), and `serve`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::response::Response;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::http::headers::{self, Kind};
use crate::http::{self, AppState};

/// The whole application: API, health check and, if configured, the frontend with a
/// client-side-route fallback to `index.html`.
pub fn app(state: AppState) -> Router {
    let hsts = state.ctx.public_url.starts_with("https://");
    let secure = move |kind: Kind| {
        axum::middleware::map_response(move |res: Response| async move {
            headers::secure(res, kind, hsts)
        })
    };
    let mut router = http::router(&state).layer(secure(Kind::Api));
    if let Some(dir) = &state.static_dir {
        // The form app (dist/ap/) owns a bundle's integrated form /bundles/{id}/apply,
        // the status app (dist/s/) the receipt and status pages, the back office
        // (dist/st/) the /staff desk, one application's page (dist/rv/) /staff/applications/…,
        // the administrator's console (dist/ad/) /staff/admin and
        // the set-password page /staff/password,
        // the scan app (dist/sc/) /scan; the applicant's app (dist/) every other page.
        let assets = match crate::http::assets::Assets::load(dir) {
            Ok(a) => std::sync::Arc::new(a),
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "the built frontend cannot be read");
                std::sync::Arc::new(crate::http::assets::Assets::default())
            }
        };
        // One app's page, whatever the path under its prefix.
        let page = |file: &'static str| -> axum::routing::MethodRouter {
            let assets = assets.clone();
            axum::routing::get(
                move |h: axum::http::HeaderMap| async move { assets.respond(file, &h) },
            )
        };
        let (status_app, staff_app) = (page("s/index.html"), page("st/index.html"));
        let (review_app, scan_app) = (page("rv/index.html"), page("sc/index.html"));
        let (admin_app, form_app) = (page("ad/index.html"), page("ap/index.html"));
        let files: axum::routing::MethodRouter = {
            let assets = assets.clone();
            axum::routing::get(
                move |uri: axum::http::Uri, h: axum::http::HeaderMap| async move {
                    assets.respond(uri.path(), &h)
                },
            )
        };
        // The service worker is looked at again on every visit (a new one takes over at once).
        let worker: Router =
            Router::new()
                .route("/sw.js", page("sw.js"))
                .layer(axum::middleware::map_response(
                    |mut res: Response| async move {
                        let again = axum::http::HeaderValue::from_static("no-cache");
                        res.headers_mut()
                            .insert(axum::http::header::CACHE_CONTROL, again);
                        res
                    },
                ));
        let apps: Router = Router::new()
            .merge(worker)
            .route("/bundles/{id}/apply", form_app)
            .route("/receipt/{*rest}", status_app.clone())
            .route("/status/{*rest}", status_app)
            .route("/staff/admin", admin_app.clone())
            .route("/staff/password", admin_app)
            .route("/staff/applications/{*rest}", review_app)
            .route("/staff", staff_app.clone())
            .route("/staff/{*rest}", staff_app)
            .fallback_service(files)
            .layer(secure(Kind::App));
        let scan = Router::new()
            .route_service("/scan", scan_app)
            .layer(secure(Kind::ScanApp));
        router = router
            .merge(scan)
            .fallback_service(apps)
            .layer(axum::middleware::map_response(http::static_cache));
    }
    let trusted = state.trusted_proxies.clone();
    router
        .with_state(state)
        .layer(DefaultBodyLimit::max(shared::api::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(http::error::localise))
        .layer(CatchPanicLayer::custom(http::error::panicked))
        .layer(axum::middleware::from_fn(move |req, next| {
            http::client::resolve(trusted.clone(), req, next)
        }))
        // The span names the method and the path only: never the query, never a header, so a
        // status token can never reach the log.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
}

/// Serves `app` on `listener` until `shutdown` resolves, finishing requests in flight. Every
/// accepted socket sends at once (`TCP_NODELAY`): an answer written in more than one piece
/// would otherwise wait for the client's delayed acknowledgement, some 40 ms a request.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
