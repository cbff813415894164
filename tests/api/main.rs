//! The API end to end, on SQLite and on PostgreSQL: filing, status, and every kind of bad input;
//! and the `lianban` binary on a broken catalogue (`cli`).

mod access;
mod accounts;
mod additions;
mod cli;
mod clients;
mod correction;
mod credit_sync;
mod delivery;
mod documents;
mod hardening;
mod helpers;
mod holder;
mod jobs;
mod licence;
mod logs;
mod materials;
mod names;
mod notifications;
mod recovery;
mod reference;
mod staff;
mod statistics;
mod storage;
mod supervision;
mod webhooks;
mod worklist;

use helpers::{TestApp, restaurant, restaurant_with};
use serde_json::{Value, json};

on_both_databases!(
    a_valid_restaurant_application_is_filed_with_one_sub_application_per_item,
    the_status_needs_the_right_token_and_never_reveals_whether_a_number_exists,
    malformed_json_is_rejected_and_nothing_is_stored,
    a_wrong_content_type_is_rejected_and_nothing_is_stored,
    an_unknown_bundle_is_a_field_error,
    an_unknown_answer_key_is_a_field_error,
    answers_that_contradict_the_bundle_are_a_field_error,
    the_status_says_what_happens_next,
    a_body_over_one_mebibyte_is_rejected,
    a_field_of_the_wrong_type_is_a_field_error,
    an_id_number_with_a_wrong_check_character_or_impossible_birth_date_is_a_field_error,
    a_uscc_with_a_wrong_check_character_is_a_field_error,
    every_problem_is_reported_at_once,
    a_retried_submission_with_the_same_idempotency_key_creates_one_application,
    concurrent_submissions_with_one_idempotency_key_create_one_application,
    filings_arriving_together_are_written_together_and_each_answered_as_alone,
    an_idempotency_key_reused_for_another_body_is_refused,
    numbers_count_up_within_the_day,
    english_clients_get_english_messages,
    add_ons_become_sub_applications_and_hidden_answers_are_dropped,
);

/// The restaurant's items with staff and tobacco, in cart order.
const RESTAURANT_WITH_STAFF_AND_TOBACCO: [&str; 6] = [
    "business_registration",
    "food_business_permit",
    "seal_filing",
    "first_invoice",
    "social_insurance_registration",
    "tobacco_retail_licence",
];

/// The item ids of a status or guide body, in order.
fn item_ids(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item"].as_str().expect("id"))
        .collect()
}

fn is_application_number(n: &str) -> bool {
    let parts: Vec<&str> = n.split('-').collect();
    parts.len() == 3
        && parts[0] == "LB"
        && parts[1].len() == 8
        && parts[2].len() == 4
        && parts[1..]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(app.counts().await, (0, 0), "nothing may be stored");
}

async fn a_valid_restaurant_application_is_filed_with_one_sub_application_per_item(app: &TestApp) {
    let (status, headers, body) = app.submit(&restaurant(), &[]).await;
    assert_eq!(status, 201, "{body}");
    let number = body["number"].as_str().expect("number");
    let token = body["token"].as_str().expect("token");
    assert!(is_application_number(number), "{number}");
    assert!(token.len() >= 40);
    assert_eq!(headers["location"], format!("/api/applications/{number}"));
    assert_eq!(app.counts().await, (1, 5));

    let (status, _, s) = app
        .get(&format!("/api/applications/{number}"), Some(token))
        .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["number"], number);
    assert_eq!(s["bundle"], "restaurant");
    assert_eq!(s["status"], "submitted");
    let items = s["items"].as_array().expect("items");
    assert_eq!(
        item_ids(&s),
        &RESTAURANT_WITH_STAFF_AND_TOBACCO[..5],
        "the restaurant's items and, with staff, social insurance"
    );
    let departments: Vec<&str> = items
        .iter()
        .map(|i| i["department"].as_str().expect("dept"))
        .collect();
    assert_eq!(departments, ["samr", "samr", "psb", "tax", "hrss"]);
    assert!(items.iter().all(|i| i["status"] == "submitted"));
    assert_eq!(items[2]["department_name"]["zh"], "睢县公安局");
}

