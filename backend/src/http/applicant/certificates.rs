//! A permit's electronic certificate, downloaded by its holder with the status token: from the
//! API, or from the status page's plain form (the token a form field, so that it is never in an
//! address).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::http::download;
use crate::http::error::AppError;
use crate::http::extract::{Bearer, ReqLang};
use crate::service::{Ctx, documents};

fn pdf(d: documents::Document) -> Result<Response, AppError> {
    Ok(download::file(
        d.bytes.into(),
        "application/pdf",
        &d.title,
        false,
    )?)
}

/// The certificate of a permit of the licence the application brought into being, as a PDF
/// sealed by the bureau (its QR opens the live page; `lianban certificate verify` checks it).
#[utoipa::path(get, path = "/api/applications/{number}/permits/{id}/certificate", tag = "applications",
    params(("number" = String, Path), ("id" = i64, Path)),
    security(("status_token" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed certificate"),
        (status = 401), (status = 404, description = "No such permit of this application's licence"),
        (status = 409, description = "The permit is not in force")))]
pub async fn get(
    State(ctx): State<Ctx>,
    Path((number, id)): Path<(String, i64)>,
    token: Bearer,
) -> Result<Response, AppError> {
    pdf(documents::applicant_certificate(&ctx, &number, token.as_deref(), id).await?)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// The application's private token.
    token: String,
}

/// The same certificate from the status page's form (`application/x-www-form-urlencoded`).
#[utoipa::path(post, path = "/status/{number}/permits/{id}/certificate", tag = "applications",
    params(("number" = String, Path), ("id" = i64, Path)),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed certificate"),
        (status = 401, content_type = "text/html", body = String),
        (status = 404, content_type = "text/html", body = String),
        (status = 409, content_type = "text/html", body = String, description = "The permit is not in force")))]
pub async fn form(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path((number, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let form: Option<TokenForm> = serde_urlencoded::from_bytes(&body).ok();
    let token = form.as_ref().map(|f| f.token.as_str());
    match documents::applicant_certificate(&ctx, &number, token, id).await {
        Ok(d) => pdf(d),
        Err(e) => {
            let e = AppError::from(e);
            let Some((status, message)) = e.in_words(lang) else {
                return Err(e);
            };
            let back = shared::api::status_page(&number, token.unwrap_or(""));
            let page = crate::http::report::pages::refused_certificate(&message, &back, lang);
            Ok(crate::http::public::page::html(status, page))
        }
    }
}
