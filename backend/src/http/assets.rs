//! The built frontend (`dist/`), read into memory when the server starts: every file with its
//! type, its brotli twin (`*.br`, sent to a client that accepts it) and an `ETag` (a request
//! whose `If-None-Match` names it gets 304). A path that names no file gets the app's page
//! (client-side routes). Nothing is read from the disk per request; a rebuilt frontend is
//! served from the next start.

use std::collections::HashMap;
use std::path::Path;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

struct Asset {
    content_type: &'static str,
    raw: Bytes,
    br: Option<Bytes>,
    etag: HeaderValue,
}

/// Every file of the built frontend, by its path under the folder (`s/index.html`).
#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assets")
            .field("files", &self.files.len())
            .finish()
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read(&path)?));
        }
    }
    Ok(())
}

impl Assets {
    /// Reads every file under `dir` (none if it does not exist).
    pub fn load(dir: &Path) -> std::io::Result<Assets> {
        use sha2::Digest;
        let mut read = Vec::new();
        if dir.is_dir() {
            walk(dir, dir, &mut read)?;
        }
        let mut br: HashMap<String, Vec<u8>> = HashMap::new();
        let mut plain = Vec::new();
        for (path, bytes) in read {
            match path.strip_suffix(".br") {
                Some(source) => {
                    br.insert(source.to_string(), bytes);
                }
                None => plain.push((path, bytes)),
            }
        }
        let files = plain
            .into_iter()
            .map(|(path, bytes)| {
                let digest = sha2::Sha256::digest(&bytes);
                let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                let asset = Asset {
                    content_type: content_type(&path),
                    br: br.remove(&path).map(Bytes::from),
                    raw: Bytes::from(bytes),
                    etag: HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex"),
                };
                (path, asset)
            })
            .collect();
        Ok(Assets { files })
    }

    /// Is there a file at `path`?
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The file at `path` (a folder's `index.html`; the applicant's app page for a path that
    /// names nothing), as the request's headers ask for it.
    pub fn respond(&self, path: &str, request: &HeaderMap) -> Response {
        let path = path.trim_start_matches('/');
        let folder_index = format!("{path}index.html");
        let asset = self
            .files
            .get(path)
            .or_else(|| {
                (path.is_empty() || path.ends_with('/'))
                    .then(|| self.files.get(&folder_index))
                    .flatten()
            })
            .or_else(|| self.files.get("index.html"));
        let Some(asset) = asset else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == asset.etag)
            });
        let (body, encoded) = match (&asset.br, accepts(request, "br")) {
            (Some(br), true) => (br.clone(), true),
            _ => (asset.raw.clone(), false),
        };
        let mut res = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            body.into_response()
        };
        let h = res.headers_mut();
        h.insert(header::ETAG, asset.etag.clone());
        if !fresh {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            );
            if encoded {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
        }
        if asset.br.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        res
    }
}

/// Whether the request's `Accept-Encoding` takes `coding` (`br`, `gzip`): named, and not with
/// `q=0`.
pub fn accepts(request: &HeaderMap, coding: &str) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';').map(str::trim);
            let named = parts.next().is_some_and(|n| n.eq_ignore_ascii_case(coding));
            named && !parts.any(|q| q.replace(' ', "") == "q=0")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoding_is_taken_when_named_and_not_refused_with_q_0() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("GZIP, br;q=0, x-brotli"),
        );
        assert!(accepts(&h, "gzip"));
        assert!(
            !accepts(&h, "br"),
            "q=0 refuses it; x-brotli is another coding"
        );
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip;q=0.8, br ; q=0.5"),
        );
        assert!(accepts(&h, "gzip") && accepts(&h, "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    fn assets() -> Assets {
        let dir = std::env::temp_dir().join(format!("lianban-assets-{}", rand::random::<u32>()));
        std::fs::create_dir_all(dir.join("s")).expect("dir");
        std::fs::write(dir.join("index.html"), "<p>app</p>").expect("file");
        std::fs::write(dir.join("index.html.br"), "BR").expect("file");
        std::fs::write(dir.join("s/index.html"), "<p>status</p>").expect("file");
        std::fs::write(dir.join("app-1.wasm"), b"\0asm").expect("file");
        let assets = Assets::load(&dir).expect("load");
        std::fs::remove_dir_all(&dir).ok();
        assets
    }

    async fn body(res: Response) -> Vec<u8> {
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec()
    }

    #[tokio::test]
    async fn files_by_path_with_their_type_brotli_when_accepted_and_the_app_page_otherwise() {
        let a = assets();
        let plain = HeaderMap::new();
        let res = a.respond("/app-1.wasm", &plain);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
        assert!(res.headers().get(header::VARY).is_none());
        assert_eq!(body(res).await, b"\0asm");
        let res = a.respond("/s/", &plain);
        assert_eq!(body(res).await, b"<p>status</p>");
        let res = a.respond("/receipt/LB-1", &plain);
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(body(res).await, b"<p>app</p>", "a client-side route");
        let mut br = HeaderMap::new();
        br.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let res = a.respond("/", &br);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::VARY], "accept-encoding");
        assert_eq!(body(res).await, b"BR");
        assert!(
            !a.has("index.html.br"),
            "a brotli twin is no file of its own"
        );
    }

    #[tokio::test]
    async fn a_known_etag_is_not_modified() {
        let a = assets();
        let first = a.respond("/index.html", &HeaderMap::new());
        let tag = first.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag.clone());
        let res = a.respond("/index.html", &again);
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers()[header::ETAG], tag);
        assert!(body(res).await.is_empty());
        again.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(a.respond("/index.html", &again).status(), StatusCode::OK);
    }
}