async fn the_status_needs_the_right_token_and_never_reveals_whether_a_number_exists(app: &TestApp) {
    let (_, _, body) = app.submit(&restaurant(), &[]).await;
    let number = body["number"].as_str().expect("number");
    let path = format!("/api/applications/{number}");

    let (status, _, wrong) = app.get(&path, Some("not-the-token")).await;
    assert_eq!(status, 404);
    let (status, _, unknown) = app
        .get("/api/applications/LB-20000101-9999", Some("not-the-token"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        wrong, unknown,
        "a wrong token and an unknown number look the same"
    );
    let (status, _, missing) = app.get(&path, None).await;
    assert_eq!(status, 401);
    assert!(missing["message"].is_string());
    let (status, _, _) = app.get("/api/applications/..%2F..%2Fetc", Some("x")).await;
    assert_eq!(status, 404);
}

async fn malformed_json_is_rejected_and_nothing_is_stored(app: &TestApp) {
    let (status, _, body) = app
        .post_raw(
            "/api/applications",
            "application/json",
            b"{\"bundle\": \"restaurant\",".to_vec(),
            &[],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().expect("message").contains("JSON"),
        "{body}"
    );
    assert!(body["field_errors"].as_object().expect("map").is_empty());
    assert_nothing_stored(app).await;
}

async fn a_wrong_content_type_is_rejected_and_nothing_is_stored(app: &TestApp) {
    let bytes = serde_json::to_vec(&restaurant()).expect("json");
    let (status, _, body) = app
        .post_raw("/api/applications", "text/plain", bytes, &[])
        .await;
    assert_eq!(status, 415);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("application/json")
    );
    assert_nothing_stored(app).await;
}

async fn an_unknown_bundle_is_a_field_error(app: &TestApp) {
    let mut body = restaurant();
    body["bundle"] = json!("casino");
    let (status, _, err) = app.submit(&body, &[]).await;
    assert_eq!(status, 422);
    assert_eq!(err["field_errors"]["bundle"][0], "没有这个套餐");
    assert_nothing_stored(app).await;
}

async fn an_unknown_answer_key_is_a_field_error(app: &TestApp) {
    let (status, _, err) = app
        .submit(&restaurant_with("business.secret_note", json!("x")), &[])
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["field_errors"]["business.secret_note"][0],
        "表单中没有此项"
    );
    assert_eq!(err["field_errors"].as_object().expect("map").len(), 1);
    assert_nothing_stored(app).await;
}

async fn answers_that_contradict_the_bundle_are_a_field_error(app: &TestApp) {
    // A restaurant (its food permit) whose scope is daily goods only: the catalogue's check,
    // the same words as in the browser, at the scope — nothing else wrong, nothing stored.
    let (status, _, err) = app
        .submit(
            &restaurant_with("business.scope", json!(["daily_goods"])),
            &[],
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["field_errors"]["business.scope"][0],
        "申请食品经营许可，经营范围须包含「餐饮服务」或「散装食品销售」"
    );
    assert_eq!(err["field_errors"].as_object().expect("map").len(), 1);
    assert_nothing_stored(app).await;
    let (status, _, _) = app
        .submit(
            &restaurant_with("business.scope", json!(["bulk_food"])),
            &[],
        )
        .await;
    assert_eq!(status, 201, "bulk food agrees with the food permit");
}

async fn the_status_says_what_happens_next(app: &TestApp) {
    let applicant = app.file(&restaurant()).await;
    let zh = |status: &Value| -> Vec<String> {
        let text = status["next_steps"]["zh"].as_str().expect("next steps");
        text.lines().map(String::from).collect()
    };
    // Waiting for the window: what happens there, and where and when it is open (catalogue).
    let waiting = zh(&applicant.status().await);
    assert!(waiting[0].contains("综合窗口审查"), "{waiting:?}");
    let window = waiting.last().expect("the window");
    assert!(
        window.contains("“证照联办”受理窗口")
            && window.contains("8:30")
            && window.contains("出件窗口"),
        "{window}"
    );
    // Accepted: the day every item is due by, the latest of the items' own days.
    let accepted = app.clerk().await.accept(&applicant.number).await;
    let last = accepted["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["due_on"].as_str())
        .max()
        .expect("due days")
        .to_string();
    let status = applicant.status().await;
    let lines = zh(&status);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("最迟 {last} 办结"))),
        "{lines:?}"
    );
    let en = status["next_steps"]["en"].as_str().expect("en");
    assert_eq!(
        en.lines().count(),
        lines.len(),
        "a line each, in both languages"
    );
}

