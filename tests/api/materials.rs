//! Materials through the API: a draft saved on the server, files sent in parts and resumed
//! after a dropped part, every rejected upload (type by content, size, count, cut-off part or
//! file, path-like name) leaving nothing behind, identical files stored once, the files going
//! with the application, each department reading only its share (404 otherwise, every read
//! audited), the window's checklist (收件清单), and a material owed (容缺) arriving later or
//! taken back — on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::helpers::{TestApp, every_material, item, pdf, restaurant, restaurant_with};

crate::on_both_databases!(
    a_draft_keeps_its_files_and_a_dropped_part_resumes,
    every_rejected_upload_leaves_nothing_behind,
    each_department_reads_only_its_share_of_the_materials,
    a_completed_application_files_its_archive_and_one_changed_byte_is_named,
    the_window_records_an_owed_material_brought_on_paper,
    the_window_accepts_by_the_checklist_and_takes_back_an_owed_choice_made_in_error,
);

const PART: usize = shared::files::PART_BYTES as usize;

/// A part whose connection drops half-way: the body fails after some bytes.
fn dropped(bytes: &[u8]) -> Body {
    let half = bytes[..bytes.len() / 2].to_vec();
    let stream = futures_util::stream::iter(vec![
        Ok::<_, std::io::Error>(axum::body::Bytes::from(half)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped",
        )),
    ]);
    Body::from_stream(stream)
}

async fn a_draft_keeps_its_files_and_a_dropped_part_resumes(app: &TestApp) {
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let (status, _) = app.with_token("GET", &base, "wrong", None).await;
    assert_eq!(status, 404, "the draft needs its token");

    // The answers are kept as they are (a draft is not checked), unknown keys dropped.
    let answers = json!({"business.name": "睢县老张家常菜馆", "not.a.field": 1});
    let (status, saved) = app
        .with_token("PUT", &base, &token, Some(json!({"answers": answers})))
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["answers"],
        json!({"business.name": "睢县老张家常菜馆"})
    );

    // A three-part file; the second part's connection drops; the upload goes on from where it
    // stands, not from the start.
    let file = pdf(2 * PART + 1000, 1);
    let (status, announced) = app
        .with_token(
            "POST",
            &format!("{base}/files"),
            &token,
            Some(json!({"material": "id_card", "name": "身份证.pdf", "size": file.len()})),
        )
        .await;
    assert_eq!(status, 201, "{announced}");
    let path = format!("{base}/files/{}", announced["id"].as_str().expect("id"));
    let (status, state) = app
        .send_part(&path, &token, 0, Body::from(file[..PART].to_vec()))
        .await;
    assert_eq!(
        (status.as_u16(), state["received"].as_u64()),
        (200, Some(PART as u64))
    );
    let (status, _) = app
        .send_part(&path, &token, PART, dropped(&file[PART..2 * PART]))
        .await;
    assert_eq!(status, 400, "a part cut off is not kept");
    let (_, state) = app.with_token("GET", &path, &token, None).await;
    assert_eq!(state["received"], PART, "resume where it stands");
    // A part sent again for an offset already received changes nothing.
    let (status, state) = app
        .send_part(&path, &token, 0, Body::from(file[..PART].to_vec()))
        .await;
    assert_eq!(
        (status.as_u16(), state["received"].as_u64()),
        (409, Some(PART as u64))
    );
    for offset in [PART, 2 * PART] {
        let end = (offset + PART).min(file.len());
        let (status, state) = app
            .send_part(
                &path,
                &token,
                offset,
                Body::from(file[offset..end].to_vec()),
            )
            .await;
        assert_eq!(status, 200, "{state}");
    }
    let (_, state) = app.with_token("GET", &path, &token, None).await;
    assert_eq!(state["complete"], true);
    assert_eq!(state["content_type"], "application/pdf");
    assert_eq!(
        state["sha256"].as_str(),
        Some(backend::domain::application::sha256_hex(&file).as_str())
    );

    // The same content again (another material) is stored once.
    let (status, second) = app
        .upload(&base, &token, "premises_proof", "租赁合同.pdf", &file)
        .await;
    assert_eq!(status, 200, "{second}");
    let (uploads, parts, blobs) = backend::db::materials::counts(&app.db)
        .await
        .expect("counts");
    assert_eq!((uploads, parts, blobs), (2, 0, 1));

    // Reopened (another device, after a reload): answers and files are there.
    let (_, draft) = app.with_token("GET", &base, &token, None).await;
    assert_eq!(draft["files"].as_array().map(Vec::len), Some(2));

    // Submitted with the draft: the files go with the application; the draft is closed.
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let (status, _, created) = app.submit(&body, &[]).await;
    assert_eq!(status, 201, "{created}");
    let (_, draft) = app.with_token("GET", &base, &token, None).await;
    assert_eq!(draft["submitted_as"], created["number"]);
    let (status, _) = app
        .with_token("PUT", &base, &token, Some(json!({"answers": {}})))
        .await;
    assert_eq!(status, 409);
    let (status, _, again) = app.submit(&body, &[]).await;
    assert_eq!(status, 409, "{again}");
}

