//! The HTTP layer: the route table, and for each route a thin handler — extract, call one
//! service function, answer with its DTO. `extract` holds what handlers take from a request,
//! `error` every error's status and words.

pub mod applicant;
pub mod assets;
pub mod client;
pub mod docs;
pub mod download;
pub mod error;
pub mod extract;
pub mod headers;
pub mod lang;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod public;
pub mod report;
pub mod staff;
mod state;

pub use state::AppState;

use axum::Router;
use axum::http::{Method, header};
use axum::response::Response;
use axum::routing::{MethodRouter, any, delete, get, patch, post, put};
use shared::api::paths as p;

use self::applicant::{applications, drafts, requests, uploads};
use self::error::{AppError, Request};
use self::public::{bundles, results, verify};
use self::staff::{
    accounts, backoffice, credit, events, files, follow_ups, inspection_tasks, jobs, licence,
    oauth, requests as holder, review, sessions, statistics, supervision, webhooks, worklist,
};

/// One route of the API.
pub struct Route {
    pub method: Method,
    /// The path template, from `shared::api::paths`.
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        method,
        path,
        handler,
    }
}

/// Every route of the API, once: the router is built from this list and nothing else (the
/// authorisation matrix test walks it, so a route added here without a row there fails).
pub fn routes(state: &AppState) -> Vec<Route> {
    [
        public_routes(state),
        applicant_routes(state),
        find_routes(state),
        draft_routes(state),
        staff_routes(state),
        client_routes(state),
        supervision_routes(state),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Anyone's: health, metrics, the catalogue, the public pages (rate-limited per client).
fn public_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    let public = || limit(state.limits.clone(), limits::limit_public_pages);
    vec![
        route(M::GET, p::HEALTH, get(openapi::health)),
        route(M::GET, p::READY, get(metrics::ready)),
        route(M::GET, p::METRICS, get(metrics::metrics)),
        route(M::GET, p::OPENAPI, get(openapi::document)),
        route(M::GET, p::DOCS, get(docs::page)),
        route(M::GET, p::DOCS_FILE, get(docs::file)),
        route(M::GET, p::BUNDLES, get(bundles::list)),
        route(M::GET, p::BUNDLE, get(bundles::get)),
        route(M::GET, p::BUNDLE_GUIDE, get(bundles::guide)),
        route(
            M::GET,
            p::NAMES,
            get(public::names::check).route_layer(public()),
        ),
        route(M::GET, p::STATISTICS_PAGE, get(statistics::dashboard)),
        route(M::GET, p::RESULTS, get(results::get).route_layer(public())),
        route(
            M::GET,
            p::RESULTS_PAGE,
            get(results::page).route_layer(public()),
        ),
        route(
            M::GET,
            p::PLAN,
            get(public::supervision::plan).route_layer(public()),
        ),
        route(
            M::GET,
            p::PLAN_PAGE,
            get(public::supervision::page).route_layer(public()),
        ),
        route(M::GET, p::VERIFY, get(verify::page).route_layer(public())),
        route(
            M::GET,
            p::VERIFY_SIGNED,
            get(verify::signed).route_layer(public()),
        ),
        route(
            M::GET,
            p::VERIFY_PRINT,
            get(verify::print).route_layer(public()),
        ),
        route(
            M::GET,
            p::VERIFY_IMAGE,
            get(verify::image).route_layer(public()),
        ),
        route(M::GET, p::KEYS, get(verify::keys)),
        route(M::GET, p::AUDIT_CHECKPOINTS, get(verify::checkpoints)),
    ]
}

/// The applicant's, each authorised by the token it carries: filing, status, documents and
/// their delivery, additions, the application's uploads, holder requests.
fn applicant_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    let submissions = || limit(state.limits.clone(), limits::limit_submissions);
    vec![
        route(
            M::POST,
            p::APPLICATIONS,
            post(applications::create).route_layer(submissions()),
        ),
        route(M::GET, p::APPLICATION, get(applications::status)),
        route(M::GET, p::COUNTER, get(applications::counter)),
        route(M::POST, p::APPLICATION_REPLY, post(applications::reply)),
        route(M::POST, p::APPLICATION_RATING, post(applications::rate)),
        route(M::POST, p::RATING_FORM, post(applications::rate_form)),
        route(
            M::GET,
            p::APPLICATION_DOCUMENT,
            get(applicant::documents::get),
        ),
        route(M::POST, p::DOCUMENT_FORM, post(applicant::documents::form)),
        route(
            M::POST,
            p::APPLICATION_DELIVERIES,
            post(applicant::documents::confirm),
        ),
        route(
            M::GET,
            p::APPLICATION_KNOWN,
            get(applicant::additions::known),
        ),
        route(M::POST, p::ADDITION_FORM, post(applicant::additions::form)),
        route(
            M::POST,
            p::APPLICATION_REQUESTS,
            post(requests::file).route_layer(submissions()),
        ),
        route(
            M::POST,
            p::APPLICATION_FILES,
            post(uploads::announce::<true>),
        ),
        route(M::GET, p::APPLICATION_FILE, get(uploads::state::<true>)),
        route(M::PATCH, p::APPLICATION_FILE, patch(uploads::part::<true>)),
        route(
            M::DELETE,
            p::APPLICATION_FILE,
            delete(uploads::discard::<true>),
        ),
    ]
}

