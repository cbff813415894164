//! The security headers of every answer. Each kind of answer has its Content Security Policy:
//! the API's JSON and everything else may load nothing and be framed by nobody; an app's page
//! runs its own scripts and wasm only (no inline script, no `eval`); a server-rendered public
//! page sets its own (its one style block by hash); a material's file is sandboxed. Only the scan
//! page may ask for the camera. HSTS once the public address is `https`.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;

/// Anything that does not say otherwise: JSON, errors, images.
pub const NOTHING: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The browser apps (applicant, status, back office, scan): their own scripts, wasm, styles and
/// images; calls to their own origin; the back office previews a material in a frame of its own
/// origin (the file itself is sandboxed, `FILE`).
pub const APP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A material's file as staff open it: sandboxed (no script, no same-origin), even if a crafted
/// file were taken for a document. Only the back office may frame it.
pub const FILE: &str = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/// A server-rendered public page: no script at all; its one style block, by hash.
pub fn public_page(style_sha256_b64: &str) -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{style_sha256_b64}'; img-src 'self'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// Features a page may use: none, but the camera on the scan page.
const NO_FEATURES: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
const CAMERA: &str =
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// Which page an answer is, for its policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Api,
    App,
    ScanApp,
}

fn set_if_absent(h: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !h.contains_key(&name) {
        h.insert(name, HeaderValue::from_static(value));
    }
}

/// Adds the headers an answer of `kind` lacks; `hsts` when served over https.
pub fn secure(mut res: Response, kind: Kind, hsts: bool) -> Response {
    let h = res.headers_mut();
    // By route, not by content type: a 304 carries none, and the browser keeps the headers
    // of a 304 for the page it revalidated.
    let csp = match kind {
        Kind::App | Kind::ScanApp => APP,
        Kind::Api => NOTHING,
    };
    set_if_absent(h, header::CONTENT_SECURITY_POLICY, csp);
    set_if_absent(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_if_absent(h, header::REFERRER_POLICY, "no-referrer");
    set_if_absent(h, header::X_FRAME_OPTIONS, "DENY");
    set_if_absent(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    let features = if kind == Kind::ScanApp {
        CAMERA
    } else {
        NO_FEATURES
    };
    set_if_absent(h, HeaderName::from_static("permissions-policy"), features);
    if hsts {
        set_if_absent(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    fn html() -> Response {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], "<p>").into_response()
    }

    #[test]
    fn each_kind_of_answer_gets_its_policy_and_none_is_overwritten() {
        let res = secure(html(), Kind::App, false);
        assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], APP);
        assert!(
            !res.headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
        assert!(
            res.headers()["permissions-policy"]
                .to_str()
                .expect("ascii")
                .starts_with("camera=()")
        );
        let res = secure(html(), Kind::ScanApp, true);
        assert!(
            res.headers()["permissions-policy"]
                .to_str()
                .expect("ascii")
                .starts_with("camera=(self)")
        );
        assert!(
            res.headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
        let json = secure("{}".into_response(), Kind::Api, false);
        assert_eq!(json.headers()[header::CONTENT_SECURITY_POLICY], NOTHING);
        let revalidated = secure(
            axum::http::StatusCode::NOT_MODIFIED.into_response(),
            Kind::App,
            false,
        );
        assert_eq!(revalidated.headers()[header::CONTENT_SECURITY_POLICY], APP);
        let mut own = html();
        own.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FILE),
        );
        let res = secure(own, Kind::Api, false);
        assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], FILE);
        assert!(!APP.contains("unsafe-inline") && !APP.contains("'unsafe-eval'"));
    }
}