async fn every_rejected_upload_leaves_nothing_behind(app: &TestApp) {
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let field_of = |v: &Value| -> Vec<String> {
        v["field_errors"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };

    // A program named like a PDF.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 5000));
    let (status, err) = app.upload(&base, &token, "id_card", "scan.pdf", &exe).await;
    assert_eq!(
        (status.as_u16(), field_of(&err)),
        (422, vec!["file".to_string()]),
        "{err}"
    );
    // A PDF cut off before its end.
    let mut cut = pdf(3000, 2);
    cut.truncate(2000);
    let (status, err) = app.upload(&base, &token, "id_card", "cut.pdf", &cut).await;
    assert_eq!(
        (status.as_u16(), field_of(&err)),
        (422, vec!["file".to_string()]),
        "{err}"
    );
    // Over the size of a file; a material the bundle does not ask for; one it produces itself.
    for (material, size, field) in [
        ("id_card", 11 * 1024 * 1024, "size"),
        ("id_card", 0, "size"),
        ("pharmacist_certificate", 1000, "material"),
        ("business_licence", 1000, "material"),
    ] {
        let (status, err) = app
            .with_token(
                "POST",
                &format!("{base}/files"),
                &token,
                Some(json!({"material": material, "name": "a.pdf", "size": size})),
            )
            .await;
        assert_eq!(
            (status.as_u16(), field_of(&err)),
            (422, vec![field.to_string()]),
            "{material}"
        );
    }
    // A part larger than its file says.
    let (_, announced) = app
        .with_token(
            "POST",
            &format!("{base}/files"),
            &token,
            Some(json!({"material": "id_card", "name": "a.pdf", "size": 100})),
        )
        .await;
    let path = format!("{base}/files/{}", announced["id"].as_str().expect("id"));
    let (status, _) = app
        .send_part(&path, &token, 0, Body::from(pdf(200, 3)))
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        backend::db::materials::counts(&app.db)
            .await
            .expect("counts"),
        (0, 0, 0),
        "nothing of a rejected file is kept"
    );

    // A path for a name: only its last part is kept, as a name; the store has only hashes.
    let (status, done) = app
        .upload(
            &base,
            &token,
            "id_card",
            "../../etc/passwd.pdf",
            &pdf(500, 4),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["name"], "passwd.pdf");
    // Too many files for one material (five allowed).
    for n in 1..5 {
        let (status, _) = app
            .upload(&base, &token, "id_card", "p.pdf", &pdf(500, 4 + n))
            .await;
        assert_eq!(status, 200);
    }
    let (status, err) = app
        .upload(&base, &token, "id_card", "six.pdf", &pdf(500, 20))
        .await;
    assert_eq!(
        (status.as_u16(), field_of(&err)),
        (422, vec!["material".to_string()])
    );
    // All files together over the application's limit (50 MiB by default).
    let big = 10 * 1024 * 1024;
    for material in [
        "premises_proof",
        "layout_plan",
        "food_safety_rules",
        "articles",
    ] {
        let (status, _) = app
            .with_token(
                "POST",
                &format!("{base}/files"),
                &token,
                Some(json!({"material": material, "name": "big.pdf", "size": big})),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (status, err) = app
        .with_token(
            "POST",
            &format!("{base}/files"),
            &token,
            Some(json!({"material": "premises_proof", "name": "more.pdf", "size": big})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), field_of(&err)),
        (422, vec!["size".to_string()])
    );
    // A cancelled upload goes with what arrived of it.
    let (_, draft) = app.with_token("GET", &base, &token, None).await;
    for f in draft["files"].as_array().expect("files") {
        if f["complete"] == false {
            let path = format!("{base}/files/{}", f["id"].as_str().expect("id"));
            let (status, _) = app.with_token("DELETE", &path, &token, None).await;
            assert_eq!(status, 204);
        }
    }
    let (uploads, parts, _) = backend::db::materials::counts(&app.db)
        .await
        .expect("counts");
    assert_eq!((uploads, parts), (5, 0));
}

async fn each_department_reads_only_its_share_of_the_materials(app: &TestApp) {
    let (clerk, samr, psb) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
    );
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let id_card = pdf(800, 7);
    let (_, card) = app
        .upload(&base, &token, "id_card", "身份证.pdf", &id_card)
        .await;
    let (_, plan) = app
        .upload(&base, &token, "layout_plan", "平面图.pdf", &pdf(900, 8))
        .await;
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let (_, _, created) = app.submit(&body, &[]).await;
    let number = created["number"].as_str().expect("number").to_string();
    let app_token = created["token"].as_str().expect("token").to_string();

    // The seal filing (public security) needs the ID card, not the layout plan.
    let file = |f: &Value| format!("/api/staff/files/{}", f["id"].as_str().expect("id"));
    let (status, _) = psb.get(&file(&plan)).await;
    assert_eq!(status, 404, "not the department's material");
    let (status, _) = psb
        .get(&format!("{}?disposition=inline", file(&card)))
        .await;
    assert_eq!(status, 200);
    let (status, _) = samr.get(&file(&plan)).await;
    assert_eq!(status, 200);
    let (status, _) = clerk.get("/api/staff/files/nonexistent").await;
    assert_eq!(status, 404);
    let req = Request::get(file(&card))
        .header("cookie", &clerk.cookie)
        .body(Body::empty())
        .expect("request");
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .expect("response");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment")
    );
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(bytes.as_ref(), id_card.as_slice());

    // Each read is in the audit log, with who read which file.
    let (_, history) = clerk
        .get(&format!("/api/staff/applications/{number}/history"))
        .await;
    let reads: Vec<(&str, &str)> = history
        .as_array()
        .expect("history")
        .iter()
        .filter(|e| {
            e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("material."))
        })
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reads,
        [
            ("psb", "material.preview"),
            ("samr", "material.download"),
            ("clerk", "material.download")
        ]
    );

    // Accepted with the food-safety rules owed (容缺); they arrive from the status page.
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = clerk.get(&path).await;
    let bring_by = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let (status, accepted) = clerk.post(&format!("{path}/intake"), json!({"decision": "accept", "version": full["version"], "paper_materials": every_material(&full), "missing_materials": ["food_safety_rules"], "bring_by": shared::date::format_iso_date(bring_by)}))
    .await;
    assert_eq!(status, 200, "{accepted}");
    // The food permit needs the owed rules: it waits for them; the seal filing does not.
    let food = item(&accepted, "food_business_permit").clone();
    let approve = json!({"action": "approve", "certificate": "JY-1", "before_licence": true});
    let (status, body) = samr.review(&food, approve).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("食品安全管理制度")),
        "{body}"
    );
    let later = format!("/api/applications/{number}");
    let (status, _) = app
        .upload(
            &later,
            &app_token,
            "food_safety_rules",
            "制度.pdf",
            &pdf(700, 9),
        )
        .await;
    assert_eq!(status, 200);
    let (_, status_view) = app.with_token("GET", &later, &app_token, None).await;
    assert!(
        status_view.get("missing_materials").is_none(),
        "{status_view}"
    );

    // Arrived: the reviewer may go on. Instead the layout plan is found insufficient: the
    // supplement request names it (only a material the item needs), and a new file goes up.
    let (status, body) = samr.review(&food, json!({"action": "request_supplement", "message": "平面图缺比例尺", "insufficient": ["articles"]}))
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = samr.review(&food, json!({"action": "request_supplement", "message": "平面图缺比例尺", "insufficient": ["layout_plan"]}))
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, status_view) = app.with_token("GET", &later, &app_token, None).await;
    let asked = status_view["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food item");
    assert_eq!(asked["insufficient"][0]["id"], "layout_plan");
    let (status, _) = app
        .upload(
            &later,
            &app_token,
            "layout_plan",
            "平面图v2.pdf",
            &pdf(900, 13),
        )
        .await;
    assert_eq!(status, 200);
}

