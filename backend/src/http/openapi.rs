//! The OpenAPI document, generated from the handlers and the shared DTOs.

use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes,
    SecurityRequirement, SecurityScheme,
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
        public_supervision::plan, public_supervision::page, health, document, crate::http::docs::page, crate::http::docs::file, crate::http::metrics::metrics, crate::http::metrics::ready),
    modifiers(&StatusToken, &StaffSecurity, &ApplicationFiles, &ErrorBodies, &UniqueOperationIds),
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

/// The staff API — the back office's routes, the event feed, webhooks — opens to a person's
/// session (the `lianban_staff` cookie the login sets) or a machine client's access token:
/// each operation says so, so that Swagger UI's "Authorize" takes a client's id and secret,
/// gets a token from `/api/oauth/token` and sends it. Not the login itself, nor the password
/// link (its own token in the body).
struct StaffSecurity;

impl Modify for StaffSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use shared::api::paths as p;
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "staff_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::extract::COOKIE,
            ))),
        );
        let staff_api = |path: &str| {
            let staff = path.starts_with("/api/staff/")
                && path != p::STAFF_LOGIN
                && path != p::STAFF_SET_PASSWORD;
            staff || path == p::EVENTS || path.starts_with(p::WEBHOOKS)
        };
        for (path, _, op) in operations(openapi) {
            if staff_api(path) {
                op.security = Some(vec![
                    SecurityRequirement::new("staff_session", Vec::<String>::new()),
                    SecurityRequirement::new("client_credentials", Vec::<String>::new()),
                ]);
            }
        }
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

/// Every refusal of the JSON API is an `ErrorBody` (`AppError` writes no other): each documented
/// error of an `/api/` operation without a body of its own gets it, and each operation a
/// `default` answer for the errors any route may give (a malformed or too large body, too many
/// requests, a busy or failing server) — so a client, and schemathesis, know every error's
/// shape. Not the token endpoint: its errors are OAuth 2.0's own (RFC 6749 §5.2), documented
/// there; not `HEAD`, whose answers have no body.
struct ErrorBodies;

impl Modify for ErrorBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error_body = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        for (path, method, op) in operations(openapi) {
            let json_api = path.starts_with("/api/") && path != shared::api::paths::OAUTH_TOKEN;
            if !json_api || method == "head" {
                continue;
            }
            let responses = &mut op.responses.responses;
            for (status, response) in responses.iter_mut() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let (true, RefOr::T(r)) = (is_error, response)
                    && r.content.is_empty()
                {
                    r.content
                        .insert("application/json".into(), RefOr::T(error_body()));
                }
            }
            responses.entry("default".into()).or_insert_with(|| {
                ResponseBuilder::new()
                    .description("Any other refusal or failure, said in the request's language")
                    .content("application/json", error_body())
                    .build()
                    .into()
            });
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .entry("ErrorBody".into())
            .or_insert_with(<shared::error::ErrorBody as utoipa::PartialSchema>::schema);
    }
}

/// An operation's id is its handler's name, which several modules share (`list`, `create`,
/// `page`…); OpenAPI wants each unique (code generators name functions by it, Swagger UI
/// elements). A shared one is qualified by its path's fixed segments: `list_bundles`,
/// `list_staff_accounts`, `announce_drafts_files`, `announce_applications_files`.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut uses = std::collections::HashMap::<String, usize>::new();
        for (_, _, op) in operations(openapi) {
            *uses
                .entry(op.operation_id.clone().unwrap_or_default())
                .or_default() += 1;
        }
        for (path, _, op) in operations(openapi) {
            let Some(id) = op.operation_id.as_mut().filter(|id| uses[id.as_str()] > 1) else {
                continue;
            };
            let fixed: Vec<String> = path
                .split('/')
                .filter(|s| !s.is_empty() && *s != "api" && !s.starts_with('{'))
                .map(|s| s.replace(['-', '.'], "_"))
                .collect();
            *id = format!("{id}_{}", fixed.join("_"));
        }
    }
}

/// Every operation of the document, with its path and method.
fn operations(
    openapi: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&String, &'static str, &mut utoipa::openapi::path::Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
            ("head", &mut item.head),
        ]
        .into_iter()
        .filter_map(|(method, op)| Some((method, op.as_mut()?)))
        .map(move |(method, op)| (path, method, op))
    })
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