async fn a_body_over_one_mebibyte_is_rejected(app: &TestApp) {
    let big = "饭".repeat(400_000); // 1.2 MB of UTF-8
    let (status, _, err) = app
        .submit(&restaurant_with("food.description", json!(big)), &[])
        .await;
    assert_eq!(status, 413);
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("1024 KB"),
        "{err}"
    );
    assert_nothing_stored(app).await;
}

async fn a_field_of_the_wrong_type_is_a_field_error(app: &TestApp) {
    let (status, _, err) = app
        .submit(&restaurant_with("business.capital", json!("ten")), &[])
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["field_errors"]["business.capital"][0],
        "填写内容的类型不正确"
    );
    let (status, _, err) = app
        .submit(&restaurant_with("seal.kinds", json!("official")), &[])
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["seal.kinds"].is_array());
    let mut body = restaurant();
    body["answers"] = json!(["not", "a", "map"]);
    let (status, _, err) = app.submit(&body, &[]).await;
    assert_eq!(status, 422, "{err}");
    assert_nothing_stored(app).await;
}

async fn an_id_number_with_a_wrong_check_character_or_impossible_birth_date_is_a_field_error(
    app: &TestApp,
) {
    let (status, _, err) = app
        .submit(
            &restaurant_with("legal_rep.id_number", json!("110105194912310021")),
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["field_errors"]["legal_rep.id_number"][0],
        "身份证号码校验位不正确，请核对"
    );
    // 1949-02-30 with a correct check character.
    let (status, _, err) = app
        .submit(
            &restaurant_with("legal_rep.id_number", json!("110105194902300025")),
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["field_errors"]["legal_rep.id_number"][0],
        "身份证号码中的出生日期不存在"
    );
    assert_nothing_stored(app).await;
}

async fn a_uscc_with_a_wrong_check_character_is_a_field_error(app: &TestApp) {
    let (status, _, err) = app
        .submit(
            &restaurant_with("premises.landlord_uscc", json!("91350200776049653B")),
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["field_errors"]["premises.landlord_uscc"][0],
        "统一社会信用代码校验位不正确，请核对"
    );
    assert_nothing_stored(app).await;
}

async fn every_problem_is_reported_at_once(app: &TestApp) {
    let (status, _, err) = app
        .submit(&json!({"bundle": "restaurant", "answers": {}}), &[])
        .await;
    assert_eq!(status, 422);
    let fields = err["field_errors"].as_object().expect("map");
    assert!(
        fields.len() >= 15,
        "every required field at once: {fields:?}"
    );
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains(&fields.len().to_string())
    );
    assert_nothing_stored(app).await;
}

async fn a_retried_submission_with_the_same_idempotency_key_creates_one_application(app: &TestApp) {
    let key = [("idempotency-key", "retry-0001-8f0e4c2a")];
    let (s1, _, first) = app.submit(&restaurant(), &key).await;
    let (s2, headers, second) = app.submit(&restaurant(), &key).await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (201, 201));
    assert_eq!(first, second, "the retry replays the first answer");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(app.counts().await, (1, 5));
    let (s3, _, third) = app
        .submit(&restaurant(), &[("idempotency-key", "retry-0002-8f0e4c2a")])
        .await;
    assert_eq!(s3, 201);
    assert_ne!(third["number"], first["number"]);
    let (s4, _, _) = app
        .submit(
            &restaurant(),
            &[("idempotency-key", "has space in it 12345")],
        )
        .await;
    assert_eq!(s4, 400);
    let (s5, _, _) = app
        .submit(&restaurant(), &[("idempotency-key", "short")])
        .await;
    assert_eq!(s5, 400, "too short to be unguessable");
}

async fn concurrent_submissions_with_one_idempotency_key_create_one_application(app: &TestApp) {
    let key = [("idempotency-key", "double-click-5b1d9e77")];
    let body = restaurant();
    let (a, b, c) = tokio::join!(
        app.submit(&body, &key),
        app.submit(&body, &key),
        app.submit(&body, &key)
    );
    for (status, _, _) in [&a, &b, &c] {
        assert_eq!(*status, 201);
    }
    assert_eq!(a.2["number"], b.2["number"]);
    assert_eq!(a.2["number"], c.2["number"]);
    assert_eq!(app.counts().await, (1, 5));
}

