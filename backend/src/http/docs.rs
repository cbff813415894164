//! `GET /api/docs`: the API's reference — this server's OpenAPI document (`/api/openapi.json`)
//! in Swagger UI, which is built into the binary (`utoipa-swagger-ui`'s vendored copy: no CDN,
//! nothing fetched at build or at run time). Our own page around it (its title, language and
//! landmarks), a stylesheet that mends Swagger UI's colours to WCAG AA contrast and a script
//! that names its buttons for screen readers; everything else is the crate's file. Its own
//! Content Security Policy: scripts from here only.

use std::sync::{Arc, LazyLock};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::paths as p;
use utoipa_swagger_ui::Config;

use super::error::{AppError, Request};
use crate::http::extract::Path;

/// Swagger UI's scripts and stylesheets from this origin; React sets `style` attributes (so
/// `'unsafe-inline'` for styles, never for scripts); its icons are `data:` images; it calls the
/// API here ("Try it out").
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

/// The page: Swagger UI's stylesheet, then ours, then its scripts, the initializer the crate
/// writes from [`CONFIG`], and ours.
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lianban 联办 API reference</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/lianban.css">
</head>
<body>
<header class="lianban-docs"><p><span lang="zh-CN">联办接口文档（Swagger UI 为英文界面）·</span>
Lianban API reference · the document itself: <a href="/api/openapi.json">/api/openapi.json</a>
(OpenAPI 3.1)</p></header>
<main id="swagger-ui"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/swagger-initializer.js"></script>
<script src="/api/docs/lianban.js"></script>
</body>
</html>
"#;

/// Our mends to Swagger UI's look: contrast (its greys and method colours on white fall short
/// of 4.5:1) and our header line.
const STYLE: &str = include_str!("docs.css");
/// Our mends to its markup: names for its icon-only buttons, its visible word in a button's
/// name, scrolling code blocks reachable from the keyboard.
const SCRIPT: &str = include_str!("docs.js");

/// What the initializer is written from: our document, Swagger UI's base layout (no top bar
/// asking for another document's address), the page's `main` element.
static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new([p::OPENAPI])
            .use_base_layout()
            .dom_id("#swagger-ui")
            .deep_linking(false)
            .display_request_duration(true)
            // Not the public validator's badge (it would load an image from swagger.io).
            .validator_url("none"),
    )
});

/// Swagger UI's file, as the crate keeps it (gzipped, all but the initializer): gzipped to a
/// client that takes gzip (every browser: 1.5 MB of script goes as 0.4 MB), unpacked for one
/// that does not.
fn swagger_file(f: utoipa_swagger_ui::SwaggerFile<'_>, headers: &HeaderMap) -> Response {
    if !f.gzpipped {
        return answer(&f.content_type, f.bytes.into_owned());
    }
    let mut res = if super::assets::accepts(headers, "gzip") {
        let mut res = answer(&f.content_type, f.bytes.into_owned());
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        res
    } else {
        let mut plain = Vec::new();
        let unpacked = std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(f.bytes.as_ref()),
            &mut plain,
        );
        if let Err(e) = unpacked {
            return AppError::from(anyhow::anyhow!("Swagger UI's file: {e}")).into_response();
        }
        answer(&f.content_type, plain)
    };
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

fn answer(content_type: &str, body: impl Into<axum::body::Body>) -> Response {
    let mut res = (StatusCode::OK, body.into()).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

/// `GET /api/docs`: the reference page.
#[utoipa::path(get, path = "/api/docs", tag = "catalogue",
    responses((status = 200, description = "Swagger UI on this server's OpenAPI document", content_type = "text/html")))]
pub async fn page() -> Response {
    answer("text/html; charset=utf-8", PAGE)
}

/// `GET /api/docs/{file}`: the page's files (Swagger UI's, and our stylesheet and script).
#[utoipa::path(get, path = "/api/docs/{file}", tag = "catalogue",
    params(("file" = String, Path, description = "One of Swagger UI's files, or `lianban.css`, `lianban.js`")),
    responses(
        (status = 200, description = "The file (script, stylesheet, image)"),
        (status = 404, description = "No such file", body = shared::error::ErrorBody)))]
pub async fn file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match name.as_str() {
        "lianban.css" => return answer("text/css; charset=utf-8", STYLE),
        "lianban.js" => return answer("text/javascript; charset=utf-8", SCRIPT),
        _ => {}
    }
    // The crate answers its index for an empty name; ours is the page above.
    let found = (!name.is_empty() && name != "index.html")
        .then(|| utoipa_swagger_ui::serve(&name, CONFIG.clone()));
    match found {
        Some(Ok(Some(f))) => swagger_file(f, &headers),
        Some(Err(e)) => AppError::from(anyhow::anyhow!("Swagger UI's {name}: {e}")).into_response(),
        _ => AppError::from(Request::NoEndpoint).into_response(),
    }
}