async fn a_completed_application_files_its_archive_and_one_changed_byte_is_named(app: &TestApp) {
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let card = pdf(1500, 11);
    app.upload(&base, &token, "id_card", "身份证.pdf", &card)
        .await;
    app.upload(&base, &token, "layout_plan", "平面图.pdf", &pdf(1200, 12))
        .await;
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let (_, _, created) = app.submit(&body, &[]).await;
    let number = created["number"].as_str().expect("number").to_string();
    let clerk = app.clerk().await;
    let accepted = clerk.accept(&number).await;
    let archive_path = format!("/api/staff/applications/{number}/archive");
    let (status, _) = clerk.get(&archive_path).await;
    assert_eq!(status, 409, "no archive before every item is decided");
    for (who, item_id) in [
        ("samr", "business_registration"),
        ("samr", "food_business_permit"),
        ("psb", "seal_filing"),
        ("tax", "first_invoice"),
        ("hrss", "social_insurance_registration"),
    ] {
        let reviewer = app.reviewer(who).await;
        let decision =
            json!({"action": "approve", "certificate": "X-0001", "before_licence": true});
        let (status, body) = reviewer.review(item(&accepted, item_id), decision).await;
        assert_eq!(status, 200, "{item_id}: {body}");
    }
    // Queued with the last decision, built by the background worker.
    assert_eq!(app.run_jobs().await, 1);
    let application = backend::db::applications::application(&app.db, &number)
        .await
        .expect("query")
        .expect("application");
    assert!(
        backend::db::materials::archive(&app.db, application.id)
            .await
            .expect("query")
            .is_some()
    );

    let req = Request::get(&archive_path)
        .header("cookie", &clerk.cookie)
        .body(Body::empty())
        .expect("request");
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .expect("response");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let package = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    let (_, _, keys) = app.get("/.well-known/lianban-keys.json", None).await;
    let published: Vec<shared::snapshot::PublicKey> =
        serde_json::from_value(keys["keys"].clone()).expect("keys");
    assert_eq!(
        backend::domain::archive::verify(&package, &published).expect("reads"),
        Vec::<String>::new()
    );
    // The sealed notices and certificates are in it, as the applicant downloads them.
    let names = String::from_utf8_lossy(&package);
    for document in [
        format!("documents/受理通知书-{number}.pdf"),
        "documents/食品经营许可证-X-0001.pdf".to_string(),
        "documents/营业执照-".to_string(),
    ] {
        assert!(names.contains(&document), "{document}");
    }

    // Archived: the application takes no more materials.
    let app_token = created["token"].as_str().expect("token");
    let (status, _) = app
        .upload(
            &format!("/api/applications/{number}"),
            app_token,
            "id_card",
            "late.pdf",
            &pdf(600, 14),
        )
        .await;
    assert_eq!(status, 409);

    // `lianban archive verify`: the package as downloaded passes; one changed byte in one
    // material fails, naming that file.
    let dir = std::env::temp_dir().join(format!("lianban-archive-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let keys_file = dir.join("keys.json");
    std::fs::write(&keys_file, keys.to_string()).expect("keys");
    let good = dir.join("good.zip");
    std::fs::write(&good, &package).expect("write");
    let arg = |p: &std::path::Path| p.to_str().expect("utf-8").to_string();
    let out = crate::cli::run(&["archive", "verify", &arg(&good), "--keys", &arg(&keys_file)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok"));

    let at = package
        .windows(card.len())
        .position(|w| w == card.as_slice())
        .expect("the ID card is stored as it is");
    let mut changed = package.clone();
    changed[at + card.len() / 2] ^= 0x01;
    let bad = dir.join("changed.zip");
    std::fs::write(&bad, &changed).expect("write");
    let out = crate::cli::run(&["archive", "verify", &arg(&bad), "--keys", &arg(&keys_file)]);
    assert!(!out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("materials/id_card/1-身份证.pdf: changed"),
        "{report}"
    );
    assert_eq!(report.lines().count(), 1, "only that file: {report}");
    std::fs::remove_dir_all(&dir).ok();
}

async fn the_window_records_an_owed_material_brought_on_paper(app: &TestApp) {
    let (clerk, samr) = (app.clerk().await, app.reviewer("samr").await);
    let (_, _, created) = app.submit(&restaurant(), &[]).await;
    let number = created["number"].as_str().expect("number").to_string();
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = clerk.get(&path).await;
    let (_, accepted) = clerk.post(&format!("{path}/intake"), json!({"decision": "accept", "version": full["version"], "paper_materials": every_material(&full), "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"}))
    .await;
    let received = format!("{path}/received");
    let paper = |m: &str| Some(json!({ "material": m }));
    let (status, _) = samr
        .call("POST", &received, paper("food_safety_rules"))
        .await;
    assert_eq!(status, 403, "the window records it");
    let (status, _) = clerk.call("POST", &received, paper("layout_plan")).await;
    assert_eq!(status, 409, "not owed");
    let (status, body) = clerk
        .call("POST", &received, paper("food_safety_rules"))
        .await;
    assert_eq!((status.as_u16(), &body["owed"]), (200, &json!([])));
    let approve = json!({"action": "approve", "certificate": "JY-2", "before_licence": true});
    let (status, body) = samr
        .review(item(&accepted, "food_business_permit"), approve)
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, history) = clerk.get(&format!("{path}/history")).await;
    let arrived = history
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["action"] == "material.arrived")
        .expect("recorded");
    assert_eq!(
        (arrived["actor"].as_str(), arrived["after"]["how"].as_str()),
        (Some("clerk"), Some("paper"))
    );
}

async fn the_window_accepts_by_the_checklist_and_takes_back_an_owed_choice_made_in_error(
    app: &TestApp,
) {
    let (clerk, samr) = (app.clerk().await, app.reviewer("samr").await);
    let ids = |view: &Value| -> Vec<String> {
        view["materials"]
            .as_array()
            .expect("materials")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_string())
            .collect()
    };
    // The articles of association are asked of a company only.
    let company = app
        .file(&restaurant_with("business.form", json!("llc")))
        .await;
    assert!(ids(&clerk.application(&company.number).await).contains(&"articles".to_string()));

    // An individual business with its ID card uploaded.
    let (id, token) = app.draft("restaurant").await;
    app.upload(
        &format!("/api/drafts/{id}"),
        &token,
        "id_card",
        "身份证.pdf",
        &pdf(800, 7),
    )
    .await;
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let applicant = app.file(&body).await;
    let number = applicant.number.clone();
    let path = format!("/api/staff/applications/{number}");
    let full = clerk.application(&number).await;
    let materials = ids(&full);
    assert!(
        !materials.contains(&"articles".to_string()),
        "{materials:?}"
    );

    // Nothing marked: refused, naming what is neither uploaded, on paper nor to follow.
    let accept = |paper: Vec<String>, missing: Vec<&str>| {
        json!({"decision": "accept", "version": full["version"], "paper_materials": paper,
            "missing_materials": missing, "bring_by": "2099-01-01"})
    };
    let (status, refused) = clerk
        .post(&format!("{path}/intake"), accept(vec![], vec![]))
        .await;
    assert_eq!(status, 422, "{refused}");
    let words = refused["field_errors"]["paper_materials"][0]
        .as_str()
        .expect("words");
    assert!(
        words.contains("经营场所使用证明") && !words.contains("身份证件"),
        "{words}"
    );
    // One main material still missing: refused too.
    let most: Vec<String> = materials
        .iter()
        .filter(|m| *m != "premises_proof")
        .cloned()
        .collect();
    let (status, refused) = clerk
        .post(&format!("{path}/intake"), accept(most, vec![]))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        clerk.application(&number).await["intake"],
        "submitted",
        "nothing changed"
    );

    // Everything on paper but the food-safety rules, which follow (容缺).
    let (status, accepted) = clerk
        .post(
            &format!("{path}/intake"),
            accept(materials.clone(), vec!["food_safety_rules"]),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    let state = |view: &Value, id: &str| {
        let m = view["materials"]
            .as_array()
            .expect("materials")
            .iter()
            .find(|m| m["id"] == id)
            .expect("material")
            .clone();
        (
            m["paper"] == true,
            m["owed"] == true,
            m["files"].as_array().map_or(0, Vec::len),
        )
    };
    assert_eq!(state(&accepted, "id_card"), (false, false, 1), "uploaded");
    assert_eq!(
        state(&accepted, "premises_proof"),
        (true, false, 0),
        "on paper"
    );
    assert_eq!(
        state(&accepted, "food_safety_rules"),
        (false, true, 0),
        "to follow"
    );

    // Taken back: by the window, with a reason, while the food permit is undecided.
    let withdraw = format!("{path}/owed-withdrawn");
    let (status, _) = samr
        .post(
            &withdraw,
            json!({"material": "food_safety_rules", "reason": "误选"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, no_reason) = clerk
        .post(
            &withdraw,
            json!({"material": "food_safety_rules", "reason": " "}),
        )
        .await;
    assert_eq!(status, 422, "{no_reason}");
    let (status, done) = clerk
        .post(
            &withdraw,
            json!({"material": "food_safety_rules", "reason": "申请人已在窗口出示，误选容缺"}),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["owed"], json!([]));
    let (status, _) = clerk
        .post(
            &withdraw,
            json!({"material": "food_safety_rules", "reason": "再次"}),
        )
        .await;
    assert_eq!(status, 409, "not owed any more");
    let status_page = applicant.status().await;
    assert!(
        status_page["missing_materials"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{status_page}"
    );
    let (_, history) = clerk.get(&format!("{path}/history")).await;
    assert!(
        history
            .as_array()
            .expect("history")
            .iter()
            .any(|e| e["action"] == "intake.owed_withdrawn"),
        "{history}"
    );

    // Once an item needing it is decided, the choice stays.
    let other = app.file(&restaurant()).await;
    let other_path = format!("/api/staff/applications/{}", other.number);
    let full = clerk.application(&other.number).await;
    let (status, accepted) = clerk
        .post(
            &format!("{other_path}/intake"),
            json!({"decision": "accept", "version": full["version"],
                "paper_materials": every_material(&full),
                "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"}),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    let food = item(&accepted, "food_business_permit").clone();
    let (status, refused) = samr
        .review(
            &food,
            json!({"action": "reject", "message": "场所不符合要求"}),
        )
        .await;
    assert_eq!(status, 200, "{refused}");
    let (status, stays) = clerk
        .post(
            &format!("{other_path}/owed-withdrawn"),
            json!({"material": "food_safety_rules", "reason": "误选"}),
        )
        .await;
    assert_eq!(status, 409, "{stays}");
}