/// Finding an application or the saved drafts again: the number and contact (or the contact),
/// then the code (rate-limited per client like filings).
fn find_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    let submissions = || limit(state.limits.clone(), limits::limit_submissions);
    vec![
        route(M::GET, p::FIND_PAGE, get(applicant::find::page)),
        route(
            M::POST,
            p::FIND_PAGE,
            post(applicant::find::ask).route_layer(submissions()),
        ),
        route(
            M::POST,
            p::FIND_CODE,
            post(applicant::find::code).route_layer(submissions()),
        ),
        route(
            M::POST,
            p::FIND_DRAFTS,
            post(applicant::find::drafts).route_layer(submissions()),
        ),
    ]
}

/// Drafts saved on the server and their uploads, each authorised by the draft's token.
fn draft_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    let submissions = || limit(state.limits.clone(), limits::limit_submissions);
    vec![
        route(
            M::POST,
            p::DRAFTS,
            post(drafts::create).route_layer(submissions()),
        ),
        route(M::GET, p::DRAFT, get(drafts::get)),
        route(M::PUT, p::DRAFT, put(drafts::save)),
        route(M::GET, p::DRAFT_QR, get(drafts::qr)),
        route(M::POST, p::DRAFT_FILES, post(uploads::announce::<false>)),
        route(M::GET, p::DRAFT_FILE, get(uploads::state::<false>)),
        route(M::PATCH, p::DRAFT_FILE, patch(uploads::part::<false>)),
        route(M::DELETE, p::DRAFT_FILE, delete(uploads::discard::<false>)),
    ]
}

/// The back office: sessions, accounts, the window, review, the licence and its documents.
fn staff_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    vec![
        route(
            M::POST,
            p::STAFF_LOGIN,
            post(sessions::login).route_layer(limit(state.limits.clone(), limits::limit_logins)),
        ),
        route(
            M::POST,
            p::STAFF_SET_PASSWORD,
            post(accounts::set_password)
                .route_layer(limit(state.limits.clone(), limits::limit_logins)),
        ),
        route(M::POST, p::STAFF_LOGOUT, post(sessions::logout)),
        route(M::GET, p::STAFF_ME, get(sessions::me)),
        route(M::PUT, p::STAFF_ME_EMAIL, put(sessions::set_email)),
        route(M::POST, p::STAFF_REVOKE_SESSIONS, post(sessions::revoke)),
        route(M::GET, p::STAFF_ACCOUNTS, get(accounts::list)),
        route(M::POST, p::STAFF_ACCOUNTS, post(accounts::create)),
        route(M::PUT, p::STAFF_ACCOUNT, put(accounts::change)),
        route(
            M::POST,
            p::STAFF_PASSWORD_LINK,
            post(accounts::password_link),
        ),
        route(M::GET, p::STAFF_APPLICATION, get(backoffice::application)),
        route(M::POST, p::STAFF_INTAKE, post(backoffice::intake)),
        route(M::GET, p::STAFF_HISTORY, get(backoffice::history)),
        route(M::GET, p::STAFF_DOCUMENT, get(licence::document)),
        route(M::POST, p::STAFF_DELIVERIES, post(licence::delivered)),
        route(M::GET, p::STAFF_ARCHIVE, get(backoffice::archive)),
        route(M::POST, p::STAFF_RECEIVED, post(backoffice::received)),
        route(
            M::POST,
            p::STAFF_OWED_WITHDRAWN,
            post(backoffice::withdraw_owed),
        ),
        route(M::POST, p::STAFF_REVIEW, post(review::act)),
        route(
            M::POST,
            p::STAFF_INSPECTIONS,
            post(review::joint_inspection),
        ),
        route(
            M::POST,
            p::STAFF_INSPECTION_RECORD,
            post(review::record_inspection),
        ),
        route(M::GET, p::STAFF_FILE, get(files::read)),
        route(M::GET, p::STAFF_REQUESTS, get(holder::queue)),
        route(M::POST, p::STAFF_REQUEST, post(holder::decide)),
        route(M::POST, p::STAFF_PERMIT_STATE, post(licence::permit_state)),
        route(M::GET, p::STAFF_CERTIFICATE, get(licence::certificate)),
        route(M::POST, p::STAFF_LICENCE_CHANGES, post(licence::change)),
    ]
}

