//! Delivery (送达), on SQLite and on PostgreSQL: the applicant confirms receipt of a certificate
//! (the API, and the status page's form), the window records a refusal collected on paper; each
//! decision once; what is no decision or not the application's is 404; the audit trail and the
//! statistics count them.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::helpers::{TestApp, item};

crate::on_both_databases!(
    each_decision_reaches_the_applicant_once_electronically_or_on_paper,
    the_status_page_form_confirms_receipt_and_goes_back,
    the_archive_is_filed_again_with_a_delivery_and_a_cancellation
);

/// One file of an archive package, read by Python's zipfile (an independent reader).
fn unzip(package: &[u8], name: &str) -> Value {
    let path = std::env::temp_dir().join(format!(
        "lianban-archive-{}-{:08x}.zip",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::write(&path, package).expect("write");
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
        ])
        .arg(&path)
        .arg(name)
        .output()
        .expect("python3");
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn document<'a>(status: &'a Value, path: &str) -> &'a Value {
    status["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} in {status}"))
}

/// A restaurant accepted; its licence approved, its seal filing refused.
async fn decided(app: &TestApp) -> (crate::helpers::Applicant<'_>, String) {
    let (applicant, accepted) = app.accepted_restaurant().await;
    let samr = app.reviewer("samr").await;
    let (status, body) = samr
        .review(
            item(&accepted, "business_registration"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let psb = app.reviewer("psb").await;
    let refuse = json!({"action": "reject", "message": "印章样式不符合规定"});
    let (status, body) = psb.review(item(&accepted, "seal_filing"), refuse).await;
    assert_eq!(status, 200, "{body}");
    let status = applicant.status().await;
    let permit = status["permits"][0]["id"].as_i64().expect("permit");
    (applicant, format!("certificate-{permit}"))
}

async fn each_decision_reaches_the_applicant_once_electronically_or_on_paper(app: &TestApp) {
    let (applicant, certificate) = decided(app).await;
    let status = applicant.status().await;
    assert_eq!(document(&status, &certificate)["receipt"], true);
    assert_eq!(document(&status, "refusal-seal_filing")["receipt"], true);
    assert!(
        document(&status, "acceptance").get("receipt").is_none(),
        "a notice is no decision to deliver"
    );

    // The applicant confirms the certificate's receipt…
    let (code, body) = applicant
        .call(
            "POST",
            "/deliveries",
            Some(json!({"document": certificate})),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let done = document(&body, &certificate);
    assert_eq!(done["delivered_way"], "electronic");
    assert!(done["delivered_on"].as_str().is_some_and(|d| d.len() == 10));
    assert!(done.get("receipt").is_none());
    // …once.
    let (code, body) = applicant
        .call(
            "POST",
            "/deliveries",
            Some(json!({"document": certificate})),
        )
        .await;
    assert_eq!(code, 409, "{body}");
    // What is not a decision of this application is none to deliver; a way is one of two.
    for (doc, expected) in [
        ("acceptance", 404),
        ("certificate-999999", 404),
        ("nonsense", 404),
    ] {
        let (code, body) = applicant
            .call("POST", "/deliveries", Some(json!({"document": doc})))
            .await;
        assert_eq!(code, expected, "{doc}: {body}");
    }
    let (code, _) = applicant
        .call("POST", "/deliveries", Some(json!({"documents": "x"})))
        .await;
    assert_eq!(code, 422, "a body without the document");

    // The window records the refusal decision collected on paper; a reviewer may not.
    let number = applicant.number.clone();
    let path = format!("/api/staff/applications/{number}/deliveries");
    let psb = app.reviewer("psb").await;
    let (code, _) = psb
        .post(&path, json!({"document": "refusal-seal_filing"}))
        .await;
    assert_eq!(code, 403);
    let clerk = app.clerk().await;
    let (code, seen) = clerk
        .post(&path, json!({"document": "refusal-seal_filing"}))
        .await;
    assert_eq!(code, 200, "{seen}");
    let refusal = document(&seen, "refusal-seal_filing");
    assert_eq!(refusal["delivered_way"], "paper");
    let (code, _) = clerk.post(&path, json!({"document": certificate})).await;
    assert_eq!(code, 409, "delivered electronically already");

    // On the record, with the way and the working days since the decision.
    let entries: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, after_state FROM audit_log WHERE action LIKE 'delivery.%' ORDER BY seq",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    let actions: Vec<&str> = entries.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["delivery.electronic", "delivery.paper"]);
    let after: Value = serde_json::from_str(&entries[1].1).expect("json");
    assert_eq!(after["document"], "refusal-seal_filing");
    assert_eq!(after["working_days"], 0, "collected the day it was decided");

    // The statistics count both, by way.
    let leader = app.staff("boss", "leader", None).await;
    let (code, s) = leader.get("/api/staff/statistics").await;
    assert_eq!(code, 200, "{s}");
    let d = &s["deliveries"];
    assert_eq!(
        (
            d["delivered"].as_u64(),
            d["electronic"].as_u64(),
            d["paper"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{d}"
    );
    assert_eq!(d["median_days"], 0.0);
    assert_eq!(d["p90_days"], 0);
    let (code, s) = leader.get("/api/staff/statistics?department=psb").await;
    assert_eq!(code, 200);
    assert_eq!(s["deliveries"]["delivered"], 1, "the department's own");
}

async fn the_status_page_form_confirms_receipt_and_goes_back(app: &TestApp) {
    let (applicant, certificate) = decided(app).await;
    let form = |token: &str| {
        Request::post(format!(
            "/status/{}/documents/{certificate}",
            applicant.number
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}&receipt=1")))
        .expect("request")
    };
    // Without receipt=1 the form downloads the file, as before.
    let download = Request::post(format!(
        "/status/{}/documents/{certificate}",
        applicant.number
    ))
    .header("content-type", "application/x-www-form-urlencoded")
    .body(Body::from(format!("token={}", applicant.token)))
    .expect("request");
    let (code, headers, bytes) = app.raw(download).await;
    assert_eq!(code, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(
        applicant.status().await["documents"]
            .to_string()
            .matches("delivered_on")
            .count(),
        0
    );

    let (code, _, _) = app.raw(form("wrong")).await;
    assert_eq!(code, 404);
    let (code, headers, _) = app.raw(form(&applicant.token)).await;
    assert_eq!(code, 303);
    assert_eq!(
        headers["location"],
        format!("/status/{}#t={}", applicant.number, applicant.token)
    );
    let status = applicant.status().await;
    assert_eq!(
        document(&status, &certificate)["delivered_way"],
        "electronic"
    );
    // Again: a page saying it was delivered already, with the way back.
    let (code, _, page) = app.raw(form(&applicant.token)).await;
    assert_eq!(code, 409);
    let page = String::from_utf8(page).expect("html");
    assert!(page.contains("已经送达"), "{page}");
}

async fn the_archive_is_filed_again_with_a_delivery_and_a_cancellation(app: &TestApp) {
    let number = app.archived_restaurant(&[]).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM applications WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let sha = |app: &'_ TestApp| {
        let db = app.db.clone();
        async move {
            backend::db::materials::archive(&db, id)
                .await
                .expect("archive")
                .expect("filed")
                .sha256
        }
    };
    let first = sha(app).await;
    let first_package = app.state.ctx.files.get(&first).await.expect("package");
    assert_eq!(unzip(&first_package, "deliveries.json"), json!([]));

    // The licence collected at the window: the archive is filed again, with the delivery.
    let clerk = app.clerk().await;
    let seen = clerk.application(&number).await;
    let licence = seen["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["item"] == "business_registration")
        .expect("licence")["id"]
        .as_i64()
        .expect("id");
    let path = format!("/api/staff/applications/{number}/deliveries");
    let (code, body) = clerk
        .post(&path, json!({"document": format!("certificate-{licence}")}))
        .await;
    assert_eq!(code, 200, "{body}");
    app.run_jobs().await;
    let second = sha(app).await;
    assert_ne!(second, first);
    let package = app.state.ctx.files.get(&second).await.expect("package");
    let delivered = unzip(&package, "deliveries.json");
    assert_eq!(delivered[0]["document"], format!("certificate-{licence}"));
    assert_eq!(delivered[0]["way"], "paper");
    let (_, _, keys) = app.get("/.well-known/lianban-keys.json", None).await;
    let published: Vec<shared::snapshot::PublicKey> =
        serde_json::from_value(keys["keys"].clone()).expect("keys");
    assert_eq!(
        backend::domain::archive::verify(&package, &published).expect("reads"),
        Vec::<String>::new(),
        "sealed as the first"
    );

    // A permit cancelled by its department: filed again, the permit's end in it.
    let psb = app.reviewer("psb").await;
    let seal = seen["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["item"] == "seal_filing")
        .expect("seal filing")["id"]
        .as_i64()
        .expect("id");
    let (code, body) = psb
        .post(
            &format!("/api/staff/permits/{seal}/state"),
            json!({"state": "cancelled", "reason": "歇业"}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    app.run_jobs().await;
    let third = sha(app).await;
    assert_ne!(third, second);
    let package = app.state.ctx.files.get(&third).await.expect("package");
    let permits = unzip(&package, "permits.json");
    let ended = permits
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["item"] == "seal_filing")
        .expect("in the archive");
    assert_eq!(ended["state"], "cancelled");
    assert_eq!(ended["reason"], "歇业");

    // The packages it replaced are kept, listed, and spared by the cleanup.
    let versions = backend::db::materials::archive_versions(&app.db, id)
        .await
        .expect("versions");
    let kept: Vec<&str> = versions.iter().map(|(s, _)| s.as_str()).collect();
    assert!(
        kept.contains(&first.as_str()) && kept.contains(&second.as_str()),
        "{kept:?}"
    );
    let later = backend::domain::clock::now_unix() + 400 * 86_400;
    backend::service::cleanup::run(&app.state.ctx, later)
        .await
        .expect("cleanup");
    for sha in [&first, &second, &third] {
        assert!(app.state.ctx.files.get(sha).await.is_ok(), "{sha} kept");
    }
    let refiled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'archive.refiled'")
            .fetch_one(&app.db.pool)
            .await
            .expect("audit");
    assert_eq!(refiled, 2);
}
