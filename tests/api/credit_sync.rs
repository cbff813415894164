//! The dishonesty list pulled from the credit platform over HTTPS, on SQLite and PostgreSQL:
//! a local HTTPS server (Python's `ssl`, a certificate of a test authority made with openssl)
//! serves the export. A good one replaces the list, the count on the record; a malformed one,
//! an untrusted certificate or an unreachable source keeps the previous list, on the record
//! with why, and fails the job so the administrator sees it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use crate::helpers::TestApp;

crate::on_both_databases!(the_list_is_pulled_and_a_failed_pull_keeps_the_previous_one);

/// A test authority and a certificate for 127.0.0.1 signed by it, in `dir`: (ca.pem, cert, key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Lianban test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .expect("ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "server.pem",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

/// Serves `dir` over HTTPS on a free port: the child and the port.
fn https_server(dir: &Path, cert: &Path, key: &Path) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let script = r#"
import functools, http.server, ssl, sys
port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, &port.to_string()])
        .arg(cert)
        .arg(key)
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("ready");
    assert_eq!(line.trim(), "ready");
    (child, port)
}

/// The app pulling from `url`, trusting `ca` when given.
fn pulling(app: &TestApp, url: &str, ca: Option<&Path>) -> TestApp {
    let source = backend::credit_source::CreditSource::new(url, ca).expect("source");
    app.sharing(|ctx| backend::service::Context {
        credit_source: Some(Arc::new(source)),
        ..ctx
    })
}

async fn listed(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dishonesty_list")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    n
}

async fn on_record(app: &TestApp, action: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT after_state FROM audit_log WHERE action = $1 ORDER BY seq")
        .bind(action)
        .fetch_all(&app.db.pool)
        .await
        .expect("entries")
}

async fn the_list_is_pulled_and_a_failed_pull_keeps_the_previous_one(app: &TestApp) {
    let dir = std::env::temp_dir().join(format!(
        "lianban-credit-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let (ca, cert, key) = certificates(&dir);
    std::fs::write(
        dir.join("good.csv"),
        "kind,value,name,source\nuscc,91350200776049653A,睢县某某商贸有限公司,信用中国（河南）\nid_number,11010519491231002X,张某,法院失信被执行人\n",
    )
    .expect("csv");
    std::fs::write(
        dir.join("bad.csv"),
        "kind,value,name,source\nuscc,91350200776049653A,某公司,来源\nnonsense,,,\n",
    )
    .expect("csv");
    let (mut server, port) = https_server(&dir, &cert, &key);
    let base = format!("https://127.0.0.1:{port}");
    let sync = |app: &TestApp| {
        let ctx = app.state.ctx.clone();
        async move { backend::service::credit::sync(&ctx).await }
    };

    // Nothing configured: nothing pulled.
    assert!(matches!(sync(app).await, Ok(None)));
    // A good export, from a source whose authority is trusted for it.
    let good = pulling(app, &format!("{base}/good.csv"), Some(&ca));
    assert_eq!(sync(&good).await.expect("pulled"), Some(2));
    assert_eq!(listed(app).await, 2);
    let done = on_record(app, "dishonesty_list.sync").await;
    assert!(done[0].contains("\"entries\":2"), "{done:?}");

    // The administrator has an address (a clerk's does not make them one to alert).
    for (who, email) in [
        (app.admin().await, "root@county.example"),
        (app.clerk().await, "clerk@county.example"),
    ] {
        let (code, _) = who.set_email(email).await;
        assert_eq!(code, 200);
    }
    // A bad line: the list stays, on the record with the line.
    let bad = pulling(app, &format!("{base}/bad.csv"), Some(&ca));
    let err = sync(&bad).await.expect_err("refused");
    assert!(err.to_string().contains("previous list stays"), "{err}");
    assert_eq!(listed(app).await, 2);
    // A certificate no trusted authority signed (the system's roots only): refused.
    let untrusted = pulling(app, &format!("{base}/good.csv"), None);
    assert!(sync(&untrusted).await.is_err());
    // Missing at the source, and unreachable.
    let missing = pulling(app, &format!("{base}/none.csv"), Some(&ca));
    assert!(sync(&missing).await.is_err());
    server.kill().expect("kill");
    let _ = server.wait();
    let gone = pulling(app, &format!("{base}/good.csv"), Some(&ca));
    assert!(sync(&gone).await.is_err());
    assert_eq!(
        listed(app).await,
        2,
        "the previous list stays through every failure"
    );
    let failed = on_record(app, "dishonesty_list.sync_failed").await;
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(
        failed[0].contains("lines not acceptable: [3]"),
        "{failed:?}"
    );
    assert!(failed[2].contains("HTTP 404"), "{failed:?}");
    assert!(failed[3].contains("unreachable"), "{failed:?}");
    // The administrator was told by e-mail — once that day, with the first failure's reason —
    // and nobody else.
    let told: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT recipient, address, body FROM notifications WHERE step LIKE 'alert:credit-sync:%'",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("alerts");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(
        (told[0].0.as_str(), told[0].1.as_str()),
        ("staff:root", "root@county.example")
    );
    assert!(told[0].2.contains("lines not acceptable: [3]"), "{told:?}");
    std::fs::remove_dir_all(&dir).ok();
}
