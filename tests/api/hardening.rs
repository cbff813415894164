//! The attacks of the hardening review (OWASP ASVS level 2), one test each, written as the
//! attacker would try them — on SQLite and on PostgreSQL where the database plays a part.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use backend::AppState;
use backend::http::client::TrustedProxies;
use backend::http::limits::{LimitSettings, Limits};

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, pdf, restaurant};

crate::on_both_databases!(
    a_parallel_burst_of_wrong_passwords_gets_the_free_tries_and_no_more,
    a_pdf_named_to_run_as_a_program_downloads_as_a_pdf_in_a_sandbox,
    parallel_announcements_cannot_together_exceed_the_file_count_or_the_total,
    the_cleanup_removes_what_nobody_finished_and_keeps_every_application_file_and_archive,
    no_status_token_is_kept_in_clear_anywhere_in_the_database,
    a_rebuilt_audit_chain_is_caught_by_the_signed_checkpoints,
    a_write_transaction_is_not_broken_by_a_write_outside_it,
);

/// A transaction that read, then writes after a statement outside any transaction wrote (a
/// session's last use, a `lianban` command on the same file): both writes land, one after the
/// other. (On SQLite a deferred transaction failed here with SQLITE_BUSY_SNAPSHOT, a 500 seen
/// in the accounts journey.)
async fn a_write_transaction_is_not_broken_by_a_write_outside_it(app: &TestApp) {
    let insert = "INSERT INTO dishonesty_imports (imported_at, entries, actor) VALUES ($1, 0, $2)";
    let mut tx = app.db.begin().await.expect("begin");
    let (before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dishonesty_imports")
        .fetch_one(&mut **tx)
        .await
        .expect("read");
    let pool = app.db.pool.clone();
    let outside = tokio::spawn(async move {
        sqlx::query(insert)
            .bind(1i64)
            .bind("outside")
            .execute(&pool)
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query(insert)
        .bind(2i64)
        .bind("inside")
        .execute(&mut **tx)
        .await
        .expect("the transaction writes");
    tx.commit().await.expect("commit");
    outside
        .await
        .expect("task")
        .expect("the write outside waits its turn");
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dishonesty_imports")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(after, before + 2);
}

/// Behind the county's reverse proxy (127.0.0.1) every applicant arrives from the proxy's
/// address; the limits must still count each client by the address the proxy forwarded — and a
/// client that writes the header itself, without the proxy, gains nothing by it.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_a_forged_header_gains_nothing() {
    let app = TestApp::sqlite().await.serving(|s| AppState {
        limits: Limits::new(LimitSettings {
            submissions_per_minute: 2,
            public_pages_per_minute: 3,
            ..Default::default()
        }),
        trusted_proxies: TrustedProxies::parse("127.0.0.1/32, ::1").expect("list"),
        ..s
    });
    let file = |peer: &str, forwarded: Option<&str>| {
        let peer: std::net::SocketAddr = peer.parse().expect("peer");
        let mut req = Request::post("/api/applications")
            .header("content-type", "application/json")
            .extension(ConnectInfo(peer));
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let body = serde_json::to_vec(&restaurant()).expect("json");
        req.body(Body::from(body)).expect("request")
    };
    let proxy = "127.0.0.1:40000";
    for _ in 0..2 {
        assert_eq!(app.send(file(proxy, Some("198.51.100.1"))).await.0, 201);
    }
    assert_eq!(
        app.send(file(proxy, Some("198.51.100.1"))).await.0,
        429,
        "the first client's third a minute"
    );
    assert_eq!(
        app.send(file(proxy, Some("198.51.100.2"))).await.0,
        201,
        "another client through the same proxy is not held back"
    );
    // A client in front of the proxy prepends an address of its own choosing: the proxy
    // appends the real one, which is what counts.
    assert_eq!(
        app.send(file(proxy, Some("10.9.9.9, 198.51.100.1")))
            .await
            .0,
        429
    );
    // Straight to the server, a forged header is ignored: the peer counts.
    let direct = "203.0.113.50:1234";
    for n in 0..3 {
        let forged = format!("192.0.2.{n}");
        let expected = if n < 2 { 201 } else { 429 };
        assert_eq!(app.send(file(direct, Some(&forged))).await.0, expected);
    }
    // The public pages' limit is a setting too.
    let page = |n: u8| {
        let peer: std::net::SocketAddr = "127.0.0.1:40001".parse().expect("peer");
        Request::get("/v/AAAAAAAAAAAAAAAAAAAAAA")
            .header("forwarded", format!("for=\"[2001:db8:{n}::1]:443\""))
            .extension(ConnectInfo(peer))
            .body(Body::empty())
            .expect("request")
    };
    for _ in 0..3 {
        assert_eq!(app.send(page(1)).await.0, 404);
    }
    assert_eq!(app.send(page(1)).await.0, 429);
    assert_eq!(app.send(page(2)).await.0, 404, "another /64");
    app.finish().await;
}

/// Fifteen tries at once, all wrong, from one client: the try is counted before the slow hash,
/// so only the free ones reach the password check.
async fn a_parallel_burst_of_wrong_passwords_gets_the_free_tries_and_no_more(app: &TestApp) {
    app.account("director", "admin", None).await;
    let tries =
        (0..15).map(|_| app.login_from("director", "wrong password!!", Some("203.0.113.9:1")));
    let answers = futures_util::future::join_all(tries).await;
    assert!(answers.iter().all(|(s, _, _)| s.as_u16() == 401));
    let checked = backend::db::audit::history(&app.db, "staff director")
        .await
        .expect("history")
        .iter()
        .filter(|e| e.action == "login.failed")
        .count();
    assert_eq!(checked, backend::domain::login::FREE_TRIES as usize);
    // The right password from the same client is throttled too; from the office it works.
    assert_eq!(
        app.login_from("director", PASSWORD, Some("203.0.113.9:2"))
            .await
            .0,
        401
    );
    assert_eq!(
        app.login_from("director", PASSWORD, Some("10.0.0.5:2"))
            .await
            .0,
        200
    );
}

/// A PDF that is also an HTML application, named with a right-to-left override so that
/// `材料\u{202E}fdp.hta` reads as `材料ath.pdf`: staff get a `.pdf` with no invisible
/// characters, sandboxed, never sniffed — and the completed upload is on the record.
async fn a_pdf_named_to_run_as_a_program_downloads_as_a_pdf_in_a_sandbox(app: &TestApp) {
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let mut polyglot = pdf(700, 3);
    polyglot.splice(
        9..9,
        b"<HTA:APPLICATION><script>alert(1)</script>"
            .iter()
            .copied(),
    );
    let (status, up) = app
        .upload(&base, &token, "id_card", "材料\u{202E}fdp.hta", &polyglot)
        .await;
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["name"], "材料fdp.pdf");
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let (_, _, created) = app.submit(&body, &[]).await;
    let clerk = app.clerk().await;
    let file = format!("/api/staff/files/{}", up["id"].as_str().expect("id"));
    for disposition in ["", "?disposition=inline"] {
        let req = Request::get(format!("{file}{disposition}"))
            .header("cookie", &clerk.cookie)
            .body(Body::empty())
            .expect("request");
        let (status, headers, _) = app.send(req).await;
        assert_eq!(status, 200);
        let header = |name: &str| headers[name].to_str().expect("ascii").to_string();
        assert!(
            header("content-disposition").contains("filename*=UTF-8''%E6%9D%90%E6%96%99fdp%2Epdf")
        );
        assert!(
            !header("content-disposition").contains("%E2%80%AE"),
            "no override"
        );
        assert!(header("content-security-policy").starts_with("sandbox"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("content-type"), "application/pdf");
    }
    let number = created["number"].as_str().expect("number");
    let history = backend::db::audit::history(&app.db, &format!("draft {id}"))
        .await
        .expect("history");
    assert!(
        history
            .iter()
            .any(|e| e.action == "material.upload" && e.after_state.contains("材料fdp.pdf")),
        "the completed upload of {number}'s draft is on the record"
    );
}

/// Out-of-range dates used to panic in the working-day arithmetic and drop the connection.
#[tokio::test]
async fn a_date_beyond_the_calendar_is_a_field_error_not_a_dropped_connection() {
    let app = TestApp::sqlite().await;
    for day in ["9999-12-31", "0001-01-01", "2199-13-01"] {
        let (status, _, body) = app
            .get(
                &format!("/api/bundles/restaurant/guide?accepted_on={day}"),
                None,
            )
            .await;
        assert_eq!(status, 422, "{day}: {body}");
        assert!(body["field_errors"]["accepted_on"].is_array(), "{body}");
    }
    let (status, _, _) = app
        .get("/api/bundles/restaurant/guide?accepted_on=2199-12-31", None)
        .await;
    assert_eq!(status, 200, "the last year counted");
    app.finish().await;
}

/// Every answer carries its policy: the apps run only their own scripts and wasm (no inline
/// script anywhere), nothing may frame them, only the scan page may ask for the camera, the
/// public page's one style block is allowed by its hash, and HSTS comes with an https address.
#[tokio::test]
async fn every_page_carries_a_strict_policy_and_only_the_scan_page_may_use_the_camera() {
    let dist = std::env::temp_dir().join(format!("lianban-dist-{}", rand::random::<u64>()));
    for app_dir in ["", "s", "st", "rv", "sc", "ad"] {
        std::fs::create_dir_all(dist.join(app_dir)).expect("dir");
        std::fs::write(
            dist.join(app_dir).join("index.html"),
            "<!doctype html><script type=\"module\" src=\"/boot.js\"></script>",
        )
        .expect("index");
    }
    let app = TestApp::sqlite().await.serving(|s| AppState {
        static_dir: Some(dist.clone()),
        ctx: std::sync::Arc::new(backend::service::Context {
            public_url: "https://lianban.example.gov.cn".into(),
            ..std::sync::Arc::unwrap_or_clone(s.ctx)
        }),
        ..s
    });
    let headers_of = |path: &'static str| {
        let req = Request::get(path).body(Body::empty()).expect("request");
        app.send(req)
    };
    for path in [
        "/",
        "/bundles/restaurant",
        "/status/LB-20261202-0001",
        "/staff",
        "/staff/applications/LB-20261202-0001",
        "/staff/admin",
        "/staff/password",
        "/scan",
    ] {
        let (status, h, _) = headers_of(path).await;
        assert_eq!(status, 200, "{path}");
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        let camera = h["permissions-policy"].to_str().expect("ascii");
        assert_eq!(
            camera.starts_with("camera=(self)"),
            path == "/scan",
            "{path}: {camera}"
        );
        assert!(
            h["strict-transport-security"]
                .to_str()
                .expect("ascii")
                .contains("max-age=")
        );
        assert_eq!(h["x-frame-options"], "DENY");
    }
    let (_, h, _) = headers_of("/api/bundles").await;
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("ascii")
            .starts_with("default-src 'none'")
    );
    // The public page: no script, its style by hash.
    let req = Request::get("/v/AAAAAAAAAAAAAAAAAAAAAA")
        .body(Body::empty())
        .expect("request");
    let (status, h, body) = app.send(req).await;
    assert_eq!(status, 404);
    let html = body.as_str().expect("html");
    let style =
        &html[html.find("<style>").expect("style") + 7..html.find("</style>").expect("end")];
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style));
    let csp = h["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains(&format!("style-src 'sha256-{hash}'")), "{csp}");
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src"));
    std::fs::remove_dir_all(&dist).ok();
    app.finish().await;
}