/// Forty filings at once go into a few shared transactions (group commit): each is answered as
/// if it had been filed alone — its own number, its items, its audit entry in an intact chain;
/// a key sent five times makes one application, a key reused for another body is refused, a
/// draft submitted twice goes with one filing only.
async fn filings_arriving_together_are_written_together_and_each_answered_as_alone(app: &TestApp) {
    let (draft, token) = app.draft("restaurant").await;
    let mut with_draft = restaurant();
    with_draft["draft"] = json!({"id": draft, "token": token});
    let other = restaurant_with("business.name", json!("另一家店"));
    let mut tries: Vec<(Value, Vec<(&str, &str)>)> =
        (0..30).map(|_| (restaurant(), vec![])).collect();
    tries.extend((0..5).map(|_| {
        (
            restaurant(),
            vec![("idempotency-key", "same-key-4f1c2a9b7e")],
        )
    }));
    tries.push((other, vec![("idempotency-key", "same-key-4f1c2a9b7e")]));
    tries.extend((0..2).map(|_| (with_draft.clone(), vec![])));
    let answers = futures_util::future::join_all(
        tries
            .iter()
            .map(|(body, headers)| app.submit(body, headers)),
    )
    .await;
    let status = |range: std::ops::Range<usize>| -> Vec<u16> {
        answers[range].iter().map(|(s, _, _)| s.as_u16()).collect()
    };
    assert_eq!(status(0..30), vec![201; 30]);
    // One key, one application: the five same bodies and the other share its answer or are
    // refused (422) for another body, whichever came first.
    let keyed = &answers[30..36];
    let won: Vec<&Value> = keyed
        .iter()
        .filter(|(s, _, _)| s.as_u16() == 201)
        .map(|(_, _, b)| &b["number"])
        .collect();
    assert!(won.iter().all(|n| *n == won[0]), "{won:?}");
    let refused = keyed.iter().filter(|(s, _, _)| s.as_u16() == 422).count();
    assert!(
        (won.len(), refused) == (5, 1) || (won.len(), refused) == (1, 5),
        "{keyed:?}"
    );
    let mut drafts = status(36..38);
    drafts.sort();
    assert_eq!(drafts, vec![201, 409], "the draft goes with one filing");
    let mut numbers: Vec<String> = answers
        .iter()
        .filter(|(s, _, _)| s.as_u16() == 201)
        .map(|(_, _, b)| b["number"].as_str().expect("number").to_string())
        .collect();
    numbers.sort();
    numbers.dedup();
    let filed = 30 + 1 + 1;
    assert_eq!(numbers.len(), filed);
    // Numbered 0001 upwards without a gap.
    for (n, number) in numbers.iter().enumerate() {
        assert!(number.ends_with(&format!("-{:04}", n + 1)), "{numbers:?}");
    }
    assert_eq!(app.counts().await, (filed as i64, 5 * filed as i64));
    for number in &numbers {
        let history = backend::db::audit::history(&app.db, &format!("application {number}"))
            .await
            .expect("history");
        assert_eq!(history.len(), 1, "one entry for {number}");
    }
    backend::service::audit::verify_chain(&app.db)
        .await
        .expect("the chain is intact");
}

async fn an_idempotency_key_reused_for_another_body_is_refused(app: &TestApp) {
    let key = [("idempotency-key", "reused-key-0c4e1a90")];
    app.submit(&restaurant(), &key).await;
    let (status, _, err) = app
        .submit(&restaurant_with("business.name", json!("另一家店")), &key)
        .await;
    assert_eq!(status, 422);
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("Idempotency-Key")
    );
    assert_eq!(app.counts().await, (1, 5));
}

async fn numbers_count_up_within_the_day(app: &TestApp) {
    let (_, _, a) = app.submit(&restaurant(), &[]).await;
    let (_, _, b) = app
        .submit(
            &json!({"bundle": "small_shop", "answers": small_shop_answers()}),
            &[],
        )
        .await;
    let (a, b) = (
        a["number"].as_str().expect("a"),
        b["number"].as_str().unwrap_or_else(|| panic!("b: {b}")),
    );
    assert!(a.ends_with("-0001") && b.ends_with("-0002"), "{a} {b}");
    assert_eq!(a[..12], b[..12]);
    // 5 items each: the small shop makes food on site (its registration) and has employees.
    assert_eq!(app.counts().await, (2, 10));
}

fn small_shop_answers() -> Value {
    let mut answers = restaurant()["answers"].clone();
    let map = answers.as_object_mut().expect("map");
    // A small shop asks neither the restaurant's food categories nor the investment (no fire
    // rule): answers outside its form would be refused.
    map.retain(|k, _| k != "food.categories" && k != "plans.investment");
    answers
}

