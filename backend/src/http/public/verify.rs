//! The public licence routes the licence's QR code leads to: the verify page (live: kept in
//! memory only until the licence's rows change, never cached by a browser), its QR images, the licence signed by the seal, the offline snapshot, the printable
//! licence, the published keys. An unknown or malformed token gets the same 404 page.

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::Lang;
use shared::error::ErrorBody;
use shared::snapshot::{PublishedKeys, SignedLicence};

use super::page::{self, html};
use crate::http::error::AppError;
use crate::http::extract::{Path, ReqLang};
use crate::service::licence::{self, KeptPage, Public};
use crate::service::{Ctx, inspection_tasks, views};

fn not_found(lang: Lang) -> Response {
    html(StatusCode::NOT_FOUND, page::not_found(lang))
}

/// The licence page, with `extra` appended to the body and `style` to the style.
async fn licence_page(
    ctx: &Ctx,
    l: &Public,
    lang: Lang,
    extra: &str,
    style: &str,
) -> Result<page::Page, AppError> {
    let changes = licence::changes(ctx, &l.enterprise).await?;
    let in_progress = licence::in_progress(ctx, &l.enterprise).await?;
    let shown = page::Licence {
        enterprise: &l.enterprise,
        permits: &l.permits,
        in_progress: &in_progress,
        changes: &changes,
    };
    let body = page::licence(&shown, &ctx.catalogue, &views::today_text(), lang);
    Ok(page::document(
        lang,
        &l.enterprise.name,
        &format!("{body}{extra}"),
        style,
    ))
}

/// `GET /v/{token}`: the public verify page.
#[utoipa::path(get, path = "/v/{token}", tag = "licence",
    params(("token" = String, Path, description = "The licence's public token (its QR)")),
    responses((status = 200, content_type = "text/html", body = String, description = "The licence, every permit and the change history"),
        (status = 404, content_type = "text/html", body = String, description = "No such licence"),
        (status = 429, body = ErrorBody, description = "Too many pages from this client")))]
pub async fn page(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    static CSP: LazyLock<String> = LazyLock::new(|| page::csp(""));
    let ticket = match licence::kept_page(&ctx, &token, lang) {
        KeptPage::Kept(body) => return Ok(page::html_body(StatusCode::OK, body.into(), &CSP)),
        KeptPage::Render(ticket) => ticket,
    };
    let Some(l) = licence::public(&ctx, &token).await? else {
        return Ok(not_found(lang));
    };
    let results = inspection_tasks::published_of(&ctx, l.enterprise.id).await?;
    let extra = page::inspections(&results, lang);
    let rendered = licence_page(&ctx, &l, lang, &extra, "").await?;
    let body = bytes::Bytes::from(rendered.html);
    licence::keep_page(&ctx, ticket, l.enterprise.id, body.clone());
    Ok(page::html_body(StatusCode::OK, body.into(), &rendered.csp))
}

/// `GET /v/{token}/qr.svg|qr.png`: the code printed on the licence (the page's address);
/// `snapshot.svg|snapshot.png`: the signed snapshot checked offline.
#[utoipa::path(get, path = "/v/{token}/{file}", tag = "licence",
    params(("token" = String, Path), ("file" = String, Path, description = "`qr.svg`, `qr.png`, `snapshot.svg` or `snapshot.png`")),
    responses((status = 200, description = "The QR code, SVG or PNG by the file name",
            content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 404, content_type = "text/html", body = String, description = "No such licence or image"),
        (status = 429, body = ErrorBody)))]
pub async fn image(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path((token, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let Some(l) = licence::public(&ctx, &token).await? else {
        return Ok(not_found(lang));
    };
    let (text, format) = match file.split_once('.') {
        Some(("qr", format)) => (ctx.verify_url(&token), format),
        Some(("snapshot", format)) => (licence::snapshot(&ctx, &l), format),
        _ => return Ok(not_found(lang)),
    };
    let code = crate::qr::code(&text)?;
    let (content_type, bytes) = match format {
        "svg" => ("image/svg+xml", crate::qr::svg(&code, 240).into_bytes()),
        "png" => ("image/png", crate::qr::png(&code, 240)?),
        _ => return Ok(not_found(lang)),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(res)
}

/// `GET /v/{token}/licence.json`: the licence and its permits now, signed with the bureau's
/// seal: `{document, kid, signature}`, the signature over the exact bytes of `document`.
#[utoipa::path(get, path = "/v/{token}/licence.json", tag = "licence",
    params(("token" = String, Path)),
    responses((status = 200, body = SignedLicence),
        (status = 404, content_type = "text/html", body = String, description = "No such licence"),
        (status = 429, body = ErrorBody)))]
pub async fn signed(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(l) = licence::public(&ctx, &token).await? else {
        return Ok(not_found(lang));
    };
    let (document, kid, signature) = licence::signed(&ctx, &l);
    let body = serde_json::json!({ "document": document, "kid": kid, "signature": signature });
    let mut res = axum::Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /.well-known/lianban-audit-checkpoints.json`: the audit log's newest signed checkpoints
/// (entry number, hash, time; the seal's signature for this purpose), for anyone to keep a
/// copy: a log rebuilt later no longer matches them.
#[utoipa::path(get, path = "/.well-known/lianban-audit-checkpoints.json", tag = "licence",
    responses((status = 200, body = PublishedCheckpoints)))]
pub async fn checkpoints(State(ctx): State<Ctx>) -> Result<Response, AppError> {
    let newest = crate::service::audit::newest_checkpoints(&ctx, 100).await?;
    let published = PublishedCheckpoints {
        checkpoints: newest
            .into_iter()
            .map(|s| PublishedCheckpoint {
                checkpoint: s.checkpoint,
                kid: s.kid,
                signature: s.signature,
            })
            .collect(),
    };
    let mut res = axum::Json(published).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// The audit log's newest checkpoints as published.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublishedCheckpoints {
    pub checkpoints: Vec<PublishedCheckpoint>,
}

/// One checkpoint: its JSON (`{"seq", "hash", "at"}`, these exact bytes signed) and the seal's
/// signature for the purpose `lianban/audit-checkpoint/v1`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublishedCheckpoint {
    pub checkpoint: String,
    pub kid: String,
    pub signature: String,
}

/// `GET /.well-known/lianban-keys.json`: every public key of the seal, old ones included.
#[utoipa::path(get, path = "/.well-known/lianban-keys.json", tag = "licence",
    responses((status = 200, body = PublishedKeys)))]
pub async fn keys(State(ctx): State<Ctx>) -> axum::Json<PublishedKeys> {
    axum::Json(PublishedKeys {
        keys: ctx.seal.public_keys().to_vec(),
    })
}

/// `GET /v/{token}/print`: the licence on A4 — facts, every permit (one comprehensive licence),
/// the QR and the electronic seal.
#[utoipa::path(get, path = "/v/{token}/print", tag = "licence",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String, description = "The printable licence"),
        (status = 404, content_type = "text/html", body = String, description = "No such licence"),
        (status = 429, body = ErrorBody)))]
pub async fn print(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(l) = licence::public(&ctx, &token).await? else {
        return Ok(not_found(lang));
    };
    let seal = page::seal_block(
        &crate::qr::svg(&crate::qr::code(&ctx.verify_url(&token))?, 160),
        &crate::qr::svg(&crate::qr::code(&licence::snapshot(&ctx, &l))?, 160),
        ctx.seal.kid(),
        lang,
    );
    let html_page = licence_page(&ctx, &l, lang, &seal, page::PRINT_STYLE).await?;
    Ok(html(StatusCode::OK, html_page))
}
