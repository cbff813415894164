//! The OpenAPI document, generated from the handlers and the shared DTOs.

use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

use crate::http::applicant::{additions, applications, documents, drafts, find, requests, uploads};
use crate::http::public::{bundles, names, results, supervision as public_supervision, verify};
use crate::http::staff::{
    accounts, backoffice, credit, events, files, follow_ups, inspection_tasks, jobs, licence,
    oauth, requests as staff_requests, review, sessions, statistics, supervision, webhooks,
    worklist,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Lianban 联办 API", description = "证照联办: one integrated form per bundle, parallel approval."),
    paths(bundles::list, bundles::get, bundles::guide, names::check, applications::create, applications::counter, applications::status, applications::reply,
        sessions::login, oauth::token, events::feed, webhooks::list, webhooks::subscribe, webhooks::remove, webhooks::redeliver, sessions::logout, sessions::me, sessions::set_email, sessions::revoke,
        accounts::list, accounts::create, accounts::change, accounts::password_link, accounts::set_password,
        backoffice::application, backoffice::intake, review::act,
        review::joint_inspection, review::record_inspection, credit::import, backoffice::history, licence::permit_state, backoffice::archive,
        requests::file, staff_requests::queue, staff_requests::decide, licence::change,
        drafts::create, drafts::get, drafts::save, drafts::qr, uploads::announce::<false>,
        uploads::state::<false>, uploads::part::<false>, uploads::discard::<false>, files::read, backoffice::received, backoffice::withdraw_owed,
        verify::page, verify::signed, verify::print, verify::image, verify::keys, verify::checkpoints,
        jobs::list, jobs::retry, worklist::page, worklist::assign, worklist::views, worklist::save_view,
        worklist::delete_view, supervision::list, supervision::create, supervision::draw,
        supervision::objects, supervision::items, supervision::conflicts, supervision::declare, follow_ups::list, follow_ups::record,
        inspection_tasks::list, inspection_tasks::record, inspection_tasks::add_photo,
        inspection_tasks::photo, applications::rate, applications::rate_form, documents::get, documents::form, documents::confirm, additions::known, additions::form, find::page, find::ask, find::code, find::drafts, licence::certificate, licence::document, licence::delivered, statistics::get, statistics::export,
        statistics::dashboard, results::get, results::page,
        public_supervision::plan, public_supervision::page, health, document, crate::http::metrics::metrics, crate::http::metrics::ready),
    modifiers(&StatusToken, &ApplicationFiles),
    tags((name = "catalogue", description = "Bundles and their integrated forms"),
         (name = "applications", description = "Filing and following applications"),
         (name = "staff", description = "The back office: login, intake, department review (session cookie, or a machine client's access token as bearer)"),
         (name = "clients", description = "Machine clients: a department's own system takes an access token with the OAuth 2.0 client-credentials grant and uses the staff API as a reviewer of its department; the event feed (CloudEvents) follows its items"),
         (name = "supervision", description = "Supervision after approval: inspection plans (双随机、一公开) made, drawn and published so anyone can recompute the draw; the objects database with risk classes; follow-ups of approvals by commitment"),
         (name = "statistics", description = "The bureau's own measurement by the plan's definitions: per item, department, bundle and month, the overdue list, refusals, ratings; exports; the dashboard; the public results"),
         (name = "licence", description = "The public licence: its verify page, QR codes, signed document, the seal's keys and the audit log's checkpoints"))
)]
pub struct ApiDoc;

struct StatusToken;

impl Modify for StatusToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "status_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // A machine client's name and secret at the token endpoint, and the token it gets.
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
        let flow = ClientCredentials::new("/api/oauth/token", Scopes::new());
        components.add_security_scheme(
            "client_credentials",
            SecurityScheme::OAuth2(OAuth2::new([Flow::ClientCredentials(flow)])),
        );
    }
}

/// An application's files take the same protocol as a draft's (`uploads`, one handler for
/// both): the draft's paths, again under `/api/applications/{number}/files…`.
struct ApplicationFiles;

impl Modify for ApplicationFiles {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let copies: Vec<(String, utoipa::openapi::PathItem)> = openapi
            .paths
            .paths
            .iter()
            .filter(|(path, _)| path.starts_with("/api/drafts/{id}/files"))
            .map(|(path, item)| {
                let json = serde_json::to_string(item).unwrap_or_default();
                let renamed = json.replace("\"name\":\"id\"", "\"name\":\"number\"");
                let item = serde_json::from_str(&renamed).unwrap_or_else(|_| item.clone());
                let path = path.replace("/api/drafts/{id}", "/api/applications/{number}");
                (path, item)
            })
            .collect();
        openapi.paths.paths.extend(copies);
    }
}

/// `GET /healthz`: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "catalogue",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "catalogue",
    responses((status = 200, description = "The OpenAPI document")))]
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