/// Ten announcements at once for one material (five allowed) and twelve of 9 MiB (50 MiB
/// allowed): checked one after another, never more than the limits together.
async fn parallel_announcements_cannot_together_exceed_the_file_count_or_the_total(app: &TestApp) {
    let (id, token) = app.draft("restaurant").await;
    let files = format!("/api/drafts/{id}/files");
    let announce = |material: &'static str, size: u64| {
        let body = json!({"material": material, "name": "x.pdf", "size": size});
        app.with_token("POST", &files, &token, Some(body))
    };
    let answers = futures_util::future::join_all((0..10).map(|_| announce("id_card", 1000))).await;
    let created = answers.iter().filter(|(s, _)| s.as_u16() == 201).count();
    assert_eq!(created, 5, "{answers:?}");
    // Four each of three materials, 9 MiB apiece: only five fit in 50 MiB together.
    let big = 9 * 1024 * 1024;
    let materials = ["layout_plan", "premises_proof", "food_safety_rules"];
    let answers =
        futures_util::future::join_all((0..12).map(|n| announce(materials[n % 3], big))).await;
    let created = answers.iter().filter(|(s, _)| s.as_u16() == 201).count();
    assert_eq!(created, 5, "{answers:?}");
    let uploads = backend::db::materials::uploads_of(
        &app.db,
        &backend::domain::records::Owner::Draft(id.clone()),
    )
    .await
    .expect("uploads");
    let total: u64 = uploads.iter().map(|u| u.size).sum();
    assert!(total <= 50 * 1024 * 1024, "{total}");
}

