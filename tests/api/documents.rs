//! Sealed PDF documents: a permit's electronic certificate, downloaded by its holder (the API,
//! the status page's form) and printed at the window — its text read by pdftotext, its QR codes
//! by zbarimg on pdftoppm's rendering (independent tools), its seal checked offline; none for a
//! permit no longer in force — and the formal notices (受理通知书, 一次性补正告知书,
//! 不予许可决定书), each once the procedure has one — on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::helpers::{TestApp, item};

crate::on_both_databases!(
    a_permit_in_force_has_a_sealed_certificate,
    the_formal_notices_are_sealed_documents_once_the_procedure_has_them
);

fn permit_of(status: &Value, item: &str) -> Value {
    status["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["item"] == item)
        .unwrap_or_else(|| panic!("{item} in {status}"))
        .clone()
}

fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "lianban-doc-{}-{}-{name}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// The PDF's text as poppler's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    let file = scratch("c.pdf", pdf);
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (apt install poppler-utils)");
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Every QR code on the PDF's page: rendered by pdftoppm, read by zbarimg.
fn pdf_codes(pdf: &[u8]) -> Vec<String> {
    let file = scratch("q.pdf", pdf);
    let png = file.with_extension("page");
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile"])
        .arg(&file)
        .arg(&png)
        .status()
        .expect("pdftoppm (apt install poppler-utils)");
    assert!(rendered.success());
    let png = png.with_extension("page.png");
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sqrcode.enable"])
        .arg(&png)
        .output()
        .expect("zbarimg (apt install zbar-tools)");
    std::fs::remove_file(&file).ok();
    std::fs::remove_file(&png).ok();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

async fn a_permit_in_force_has_a_sealed_certificate(app: &TestApp) {
    let (samr, psb, clerk) = (
        app.reviewer("samr").await,
        app.reviewer("psb").await,
        app.clerk().await,
    );
    let (applicant, accepted) = app.accepted_restaurant().await;
    for (reviewer, it) in [
        (&samr, "food_business_permit"),
        (&samr, "business_registration"),
    ] {
        let (status, body) = reviewer
            .review(
                item(&accepted, it),
                json!({"action": "approve", "before_licence": true}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let status = applicant.status().await;
    let food = permit_of(&status, "food_business_permit");
    let number = food["certificate"].as_str().expect("numbered").to_string();
    let verify_url = status["licence"]["verify_url"].as_str().expect("url");
    let path = format!(
        "/api/applications/{}/documents/certificate-{}",
        applicant.number, food["id"]
    );
    // The status lists it, with the acceptance notice.
    let listed: Vec<&str> = status["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        listed,
        ["受理通知书", "营业执照", "食品经营许可证"][..],
        "{listed:?}"
    );
    let get = |token: Option<&str>| {
        let mut req = Request::get(&path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.body(Body::empty()).expect("request")
    };

    // No token, a wrong one: nothing.
    assert_eq!(app.raw(get(None)).await.0, 401);
    assert_eq!(app.raw(get(Some("wrong"))).await.0, 404);
    let (status, headers, pdf) = app.raw(get(Some(&applicant.token))).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment;")
            && disposition
                .contains("%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF%E8%AF%81"),
        "食品经营许可证 in the name: {disposition}"
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 60 * 1024, "{} bytes", pdf.len());

    // Sealed: the facts it carries, signed over every byte.
    let keys = app.state.ctx.seal.public_keys();
    let backend::pdf::Checked::Genuine { payload, .. } = backend::pdf::verify(&pdf, keys) else {
        panic!("sealed by the bureau");
    };
    let facts: Value = serde_json::from_slice(&payload).expect("json");
    assert_eq!(facts["kind"], "certificate");
    assert_eq!(facts["title"], "食品经营许可证");
    assert_eq!(facts["number"], number.as_str());
    assert_eq!(facts["holder"], "睢县老张家常菜馆");
    assert_eq!(facts["authority"], "睢县市场监督管理局");
    assert_eq!(facts["verify_url"], verify_url);
    let mut changed = pdf.clone();
    let at = pdf.len() / 3;
    changed[at] = changed[at].wrapping_add(1);
    assert_eq!(
        backend::pdf::verify(&changed, keys),
        backend::pdf::Checked::Tampered
    );

    // What independent tools read in it: the text, and both QR codes.
    let text = pdf_text(&pdf);
    for shown in [
        "食品经营许可证",
        "睢县老张家常菜馆",
        number.as_str(),
        "睢县市场监督管理局",
        "张三",
        "有效期至",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    let codes = pdf_codes(&pdf);
    assert!(
        codes.iter().any(|c| c == verify_url),
        "the live page: {codes:?}"
    );
    let snapshot = codes
        .iter()
        .find(|c| c.starts_with("LB2:"))
        .unwrap_or_else(|| panic!("the signed snapshot: {codes:?}"));
    let now = backend::domain::clock::now_unix();
    match shared::snapshot::verify(snapshot, keys, now) {
        shared::snapshot::Verdict::Valid(p) => {
            assert_eq!(p.n, "睢县老张家常菜馆");
            assert_eq!(p.p.len(), 1, "that permit: {:?}", p.p);
            assert_eq!(
                (p.p[0].0.as_str(), p.p[0].2.as_str()),
                ("food_business_permit", "valid")
            );
        }
        other => panic!("{other:?}"),
    }

    // Another application's token does not reach this permit.
    let (other, _) = app.accepted_restaurant().await;
    let (status, _, _) = app.raw(get(Some(&other.token))).await;
    assert_eq!(status, 404);

    // The window prints it; a reviewer of another department does not see it.
    let staff_path = format!("/api/staff/permits/{}/certificate", food["id"]);
    for (who, expected) in [(&clerk, 200), (&samr, 200), (&psb, 404)] {
        let req = Request::get(&staff_path)
            .header("cookie", &who.cookie)
            .body(Body::empty())
            .expect("request");
        let (status, headers, bytes) = app.raw(req).await;
        assert_eq!(status, expected, "{}", who.username);
        if expected == 200 {
            assert_eq!(headers["content-type"], "application/pdf");
            assert!(matches!(
                backend::pdf::verify(&bytes, keys),
                backend::pdf::Checked::Genuine { .. }
            ));
        }
    }

    // The status page's plain form: the PDF, or a page saying why not.
    let form = format!(
        "/status/{}/documents/certificate-{}",
        applicant.number, food["id"]
    );
    let body = format!("token={}", applicant.token).into_bytes();
    let req = Request::post(&form)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let (status, headers, bytes) = app.raw(req).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let req = Request::post(&form)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("token=wrong"))
        .expect("request");
    let (status, headers, page) = app.raw(req).await;
    assert_eq!(status, 404);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&page).contains("未能取得电子证照"));

    // A permit no longer in force has no certificate to hand out.
    let (status, _) = samr
        .post(
            &format!("/api/staff/permits/{}/state", food["id"]),
            json!({"state": "suspended", "reason": "停业整顿"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _, body) = app.raw(get(Some(&applicant.token))).await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let req = Request::get(&staff_path)
        .header("cookie", &clerk.cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.raw(req).await.0, 409, "by the permit: not in force");
    // The business licence's own certificate: 营业执照, numbered by its credit code.
    let licence = permit_of(&applicant.status().await, "business_registration");
    let path = format!(
        "/api/applications/{}/documents/certificate-{}",
        applicant.number, licence["id"]
    );
    let req = Request::get(&path)
        .header("authorization", format!("Bearer {}", applicant.token))
        .body(Body::empty())
        .expect("request");
    let (status, _, pdf) = app.raw(req).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("营业执照") && text.contains("成立日期"),
        "{text}"
    );
}

/// A document as the applicant downloads it: its text (pdftotext) once its seal checks.
async fn document_text(app: &TestApp, number: &str, token: &str, document: &str) -> (u16, String) {
    let req = Request::get(format!("/api/applications/{number}/documents/{document}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let (status, _, pdf) = app.raw(req).await;
    if status != 200 {
        return (status.as_u16(), String::from_utf8_lossy(&pdf).into_owned());
    }
    let keys = app.state.ctx.seal.public_keys();
    let backend::pdf::Checked::Genuine { payload, .. } = backend::pdf::verify(&pdf, keys) else {
        panic!("{document} sealed by the bureau");
    };
    let facts: Value = serde_json::from_slice(&payload).expect("json");
    assert_eq!(facts["reference"], number, "{facts}");
    (200, pdf_text(&pdf))
}

async fn the_formal_notices_are_sealed_documents_once_the_procedure_has_them(app: &TestApp) {
    let clerk = app.clerk().await;
    // The correction notice, as the window sent it; no acceptance notice yet.
    let applicant = app.file(&app.fresh_restaurant().await).await;
    let (number, token) = (applicant.number.clone(), applicant.token.clone());
    let (status, _) = document_text(app, &number, &token, "correction").await;
    assert_eq!(status, 404, "nothing to correct yet");
    let full = clerk.application(&number).await;
    let (status, body) = clerk
        .post(
            &format!("/api/staff/applications/{number}/intake"),
            json!({"decision": "correct", "version": full["version"],
                "notice": "经营场所地址与租赁合同不一致，请更正并重新上传租赁合同。",
                "fields": ["premises.address"], "materials": []}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, text) = document_text(app, &number, &token, "correction").await;
    assert_eq!(status, 200, "{text}");
    for shown in [
        "一次性补正告知书",
        "经营场所地址与租赁合同不一致",
        "须重新填写",
        "睢县老张家常菜馆",
        "睢县市场监督管理局",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert_eq!(
        document_text(app, &number, &token, "acceptance").await.0,
        404
    );
    assert_eq!(document_text(app, &number, &token, "nonsense").await.0, 404);

    // The acceptance notice: every item with its department and due date.
    let (applicant, accepted) = app.accepted_restaurant().await;
    let (number, token) = (applicant.number.clone(), applicant.token.clone());
    let (status, text) = document_text(app, &number, &token, "acceptance").await;
    assert_eq!(status, 200, "{text}");
    for shown in [
        "受理通知书",
        "予以受理",
        "食品经营许可",
        "睢县公安局",
        "承诺办结日期",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    let status = applicant.status().await;
    let due = status["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "seal_filing")
        .and_then(|i| i["due_on"].as_str())
        .expect("due");
    let (y, rest) = due.split_at(4);
    let due_words = format!("{y}年{}月{}日", &rest[1..3], &rest[4..6]);
    assert!(text.contains(&due_words), "{due_words} in {text}");

    // A refusal decision, with the reasons and the ways to appeal; none for another item.
    let psb = app.reviewer("psb").await;
    let (status, body) = psb
        .review(
            item(&accepted, "seal_filing"),
            json!({"action": "reject", "message": "印章样式不符合规定"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, text) = document_text(app, &number, &token, "refusal-seal_filing").await;
    assert_eq!(status, 200, "{text}");
    for shown in [
        "不予许可决定书",
        "公章刻制备案",
        "印章样式不符合规定",
        "行政复议",
        "行政诉讼",
        "睢县公安局",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert_eq!(
        document_text(app, &number, &token, "refusal-food_business_permit")
            .await
            .0,
        404
    );
    // The window prints the same; a reviewer sees the application's documents only if one of
    // its items is their department's.
    for (who, expected) in [(&clerk, 200), (&psb, 200)] {
        let req = Request::get(format!(
            "/api/staff/applications/{number}/documents/refusal-seal_filing"
        ))
        .header("cookie", &who.cookie)
        .body(Body::empty())
        .expect("request");
        assert_eq!(app.raw(req).await.0, expected, "{}", who.username);
    }
    let inspector = app.staff("insp", "inspector", Some("samr")).await;
    let req = Request::get(format!(
        "/api/staff/applications/{number}/documents/acceptance"
    ))
    .header("cookie", &inspector.cookie)
    .body(Body::empty())
    .expect("request");
    assert_eq!(app.raw(req).await.0, 403, "inspectors see no applications");
}
