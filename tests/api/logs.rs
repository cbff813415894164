//! The status token must never reach the server's logs.

use std::sync::{Arc, Mutex};

use crate::helpers::{TestApp, restaurant};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary, at every level. Global rather than scoped: tracing
/// caches per-callsite interest, which a thread-local subscriber races with other tests.
fn capture() -> &'static Capture {
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        capture
    })
}

#[tokio::test]
async fn the_status_token_never_appears_in_the_logs() {
    let capture = capture();

    let app = TestApp::sqlite().await;
    let (_, _, body) = app
        .submit(&restaurant(), &[("idempotency-key", "log-test-3d9a6b1f")])
        .await;
    let (number, token) = (
        body["number"].as_str().expect("n"),
        body["token"].as_str().expect("t"),
    );
    let (status, _, _) = app
        .get(&format!("/api/applications/{number}"), Some(token))
        .await;
    assert_eq!(status, 200);
    app.get(&format!("/api/applications/{number}"), Some("wrong"))
        .await;
    app.finish().await;

    let logs = String::from_utf8(capture.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        logs.contains(&format!("/api/applications/{number}")),
        "the requests were logged:\n{logs}"
    );
    assert!(!logs.contains(token), "the token leaked into the logs");
}