/// A month later: the abandoned draft, its files and the half-sent upload are gone, and so is
/// every content nothing refers to — while the filed application's files and its archive stay.
async fn the_cleanup_removes_what_nobody_finished_and_keeps_every_application_file_and_archive(
    app: &TestApp,
) {
    let kept = pdf(1500, 21);
    let number = app
        .archived_restaurant(&[("id_card", "身份证.pdf", kept.clone())])
        .await;
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let abandoned = pdf(900, 22);
    app.upload(&base, &token, "layout_plan", "平面图.pdf", &abandoned)
        .await;
    let half = pdf(3 * shared::files::PART_BYTES as usize, 23);
    let announce = json!({"material": "id_card", "name": "半.pdf", "size": half.len()});
    let (_, up) = app
        .with_token("POST", &format!("{base}/files"), &token, Some(announce))
        .await;
    let part = format!("{base}/files/{}", up["id"].as_str().expect("id"));
    let first = half[..shared::files::PART_BYTES as usize].to_vec();
    assert_eq!(
        app.send_part(&part, &token, 0, Body::from(first)).await.0,
        200
    );
    let before = app.state.ctx.files.stored().await.expect("list").len();
    assert!(before >= 3, "two files and an archive at least: {before}");

    let now = backend::domain::clock::now_unix();
    let report = backend::service::cleanup::run(&app.state.ctx, now)
        .await
        .expect("cleanup");
    assert_eq!(
        (report.drafts, report.contents),
        (0, 0),
        "nothing is old yet"
    );

    let month = now + 31 * 86_400;
    let report = backend::service::cleanup::run(&app.state.ctx, month)
        .await
        .expect("cleanup");
    assert_eq!(report.drafts, 1, "{report:?}");
    assert_eq!(report.contents, 1, "the abandoned draft's file: {report:?}");
    let (status, _) = app.with_token("GET", &base, &token, None).await;
    assert_eq!(status, 404, "the draft is gone");
    let (uploads, parts, _) = backend::db::materials::counts(&app.db)
        .await
        .expect("counts");
    assert_eq!(parts, 0, "no part is left");
    let stored: Vec<String> = app
        .state
        .ctx
        .files
        .stored()
        .await
        .expect("list")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let sha = |b: &[u8]| backend::domain::application::sha256_hex(b);
    assert!(stored.contains(&sha(&kept)), "the application's file stays");
    assert!(!stored.contains(&sha(&abandoned)));
    let application = backend::db::applications::application(&app.db, &number)
        .await
        .expect("query")
        .expect("application");
    let archive = backend::db::materials::archive(&app.db, application.id)
        .await
        .expect("query")
        .expect("archive");
    assert!(stored.contains(&archive.sha256), "the archive stays");
    assert_eq!(uploads, 1, "only the application's file is left");
    let again = backend::service::cleanup::run(&app.state.ctx, month)
        .await
        .expect("cleanup");
    assert_eq!(again.contents, 0, "idempotent");
}

