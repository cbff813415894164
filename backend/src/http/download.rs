//! Files handed out to download or view: a material's file, a sealed certificate.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A file with its type, name and the headers that keep it inert: never cached, never
/// sniffed, in a sandbox; shown in the browser (`inline`) or downloaded.
pub fn file(
    bytes: axum::body::Body,
    content_type: &str,
    name: &str,
    inline: bool,
) -> anyhow::Result<Response> {
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(name),
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type)?);
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

/// A sealed PDF document (a certificate, a notice) as a download.
pub fn pdf(title: &str, bytes: Vec<u8>) -> anyhow::Result<Response> {
    file(bytes.into(), "application/pdf", title, false)
}
