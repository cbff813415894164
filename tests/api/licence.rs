//! The licence and its permits: approving the business registration issues the credit code and
//! the enterprise; every approved item becomes a permit; the public verify page and its QR show
//! them live — on SQLite and on PostgreSQL.

use serde_json::json;
use shared::ids::check_uscc;

use crate::helpers::{TestApp, item};

crate::on_both_databases!(
    the_registration_issues_the_licence_and_the_public_page_shows_every_permit_live,
    permits_are_numbered_by_each_departments_rule
);

/// Approved without a number, a permit gets the next of its department's rule
/// (catalogue/certificates.toml): one series per item and year, no serial given twice or
/// skipped; a number the department's own system assigned is kept and takes no serial.
async fn permits_are_numbered_by_each_departments_rule(app: &TestApp) {
    let (samr, psb) = (app.reviewer("samr").await, app.reviewer("psb").await);
    let year = backend::domain::clock::county_date(backend::domain::clock::now_unix()).year();
    let mut numbers = Vec::new();
    for typed in [None, Some("GA-0007"), None] {
        let (applicant, accepted) = app.accepted_restaurant().await;
        let food = item(&accepted, "food_business_permit");
        assert_eq!(food["numbered"], true, "{food}");
        let (status, food) = samr
            .review(food, json!({"action": "approve", "before_licence": true}))
            .await;
        assert_eq!(status, 200, "{food}");
        let (_, seal_view) = psb
            .get(&format!("/api/staff/applications/{}", applicant.number))
            .await;
        let mut body = json!({"action": "approve", "before_licence": true});
        if let Some(n) = typed {
            body["certificate"] = json!(n);
        }
        let (status, seal) = psb.review(item(&seal_view, "seal_filing"), body).await;
        assert_eq!(status, 200, "{seal}");
        numbers.push((
            food["decision"]["certificate"].clone(),
            seal["decision"]["certificate"].clone(),
        ));
    }
    assert_eq!(
        numbers,
        [
            (
                json!(format!("JY411422{year}00001")),
                json!(format!("GZ411422{year}00001"))
            ),
            (json!(format!("JY411422{year}00002")), json!("GA-0007")),
            (
                json!(format!("JY411422{year}00003")),
                json!(format!("GZ411422{year}00002"))
            ),
        ]
    );
    // A number longer than a certificate number may be is refused, and changes nothing.
    let (_, accepted) = app.accepted_restaurant().await;
    let food = item(&accepted, "food_business_permit");
    let (status, body) = samr
        .review(
            food,
            json!({"action": "approve", "certificate": "9".repeat(41), "before_licence": true}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["field_errors"]["certificate"].is_array(), "{body}");
    let (status, body) = samr
        .review(food, json!({"action": "approve", "before_licence": true}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["decision"]["certificate"],
        format!("JY411422{year}00004")
    );
}

async fn the_registration_issues_the_licence_and_the_public_page_shows_every_permit_live(
    app: &TestApp,
) {
    let (clerk, samr, psb) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
    );
    let (applicant, accepted) = app.accepted_restaurant().await;
    let number = applicant.number.clone();

    // The food permit first: no enterprise yet, it waits for the registration.
    let (status, _) = samr
        .review(
            item(&accepted, "food_business_permit"),
            json!({"action": "approve", "certificate": "JY34114220000009", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, registered) = samr
        .review(
            item(&accepted, "business_registration"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{registered}");
    let uscc = registered["decision"]["certificate"]
        .as_str()
        .expect("issued code")
        .to_string();
    assert_eq!(check_uscc(&uscc), Ok(uscc.clone()));
    assert!(
        uscc.starts_with("92411422"),
        "an individual business of this county: {uscc}"
    );
    let (_, seal_view) = psb.get(&format!("/api/staff/applications/{number}")).await;
    let (status, _) = psb
        .review(
            item(&seal_view, "seal_filing"),
            json!({"action": "approve", "certificate": "GA-0001", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 200);

    let (_, staff_view) = clerk
        .get(&format!("/api/staff/applications/{number}"))
        .await;
    assert_eq!(staff_view["licence"]["uscc"], uscc.as_str());
    let permits: Vec<&str> = staff_view["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .map(|p| p["item"].as_str().expect("item"))
        .collect();
    assert_eq!(
        permits,
        [
            "business_registration",
            "food_business_permit",
            "seal_filing"
        ]
    );
    let url = staff_view["licence"]["verify_url"]
        .as_str()
        .expect("url")
        .to_string();
    let path = url.trim_start_matches("http://127.0.0.1:8080").to_string();
    assert!(path.starts_with("/v/") && path.len() == 25, "{url}");
    // The applicant's status links the same page.
    let s = applicant.status().await;
    assert_eq!(s["licence"]["verify_url"], url.as_str());
    assert_eq!(s["licence"]["uscc"], uscc.as_str());
    let (status, headers, html) = app.get(&path, None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let html = html.as_str().expect("html").to_string();
    assert!(html.len() <= 30 * 1024, "{} bytes", html.len());
    // The page is kept in memory, and served from there the same.
    assert_eq!(app.db.pages.len(), 1, "kept");
    let (status, again_headers, again) = app.get(&path, None).await;
    assert_eq!(status, 200);
    assert_eq!(again.as_str(), Some(html.as_str()));
    for h in ["content-type", "content-security-policy", "cache-control"] {
        assert_eq!(again_headers[h], headers[h], "{h}");
    }
    for shown in [
        "睢县老张家常菜馆",
        &uscc,
        "食品经营许可",
        "JY34114220000009",
        "张*",
        "有效",
        "个体工商户",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    for hidden in [
        "11010519491231002",
        "13800138000",
        "13900139000",
        "张三",
        "<script",
    ] {
        assert!(!html.contains(hidden), "{hidden} must not appear");
    }

    // Only the issuing department changes a permit; a revocation shows at once.
    let food = staff_view["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["item"] == "food_business_permit")
        .expect("food")
        .clone();
    let state_path = format!("/api/staff/permits/{}/state", food["id"]);
    let (status, _) = psb
        .post(&state_path, json!({"state": "revoked", "reason": "x"}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = samr.post(&state_path, json!({"state": "revoked"})).await;
    assert_eq!(status, 422);
    let (status, _) = samr
        .post(
            &state_path,
            json!({"state": "revoked", "reason": "以欺骗手段取得许可"}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        app.db.pages.is_empty(),
        "the committed change evicted the kept page"
    );
    let (_, _, html) = app.get(&path, None).await;
    let html = html.as_str().expect("html");
    assert!(
        html.contains("已撤销") && html.contains("以欺骗手段取得许可"),
        "revoked at once"
    );
    // Kept again — on PostgreSQL once the change's notification has come back too (it
    // evicts the page once more, harmlessly).
    for _ in 0..100 {
        if app.db.pages.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        app.get(&path, None).await;
    }
    assert_eq!(app.db.pages.len(), 1, "kept again");
    // A revoked permit stays revoked: the state machine refuses bringing it back.
    let (status, body) = samr
        .post(&state_path, json!({"state": "valid", "reason": "撤销有误"}))
        .await;
    assert_eq!(status, 409, "{body}");

    // A change event: the licence and every permit follow, in one transaction, with history.
    let changes = format!("/api/staff/enterprises/{uscc}/changes");
    let rename = json!({"field": "name", "value": "睢县老张私房菜馆", "reason": "股东决定更名"});
    let (status, _) = psb.post(&changes, rename.clone()).await;
    assert_eq!(status, 403, "only the registration authority");
    let (status, body) = samr
        .post(
            &changes,
            json!({"field": "scope", "value": "x", "reason": "y"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = samr.post(&changes, rename).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = samr
        .post(
            &changes,
            json!({"field": "legal_rep", "value": "王小明", "reason": "法定代表人变更"}),
        )
        .await;
    assert_eq!(status, 200);
    let enterprise = backend::db::enterprises::by_uscc(&app.db, &uscc)
        .await
        .expect("query")
        .expect("enterprise");
    assert_eq!(enterprise.name, "睢县老张私房菜馆");
    let holders = backend::db::enterprises::holders(&app.db, enterprise.id)
        .await
        .expect("holders");
    assert_eq!(holders.len(), 3);
    assert!(
        holders
            .iter()
            .all(|(_, name, address)| name == "睢县老张私房菜馆"
                && address == "睢县城关镇北湖路 88 号"),
        "{holders:?}"
    );
    let (_, _, html) = app.get(&path, None).await;
    let html = html.as_str().expect("html");
    for shown in [
        "睢县老张私房菜馆",
        "名称变更",
        "睢县老张家常菜馆 → 睢县老张私房菜馆",
        "法定代表人变更",
        "张* → 王**",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    assert!(!html.contains("王小明"));

    // A change that fails half-way (a permit refuses the new name) leaves nothing changed.
    let too_long = "很".repeat(120);
    let mut tx = app.db.pool.begin().await.expect("tx");
    let change = backend::db::enterprises::Change {
        field: "name",
        before: &enterprise.name,
        after: &too_long,
        reason: "test",
        by: "test",
    };
    let failed = backend::db::enterprises::change(&mut tx, &enterprise, &change, 0).await;
    assert!(failed.is_err(), "the permits' check refuses it");
    drop(tx);
    let (_, _, kept) = app.get(&path, None).await;
    for _ in 0..100 {
        if app.db.pages.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        app.get(&path, None).await;
    }
    assert_eq!(app.db.pages.len(), 1);
    let mut tx = app.db.begin().await.expect("tx");
    let _ = backend::db::enterprises::change(&mut tx, &enterprise, &change, 0).await;
    drop(tx);
    assert_eq!(app.db.pages.len(), 1, "a change rolled back evicts nothing");
    assert_eq!(app.get(&path, None).await.2, kept);
    let after = backend::db::enterprises::by_uscc(&app.db, &uscc)
        .await
        .expect("query")
        .expect("enterprise");
    assert_eq!(after.name, "睢县老张私房菜馆", "the licence kept its name");
    assert_eq!(
        backend::db::enterprises::changes_of(&app.db, after.id)
            .await
            .expect("history")
            .len(),
        2
    );

    // Unknown or malformed tokens: a plain 404 page.
    for bad in ["/v/AAAAAAAAAAAAAAAAAAAAAA", "/v/short", "/v/../etc"] {
        let (status, _, _) = app.get(bad, None).await;
        assert_eq!(status, 404, "{bad}");
    }

    // The QR decodes (zbarimg, an independent decoder) to the page's address.
    let (status, headers, _) = app.get(&format!("{path}/qr.svg"), None).await;
    assert_eq!(
        (
            status.as_u16(),
            headers["content-type"].to_str().expect("t")
        ),
        (200, "image/svg+xml")
    );
    assert_eq!(decode_qr(app, &format!("{path}/qr.png")).await, url);

    // The electronic seal: the licence as signed JSON; the keys are public; one changed byte
    // fails.
    let (status, _, signed) = app.get(&format!("{path}/licence.json"), None).await;
    assert_eq!(status, 200, "{signed}");
    let (_, _, keys) = app.get("/.well-known/lianban-keys.json", None).await;
    let keys: Vec<backend::seal::PublicKey> =
        serde_json::from_value(keys["keys"].clone()).expect("keys");
    let document = signed["document"].as_str().expect("document");
    let (kid, signature) = (
        signed["kid"].as_str().expect("kid"),
        signed["signature"].as_str().expect("sig"),
    );
    use backend::seal::Purpose;
    assert!(backend::seal::verify(
        &keys,
        Purpose::Licence,
        kid,
        document.as_bytes(),
        signature
    ));
    assert!(
        !backend::seal::verify(
            &keys,
            Purpose::Snapshot,
            kid,
            document.as_bytes(),
            signature
        ),
        "a licence's signature is no snapshot's"
    );
    let tampered = document.replacen("睢县老张私房菜馆", "睢县老王私房菜馆", 1);
    assert!(!backend::seal::verify(
        &keys,
        Purpose::Licence,
        kid,
        tampered.as_bytes(),
        signature
    ));
    assert!(document.contains("\"legal_rep\":\"王**\""), "{document}");

    // The printable licence: facts, permits, the QR and the seal.
    let (status, _, print) = app.get(&format!("{path}/print"), None).await;
    assert_eq!(status, 200);
    let print = print.as_str().expect("html");
    for shown in [
        "电子印章",
        kid,
        "@page{size:A4",
        "睢县老张私房菜馆",
        "class=\"stamp\"",
    ] {
        assert!(print.contains(shown), "{shown}");
    }
    // Two QR codes (the live page, the signed snapshot) and the seal drawn; no raw signature.
    assert_eq!(print.matches("<svg").count(), 3, "{print}");
    assert!(
        !print.contains(signature),
        "the signature is in the snapshot QR, not text"
    );

    // The signed snapshot QR: decoded by zbarimg, checked offline against the published keys.
    let text = decode_qr(app, &format!("{path}/snapshot.png")).await;
    let now = backend::domain::clock::now_unix();
    match shared::snapshot::verify(&text, &keys, now) {
        shared::snapshot::Verdict::Valid(p) => {
            assert_eq!(
                (p.u.as_str(), p.n.as_str()),
                (uscc.as_str(), "睢县老张私房菜馆")
            );
            assert!(
                p.p.iter()
                    .any(|(item, name, state, _)| item == "food_business_permit"
                        && name == "食品经营许可"
                        && state == "revoked")
            );
            assert!(p.exp > now && p.exp <= now + 24 * 3600);
        }
        other => panic!("{other:?} for {text}"),
    }
}

/// The text of the QR code in the PNG at `path`, read by zbarimg (an independent decoder).
async fn decode_qr(app: &TestApp, path: &str) -> String {
    let png = app.get_bytes(path).await;
    let file = std::env::temp_dir().join(format!(
        "lianban-qr-{}-{}.png",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::write(&file, png).expect("png");
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&file)
        .output()
        .expect("zbarimg (apt install zbar-tools)");
    std::fs::remove_file(&file).ok();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