/// Whoever reads the database (a backup, a replica) finds no status token: not in the
/// applications (a hash), not in the kept first answers of idempotent filings (sealed with the
/// client's key, found by a hash of it) — yet a retry still gets its answer.
async fn no_status_token_is_kept_in_clear_anywhere_in_the_database(app: &TestApp) {
    let key = "7d3f0a52-61c4-4b8e-9a0e-2f5d8c1b3e77";
    let (status, _, first) = app.submit(&restaurant(), &[("idempotency-key", key)]).await;
    assert_eq!(status, 201);
    let token = first["token"].as_str().expect("token");
    for table in [
        "applications",
        "idempotency_keys",
        "audit_log",
        "sub_applications",
    ] {
        let dump = text_of(app, table).await;
        assert!(!dump.is_empty(), "{table} has rows");
        assert!(!dump.contains(token), "{table} holds the token");
        assert!(!dump.contains(key), "{table} holds the key");
    }
    let (kept_key, body): (String, String) =
        sqlx::query_as("SELECT key, body FROM idempotency_keys")
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert!(!body.contains(token) && !body.contains("LB-") && kept_key != key);
    let (status, _, again) = app.submit(&restaurant(), &[("idempotency-key", key)]).await;
    assert_eq!(
        (status.as_u16(), &again),
        (201, &first),
        "the retry gets its answer"
    );
}

