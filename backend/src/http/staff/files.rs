//! A material's file, read by staff: shown in the page (preview) or downloaded.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::http::error::AppError;
use crate::http::extract::Staff;
use crate::service::{Ctx, materials};

#[derive(serde::Deserialize)]
pub struct ReadQuery {
    /// `inline` shows it in the browser (preview); anything else downloads it.
    #[serde(default)]
    disposition: Option<String>,
}

/// A file of an application, for staff whose department has an item needing its material (the
/// window and administrators: every file). Anyone else gets 404. Every read is audited.
#[utoipa::path(get, path = "/api/staff/files/{id}", tag = "staff",
    params(("id" = String, Path), ("disposition" = Option<String>, Query)),
    responses((status = 200, description = "The file"), (status = 401), (status = 404)))]
pub async fn read(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, AppError> {
    let inline = q.disposition.as_deref() == Some("inline");
    let file = materials::staff_read(&ctx, &s.staff, &id, inline).await?;
    Ok(answer(file, inline)?)
}

/// The file with its type, name and the headers that keep it inert: never cached, never
/// sniffed, in a sandbox.
fn answer(file: materials::Read, inline: bool) -> anyhow::Result<Response> {
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(&file.name),
        percent_encoding::utf8_percent_encode(&file.name, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut res = file.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Whatever the bytes are taken for, nothing in them runs with the back office's origin:
    // the answer is a sandbox of its own (Chromium's PDF viewer still shows a PDF in it, which
    // a `sandbox` attribute on the frame would block), framed only by the back office.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::http::headers::FILE),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(res)
}

/// The name in plain ASCII, for clients that do not read `filename*`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
