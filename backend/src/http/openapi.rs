//! The OpenAPI document, generated from the handlers and the shared DTOs.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{applications, bundles, changes, materials, review, staff};

#[derive(OpenApi)]
#[openapi(
    info(title = "Lianban 联办 API", description = "证照联办: one integrated form per bundle, parallel approval."),
    paths(bundles::list, bundles::get, bundles::guide, applications::create, applications::status, applications::reply,
        staff::login, staff::logout, staff::me, staff::revoke_sessions,
        review::intake_queue, review::application, review::intake, review::queue, review::review,
        review::joint_inspection, review::record_joint_inspection, review::import_dishonesty_list, review::history, review::permit_state, review::archive,
        changes::file, changes::queue, changes::decide, changes::licence_change,
        materials::create_draft, materials::get_draft, materials::save_draft, materials::announce::<false>,
        materials::upload_state::<false>, materials::part::<false>, materials::discard::<false>, materials::staff_file, materials::received_at_window),
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
