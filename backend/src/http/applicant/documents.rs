//! An application's sealed documents — the formal notices and each permit's certificate —
//! downloaded by the applicant with the status token: from the API, or from the status page's
//! plain form (the token a form field, so that it is never in an address).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use shared::api::{ApplicationStatus, ReceiptRequest};

use crate::http::download;
use crate::http::error::AppError;
use crate::http::extract::{Bearer, Json, Path, ReqLang};
use crate::service::{Ctx, delivery, documents};

fn pdf(d: documents::Document) -> Result<Response, AppError> {
    Ok(download::pdf(&d.title, d.bytes)?)
}

/// One of the application's documents as a PDF sealed by the bureau (`lianban certificate
/// verify` checks it offline): `acceptance` (受理通知书), `correction` (一次性补正告知书),
/// `refusal-<item>` (不予许可决定书), `certificate-<permit id>` (the permit's electronic
/// certificate while it is in force; its QR opens the live page).
#[utoipa::path(get, path = "/api/applications/{number}/documents/{document}", tag = "applications",
    params(("number" = String, Path), ("document" = String, Path, description = "`acceptance`, `correction`, `refusal-<item>` or `certificate-<permit id>`")),
    security(("status_token" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed document"),
        (status = 401), (status = 404, description = "No such application, or no such document of it (yet)")))]
pub async fn get(
    State(ctx): State<Ctx>,
    Path((number, document)): Path<(String, String)>,
    token: Bearer,
) -> Result<Response, AppError> {
    pdf(documents::applicant_document(&ctx, &number, token.as_deref(), &document).await?)
}

/// The applicant confirms receipt of a decision (送达): a permit's certificate or a refusal,
/// once each.
#[utoipa::path(post, path = "/api/applications/{number}/deliveries", tag = "applications",
    params(("number" = String, Path)), request_body = ReceiptRequest, security(("status_token" = [])),
    responses((status = 200, body = ApplicationStatus), (status = 401),
        (status = 404, description = "No such application, or no such decision of it"),
        (status = 409, description = "Delivered already")))]
pub async fn confirm(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    token: Bearer,
    Json(req): Json<ReceiptRequest>,
) -> Result<Json<ApplicationStatus>, AppError> {
    Ok(Json(
        delivery::confirm(&ctx, &number, token.as_deref(), &req).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// The application's private token.
    token: String,
    /// `1`: not the file — the applicant confirms they received it (送达), and is sent back to
    /// the status page.
    #[serde(default)]
    receipt: Option<String>,
}

/// The same document from the status page's form (`application/x-www-form-urlencoded`), or,
/// with `receipt=1`, its receipt confirmed (back to the status page, 303); refused, a page
/// saying why with the way back.
#[utoipa::path(post, path = "/status/{number}/documents/{document}", tag = "applications",
    params(("number" = String, Path), ("document" = String, Path)),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The sealed document"),
        (status = 303, description = "Receipt confirmed: back to the status page"),
        (status = 401, content_type = "text/html", body = String),
        (status = 404, content_type = "text/html", body = String),
        (status = 409, content_type = "text/html", body = String)))]
pub async fn form(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path((number, document)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let form: Option<TokenForm> = serde_urlencoded::from_bytes(&body).ok();
    let token = form.as_ref().map(|f| f.token.as_str());
    let back = shared::api::status_page(&number, token.unwrap_or(""));
    let outcome = match form.as_ref().and_then(|f| f.receipt.as_deref()) {
        Some("1") => {
            let req = ReceiptRequest { document };
            delivery::confirm(&ctx, &number, token, &req)
                .await
                .map(|_| axum::response::Redirect::to(&back).into_response())
        }
        _ => documents::applicant_document(&ctx, &number, token, &document)
            .await
            .map(|d| pdf(d).unwrap_or_else(IntoResponse::into_response)),
    };
    match outcome {
        Ok(res) => Ok(res),
        Err(e) => {
            let e = AppError::from(e);
            let Some((status, message)) = e.in_words(lang) else {
                return Err(e);
            };
            let page = crate::http::report::pages::refused_certificate(&message, &back, lang);
            Ok(crate::http::public::page::html(status, page))
        }
    }
}
