//! The OpenAPI document, generated from the handlers and the shared DTOs.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::applicant::{applications, drafts, requests, uploads};
use crate::http::public::bundles;
use crate::http::staff::{
    backoffice, credit, files, licence, requests as staff_requests, review, sessions,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Lianban 联办 API", description = "证照联办: one integrated form per bundle, parallel approval."),
    paths(bundles::list, bundles::get, bundles::guide, applications::create, applications::status, applications::reply,
        sessions::login, sessions::logout, sessions::me, sessions::revoke,
        backoffice::intake_queue, backoffice::application, backoffice::intake, backoffice::queue, review::act,
        review::joint_inspection, review::record_inspection, credit::import, backoffice::history, licence::permit_state, backoffice::archive,
        requests::file, staff_requests::queue, staff_requests::decide, licence::change,
        drafts::create, drafts::get, drafts::save, uploads::announce::<false>,
        uploads::state::<false>, uploads::part::<false>, uploads::discard::<false>, files::read, backoffice::received),
    modifiers(&StatusToken),
    tags((name = "catalogue", description = "Bundles and their integrated forms"),
         (name = "applications", description = "Filing and following applications"),
         (name = "staff", description = "The back office: login, intake, department review (session cookie)"))
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
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