/// Every text column of every row of `table`, joined.
async fn text_of(app: &TestApp, table: &str) -> String {
    use sqlx::{Column, Row};
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
        .fetch_all(&app.db.pool)
        .await
        .expect("rows");
    let mut out = String::new();
    for row in &rows {
        for column in row.columns() {
            if let Ok(text) = row.try_get::<String, _>(column.ordinal()) {
                out.push_str(&text);
                out.push('\n');
            }
        }
    }
    out
}

/// Someone with write access to the database changes an old entry and rebuilds the chain from
/// there, hashes and head included: the chain alone looks intact, but the checkpoints the seal
/// signed and the store kept (and the server published) no longer match — and say where.
async fn a_rebuilt_audit_chain_is_caught_by_the_signed_checkpoints(app: &TestApp) {
    use backend::service::audit;
    let ctx = &app.state.ctx;
    let clerk = app.clerk().await;
    let number = app.file(&restaurant()).await.number;
    clerk.accept(&number).await;
    let now = backend::domain::clock::now_unix();
    let made = audit::checkpoint(ctx, now)
        .await
        .expect("checkpoint")
        .expect("made");
    assert!(
        audit::checkpoint(ctx, now).await.expect("again").is_none(),
        "head unmoved"
    );
    let (status, _, published) = app
        .get("/.well-known/lianban-audit-checkpoints.json", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(published["checkpoints"].as_array().expect("list").len(), 1);
    let keys = ctx.seal.public_keys().to_vec();
    let verdict = audit::verify(&app.db, &ctx.files, Ok(keys.clone()))
        .await
        .expect("anchored");
    assert!(verdict.contains("1 signed checkpoints match"), "{verdict}");

    // The rewrite: entry 3 (the filing) now says another bundle; every later hash recomputed.
    rebuild_from(app, 3, r#"{"bundle":"pharmacy"}"#).await;
    let chain = audit::verify_chain(&app.db)
        .await
        .expect("the chain alone looks intact");
    assert!(chain.starts_with("audit log intact"), "{chain}");
    let err = audit::verify(&app.db, &ctx.files, Ok(keys))
        .await
        .expect_err("caught")
        .to_string();
    assert!(
        err.starts_with(&format!("audit log rewritten: entries 1 to {}", made.seq)),
        "{err}"
    );
}

/// seq, at, actor, role, action, subject, before, after, prev_hash.
type AuditRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// What an attacker with the database would do: change entry `from`'s after-state and rebuild
/// every hash from there on (the chain's published formula), and the head.
async fn rebuild_from(app: &TestApp, from: i64, after_state: &str) {
    use sha2::Digest;
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT seq, at, actor, role, action, subject, before_state, after_state, prev_hash
             FROM audit_log ORDER BY seq",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("rows");
    let mut prev = String::new();
    for (seq, at, actor, role, action, subject, before, after, prev_hash) in rows {
        if seq < from {
            prev = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_one(&app.db.pool)
                .await
                .expect("hash");
            continue;
        }
        let after = if seq == from {
            after_state.to_string()
        } else {
            after
        };
        let link = if seq == from { prev_hash } else { prev.clone() };
        let canonical = json!([seq, at, actor, role, action, subject, before, after, link]);
        let hash: String = sha2::Sha256::digest(canonical.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sqlx::query(
            "UPDATE audit_log SET after_state = $2, prev_hash = $3, hash = $4 WHERE seq = $1",
        )
        .bind(seq)
        .bind(&after)
        .bind(&link)
        .bind(&hash)
        .execute(&app.db.pool)
        .await
        .expect("rewrite");
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&app.db.pool)
        .await
        .expect("head");
}