async fn english_clients_get_english_messages(app: &TestApp) {
    let bytes =
        serde_json::to_vec(&restaurant_with("legal_rep.phone", json!("12345"))).expect("json");
    let (status, _, err) = app
        .post_raw(
            "/api/applications",
            "application/json",
            bytes,
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        err["field_errors"]["legal_rep.phone"][0]
            .as_str()
            .expect("msg")
            .starts_with("Enter an 11-digit")
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::sqlite().await;
    let (status, _, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    for path in [
        "/api/bundles",
        "/api/bundles/{id}",
        "/api/applications",
        "/api/applications/{number}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["CreateApplication"].is_object());
    // Every route of the router, with its method: a route added without its documentation
    // fails here.
    for (method, path) in app.route_table() {
        let documented = &doc["paths"][path][method.to_lowercase()];
        assert!(
            documented.is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    // Each operation has its own id; each error of the JSON API says its body (an ErrorBody,
    // but the token endpoint's, which are OAuth's), and every answer there is one it documents.
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let id = op["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_string()), "{id} twice ({method} {path})");
            if !path.starts_with("/api/") || method == "head" {
                continue;
            }
            for (status, response) in op["responses"].as_object().expect("responses") {
                let error =
                    status.starts_with('4') || status.starts_with('5') || status == "default";
                let schema = &response["content"]["application/json"]["schema"];
                let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
                let is_error_body = |s: &Value| *s == error_body;
                let names_it = is_error_body(schema)
                    || schema["$ref"].as_str().is_some_and(|r| {
                        let name = r.trim_start_matches("#/components/schemas/");
                        let one_of = &doc["components"]["schemas"][name]["oneOf"];
                        one_of
                            .as_array()
                            .is_some_and(|all| all.iter().any(is_error_body))
                    });
                if error && path != "/api/oauth/token" {
                    assert!(names_it, "{method} {path} {status}: {schema}");
                }
            }
            assert!(op["responses"]["default"].is_object() || path == "/api/oauth/token");
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    app.finish().await;
}

/// The API reference: the page under its own policy, Swagger UI's files from the binary —
/// gzipped to a client that takes gzip (Python's `gzip` unpacks them to the very bytes a
/// client without it gets), unknown names an `ErrorBody` 404.
#[tokio::test]
async fn the_api_reference_is_served_from_the_binary_gzipped_when_the_client_takes_it() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::sqlite().await;
    let get = |path: &str, gzip: bool| {
        let mut req = Request::get(path);
        if gzip {
            req = req.header("accept-encoding", "br, gzip;q=0.8");
        }
        req.body(Body::empty()).expect("request")
    };
    let (status, headers, page) = app.raw(get("/api/docs", false)).await;
    assert_eq!(status, 200);
    let policy = headers["content-security-policy"].to_str().expect("ascii");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    let page = String::from_utf8(page).expect("utf-8");
    for file in [
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
        "lianban.css",
        "lianban.js",
    ] {
        assert!(page.contains(&format!("/api/docs/{file}")), "{file}");
        let (status, _, _) = app.raw(get(&format!("/api/docs/{file}"), false)).await;
        assert_eq!(status, 200, "{file}");
    }
    let (_, packed_headers, packed) = app.raw(get("/api/docs/swagger-ui-bundle.js", true)).await;
    assert_eq!(packed_headers["content-encoding"], "gzip");
    assert_eq!(packed_headers["vary"], "accept-encoding");
    let (_, plain_headers, plain) = app.raw(get("/api/docs/swagger-ui-bundle.js", false)).await;
    assert!(plain_headers.get("content-encoding").is_none());
    assert!(
        plain.len() > 3 * packed.len(),
        "{} vs {}",
        plain.len(),
        packed.len()
    );
    let dir = std::env::temp_dir().join(format!("lianban-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("bundle.js.gz");
    std::fs::write(&file, &packed).expect("write");
    let unpacked = std::process::Command::new("python3")
        .args([
            "-c",
            "import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())",
        ])
        .arg(&file)
        .output()
        .expect("python3");
    std::fs::remove_dir_all(&dir).ok();
    assert!(unpacked.status.success());
    assert!(unpacked.stdout == plain, "the same script either way");
    let (status, _, missing) = app.get("/api/docs/nothing.js", None).await;
    assert_eq!(
        (status.as_u16(), missing["message"].is_string()),
        (404, true)
    );
    app.finish().await;
}

/// A path segment or a query string the route cannot take is answered as every other refusal
/// (an `ErrorBody` in the request's language), never in axum's plain text.
#[tokio::test]
async fn a_bad_path_or_query_string_is_an_error_body_too() {
    let app = TestApp::sqlite().await;
    for (path, zh) in [
        ("/api/supervision/plans/0.5", "请求地址中的参数无效"),
        ("/api/names", "查询参数缺失或无效"),
    ] {
        let (status, headers, body) = app.get(path, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(headers["content-type"], "application/json", "{path}");
        let message = body["message"].as_str().expect("message");
        assert!(message.starts_with(zh), "{path}: {message}");
        assert!(body["field_errors"].is_object());
    }
    app.finish().await;
}

#[tokio::test]
async fn metrics_count_what_happened_for_the_scraper_only_and_readiness_follows_the_database() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    let app = TestApp::sqlite().await;
    assert_eq!(app.submit(&restaurant(), &[]).await.0, 201);
    let scrape = |from: &str| {
        let peer: std::net::SocketAddr = from.parse().expect("peer");
        Request::get("/metrics")
            .extension(ConnectInfo(peer))
            .body(Body::empty())
            .expect("request")
    };
    let (status, headers, text) = app.send(scrape("127.0.0.1:9000")).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/openmetrics-text")
    );
    let text = text.as_str().expect("text");
    for line in [
        "lianban_applications_filed_total 1",
        "lianban_http_requests_total{method=\"POST\",route=\"/api/applications\",status=\"201\"} 1",
        "lianban_jobs_queued 0",
        "lianban_jobs_given_up 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    assert!(text.contains("lianban_http_request_duration_seconds_bucket{le="));
    assert!(text.contains("lianban_db_pool_connections "));
    assert_eq!(
        app.send(scrape("203.0.113.1:9000")).await.0,
        404,
        "not for everyone"
    );
    let (status, _, _) = app.get("/readyz", None).await;
    assert_eq!(status, 200);
    app.db.pool.close().await;
    let (status, _, _) = app.get("/readyz", None).await;
    assert_eq!(status, 503, "no database, not ready");
    app.finish().await;
}

#[tokio::test]
async fn the_catalogue_is_served_with_a_tag_and_a_client_that_has_it_gets_304() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::sqlite().await;
    for path in ["/api/bundles", "/api/bundles/pharmacy"] {
        let (status, headers, body) = app.get(path, None).await;
        assert_eq!(status, 200);
        assert!(body.is_array() || body.is_object());
        let tag = headers["etag"].to_str().expect("ascii").to_string();
        assert_eq!(headers["cache-control"], "no-cache");
        let again = Request::get(path)
            .header("if-none-match", &tag)
            .body(Body::empty())
            .expect("request");
        let (status, headers, body) = app.send(again).await;
        assert_eq!((status.as_u16(), body), (304, Value::Null), "{path}");
        assert_eq!(headers["etag"], tag.as_str());
        let other = Request::get(path)
            .header("if-none-match", "\"stale\"")
            .body(Body::empty())
            .expect("request");
        assert_eq!(app.send(other).await.0, 200);
    }
    let (status, _, _) = app.get("/api/bundles/nothing", None).await;
    assert_eq!(status, 404);
    app.finish().await;
}

#[tokio::test]
async fn bundles_health_and_unknown_paths_answer_in_json() {
    let app = TestApp::sqlite().await;
    let (status, _, list) = app.get("/api/bundles", None).await;
    assert_eq!(status, 200);
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|b| b["id"] == "restaurant")
    );
    let (status, _, view) = app.get("/api/bundles/restaurant", None).await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = view["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["key"].as_str().expect("key"))
        .collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "each field once");
    let food = view["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == "food_business_permit")
        .expect("food");
    assert_eq!(
        (
            food["onsite_inspection"].as_bool(),
            food["validity_years"].as_u64()
        ),
        (Some(true), Some(5))
    );
    // The add-ons come with their rules and the questions those read.
    assert!(
        view["questions"]
            .as_array()
            .expect("questions")
            .contains(&json!("plans.tobacco"))
    );
    let fire = view["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "fire_threshold")
        .expect("fire rule");
    assert_eq!(fire["when"]["any"][0]["over"]["value"], 300.0);
    let (status, _, err) = app.get("/api/bundles/casino", None).await;
    assert_eq!(
        (status.as_u16(), err["message"].as_str()),
        (404, Some("没有这个套餐"))
    );
    let (status, _, err) = app.get("/api/nothing-here", None).await;
    assert_eq!(status, 404);
    assert!(err["message"].is_string());
    let (status, _, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    app.finish().await;
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_durable_commits() {
    let app = TestApp::sqlite().await;
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&app.db.pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
        .fetch_one(&app.db.pool)
        .await
        .expect("pragma");
    assert_eq!(sync, 2, "FULL");
    app.finish().await;
}

#[tokio::test]
async fn one_address_filing_too_fast_is_told_to_wait_and_others_are_not() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    // Three a minute: one token comes back every 20 s, far longer than this test runs.
    let app = TestApp::sqlite().await.with_submit_limit(3);
    // As `serve` reports the peer of a real socket.
    let from = |addr: &str| {
        let addr: std::net::SocketAddr = addr.parse().expect("address");
        let body = serde_json::to_vec(&restaurant()).expect("json");
        Request::post("/api/applications")
            .header("content-type", "application/json")
            .extension(ConnectInfo(addr))
            .body(Body::from(body))
            .expect("request")
    };
    for _ in 0..3 {
        assert_eq!(app.send(from("203.0.113.7:5000")).await.0, 201);
    }
    let (status, headers, body) = app.send(from("203.0.113.7:5001")).await;
    assert_eq!(status, 429, "{body}");
    assert!(
        headers["retry-after"]
            .to_str()
            .expect("ascii")
            .parse::<u64>()
            .expect("seconds")
            >= 1
    );
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("请求过于频繁")
    );
    assert_eq!(
        app.send(from("198.51.100.1:6000")).await.0,
        201,
        "another address is not limited"
    );
    assert_eq!(app.counts().await.0, 4, "the refused one stored nothing");
    app.finish().await;
}

#[tokio::test]
async fn logins_and_public_pages_are_limited_per_address() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    let app = TestApp::sqlite().await;
    let peer: std::net::SocketAddr = "203.0.113.9:7000".parse().expect("address");
    let login = || {
        Request::post("/api/staff/login")
            .header("content-type", "application/json")
            .extension(ConnectInfo(peer))
            .body(Body::from(
                r#"{"username":"nobody","password":"wrong password!!"}"#,
            ))
            .expect("request")
    };
    for _ in 0..20 {
        assert_eq!(app.send(login()).await.0, 401);
    }
    assert_eq!(app.send(login()).await.0, 429, "the 21st login a minute");
    let page = || {
        Request::get("/v/AAAAAAAAAAAAAAAAAAAAAA")
            .extension(ConnectInfo(peer))
            .body(Body::empty())
            .expect("request")
    };
    for _ in 0..120 {
        assert_eq!(app.send(page()).await.0, 404);
    }
    assert_eq!(app.send(page()).await.0, 429, "the 121st page a minute");
    app.finish().await;
}

#[tokio::test]
async fn the_guide_counts_working_days_through_the_national_day_week() {
    let app = TestApp::sqlite().await;
    let (status, _, guide) = app
        .get("/api/bundles/restaurant/guide?accepted_on=2026-09-24", None)
        .await;
    assert_eq!(status, 200, "{guide}");
    // Food permit: 5 working days from Thu 24 Sep — Mon 28, Tue 29, Wed 30, Thu 8, Fri 9 Oct.
    let food = guide["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food");
    assert_eq!(food["due_on"], "2026-10-09");
    // Half-day items are due by the next working day (Mon 28 Sep, after the Mid-Autumn break).
    let seal = guide["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "seal_filing")
        .expect("seal");
    assert_eq!(seal["due_on"], "2026-09-28");
    assert_eq!(
        guide["due_on"], "2026-10-09",
        "items run in parallel: the latest, not the sum"
    );
    assert_eq!(guide["calendar_covers"], true);
    let f = &guide["figures"];
    assert_eq!(f["committed_days"], 5.0);
    assert_eq!(f["serial_statutory_days"], 15.0);
    // The plan's measure: each item against its own statutory limit, averaged (措施 8).
    assert_eq!(f["days"]["average_cut_percent"], 58);
    assert_eq!(f["days"]["target_percent"], 85);
    assert_eq!(f["days"]["target_met"], false);
    assert!(f["fields_merged"].as_u64() < f["fields_separate"].as_u64());
    let materials = guide["materials"].as_array().expect("materials");
    let rules = materials
        .iter()
        .find(|m| m["material"]["id"] == "food_safety_rules")
        .expect("rules");
    assert_eq!(rules["material"]["may_be_missing"], true);
    assert!(
        materials
            .iter()
            .all(|m| m["material"]["id"] != "business_licence"),
        "the licence the bundle issues is not asked for"
    );

    // Answers as query pairs choose the add-ons: tobacco (10 days) now sets the date.
    let (status, _, guide) = app
        .get(
            "/api/bundles/restaurant/guide?accepted_on=2026-09-24&plans.tobacco=true&business.employees=2",
            None,
        )
        .await;
    assert_eq!(status, 200, "{guide}");
    assert_eq!(item_ids(&guide), RESTAURANT_WITH_STAFF_AND_TOBACCO);
    assert_eq!(
        guide["departments"],
        json!(["samr", "psb", "tax", "hrss", "tobacco"])
    );
    // 10 working days from Thu 24 Sep: 28, 29, 30 Sep, 8, 9, 10 (make-up Saturday), 12–15 Oct.
    assert_eq!(guide["due_on"], "2026-10-15");
    assert_eq!(guide["figures"]["committed_days"], 10.0);
    // With its add-ons, by the plan's measure: registration 3 → 0.5 (83.3%), five items each
    // halved (food 10 → 5, seal, invoice, social insurance 1 → 0.5, tobacco 20 → 10):
    // (83.3 + 5 × 50) / 6 = 55.5%, floored.
    let days = &guide["figures"]["days"];
    assert_eq!(days["average_cut_percent"], 55);
    assert_eq!(days["target_met"], false);
    assert_eq!(days["items"].as_array().map(Vec::len), Some(6));
    assert_eq!(days["items"][0]["cut_percent"], 83);
    let (status, _, err) = app
        .get(
            "/api/bundles/restaurant/guide?premises.area=big&plans.colour=red",
            None,
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(err["field_errors"]["premises.area"].is_array(), "{err}");
    assert!(err["field_errors"]["plans.colour"].is_array(), "{err}");
    let (status, _, err) = app
        .get("/api/bundles/restaurant/guide?accepted_on=2026-02-30", None)
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["accepted_on"].is_array());
    let (_, _, later) = app
        .get("/api/bundles/restaurant/guide?accepted_on=2027-03-01", None)
        .await;
    assert_eq!(
        later["calendar_covers"], false,
        "2027 is not in the calendar yet"
    );
    app.finish().await;
}

async fn add_ons_become_sub_applications_and_hidden_answers_are_dropped(app: &TestApp) {
    // Tobacco ticked: the licence's own field is now required.
    let mut body = restaurant_with("plans.tobacco", json!(true));
    let (status, _, err) = app.submit(&body, &[]).await;
    assert_eq!(status, 422, "{err}");
    let errors = err["field_errors"].as_object().expect("errors");
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        ["tobacco.distance_to_school"]
    );
    assert_nothing_stored(app).await;

    let answers = &mut body["answers"];
    answers["tobacco.distance_to_school"] = json!(150);
    // Hidden by the rules, so dropped whatever they hold: the landlord of owned premises, the
    // signature of a commitment not chosen, the fire facts of a small restaurant.
    answers["premises.tenure"] = json!("owned");
    answers["premises.landlord_uscc"] = json!("not a code");
    answers["commitment.chosen@food_business_permit"] = json!(false);
    answers["commitment.signatory@food_business_permit"] = json!(42);
    answers["fire.exits"] = json!("two");
    let (status, _, created) = app.submit(&body, &[]).await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number");
    let token = created["token"].as_str().expect("token");
    let (_, _, s) = app
        .get(&format!("/api/applications/{number}"), Some(token))
        .await;
    assert_eq!(item_ids(&s), RESTAURANT_WITH_STAFF_AND_TOBACCO);
    let stored = app.stored_answers(number).await;
    for hidden in [
        "premises.landlord_uscc",
        "commitment.signatory@food_business_permit",
        "fire.exits",
    ] {
        assert!(
            stored.get(hidden).is_none(),
            "{hidden} was stored: {stored}"
        );
    }
    assert_eq!(stored["tobacco.distance_to_school"], 150);
    assert_eq!(stored["plans.tobacco"], true);
}