/// Connected systems: a machine client's token (client credentials, throttled as logins are),
/// the event feed and its webhooks — for staff sessions and client tokens alike.
fn client_routes(state: &AppState) -> Vec<Route> {
    use Method as M;
    use axum::middleware::from_fn_with_state as limit;
    vec![
        route(
            M::POST,
            p::OAUTH_TOKEN,
            post(oauth::token).route_layer(limit(state.limits.clone(), limits::limit_logins)),
        ),
        route(M::GET, p::EVENTS, get(events::feed)),
        route(M::GET, p::WEBHOOKS, get(webhooks::list)),
        route(M::POST, p::WEBHOOKS, post(webhooks::subscribe)),
        route(M::DELETE, p::WEBHOOK, delete(webhooks::remove)),
        route(M::POST, p::WEBHOOK_REDELIVER, post(webhooks::redeliver)),
    ]
}

/// The back office's lists and supervision: worklist, jobs, plans, tasks, follow-ups,
/// statistics, the dishonesty list.
fn supervision_routes(_state: &AppState) -> Vec<Route> {
    use Method as M;
    vec![
        route(M::POST, p::STAFF_DISHONESTY_LIST, post(credit::import)),
        route(M::GET, p::STAFF_JOBS, get(jobs::list)),
        route(M::GET, p::STAFF_WORKLIST, get(worklist::page)),
        route(M::POST, p::STAFF_ASSIGN, post(worklist::assign)),
        route(M::GET, p::STAFF_VIEWS, get(worklist::views)),
        route(M::POST, p::STAFF_VIEWS, post(worklist::save_view)),
        route(M::DELETE, p::STAFF_VIEW, delete(worklist::delete_view)),
        route(M::POST, p::STAFF_JOB_RETRY, post(jobs::retry)),
        route(M::GET, p::STAFF_PLANS, get(supervision::list)),
        route(M::POST, p::STAFF_PLANS, post(supervision::create)),
        route(M::POST, p::STAFF_PLAN_DRAW, post(supervision::draw)),
        route(M::GET, p::STAFF_OBJECTS, get(supervision::objects)),
        route(M::GET, p::STAFF_INSPECTION_ITEMS, get(supervision::items)),
        route(M::GET, p::STAFF_CONFLICTS, get(supervision::conflicts)),
        route(M::POST, p::STAFF_CONFLICTS, post(supervision::declare)),
        route(M::GET, p::STAFF_TASKS, get(inspection_tasks::list)),
        route(M::POST, p::STAFF_TASK, post(inspection_tasks::record)),
        route(
            M::POST,
            p::STAFF_TASK_PHOTOS,
            post(inspection_tasks::add_photo),
        ),
        route(M::GET, p::STAFF_TASK_PHOTO, get(inspection_tasks::photo)),
        route(M::GET, p::STAFF_STATISTICS, get(statistics::get)),
        route(M::GET, p::STAFF_STATISTICS_EXPORT, get(statistics::export)),
        route(M::GET, p::STAFF_FOLLOW_UPS, get(follow_ups::list)),
        route(M::POST, p::STAFF_FOLLOW_UP, post(follow_ups::record)),
    ]
}

/// The API's router (the static frontend is added in `startup::app`): the table, and for any
/// other path under `/api/` the shared error body.
pub fn router(state: &AppState) -> Router<AppState> {
    routes(state)
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .route("/api/{*rest}", any(not_found))
        .route_layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> AppError {
    Request::NoEndpoint.into()
}

async fn method_not_allowed() -> AppError {
    Request::MethodNotAllowed.into()
}

/// Cache policy for the built frontend: Trunk names assets by content hash, so they never change
/// and are cached for a year; everything else (the pages) is revalidated on every visit.
pub async fn static_cache(mut res: Response) -> Response {
    let headers = res.headers_mut();
    if headers.contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let immutable = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            [
                "application/wasm",
                "text/javascript",
                "application/javascript",
                "text/css",
                "image/",
            ]
            .iter()
            .any(|p| t.starts_with(p))
        });
    let policy = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static(policy),
    );
    res
}
