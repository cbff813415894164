//! The back office through the API: staff sessions, intake, department review, the automatic
//! split, the state machine, optimistic concurrency, the authorisation matrix and the audit
//! chain — on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use backend::admin::{NewAccount, add_staff, verify_audit};
use serde_json::{Value, json};

use crate::helpers::{TestApp, restaurant};

const PASSWORD: &str = "correct horse battery staple";

crate::on_both_databases!(
    staff_sessions_are_server_side_secure_and_revocable,
    repeated_wrong_passwords_lock_the_account,
    intake_splits_the_application_and_departments_review_in_parallel,
    every_role_reaches_exactly_what_it_should,
    the_audit_chain_detects_a_changed_or_missing_entry,
);

async fn account(app: &TestApp, username: &str, role: &str, department: Option<&str>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
    let catalogue = backend::catalogue::load(&dir).expect("catalogue");
    let new = NewAccount {
        username,
        role,
        department,
        display_name: None,
        password: PASSWORD,
    };
    add_staff(&app.db, &catalogue, &new).await.expect("account");
}

async fn login_with(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let body = json!({ "username": username, "password": password }).to_string();
    let (status, headers, value) = app
        .send(
            Request::post("/api/staff/login")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .expect("request"),
        )
        .await;
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, cookie, value)
}

/// Logs in; returns the `Cookie` header value.
async fn login(app: &TestApp, username: &str) -> String {
    let (status, cookie, body) = login_with(app, username, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("set-cookie");
    cookie.split(';').next().expect("pair").to_string()
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    };
    let (status, _, value) = app.send(req.expect("request")).await;
    (status, value)
}

async fn staff_sessions_are_server_side_secure_and_revocable(app: &TestApp) {
    account(app, "alice", "clerk", None).await;
    account(app, "root", "admin", None).await;
    let (status, cookie, _) = login_with(app, "alice", PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = cookie.expect("cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let alice = cookie.split(';').next().expect("pair").to_string();
    let (status, me) = call(app, "GET", "/api/staff/me", Some(&alice), None).await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("clerk"))
    );
    let (status, _) = call(app, "GET", "/api/staff/me", None, None).await;
    assert_eq!(status, 401);
    let (status, _) = call(
        app,
        "GET",
        "/api/staff/me",
        Some("lianban_staff=forged"),
        None,
    )
    .await;
    assert_eq!(status, 401);

    // Logout ends the session on the server: the old cookie no longer works.
    let (status, _) = call(app, "POST", "/api/staff/logout", Some(&alice), None).await;
    assert_eq!(status, 204);
    let (status, _) = call(app, "GET", "/api/staff/me", Some(&alice), None).await;
    assert_eq!(status, 401);

    // An administrator revokes every session of an account.
    let alice = login(app, "alice").await;
    let root = login(app, "root").await;
    let (status, _) = call(
        app,
        "POST",
        "/api/staff/accounts/root/revoke-sessions",
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 403, "a clerk may not");
    let (status, body) = call(
        app,
        "POST",
        "/api/staff/accounts/alice/revoke-sessions",
        Some(&root),
        None,
    )
    .await;
    assert_eq!(
        (status, body["revoked"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    let (status, _) = call(app, "GET", "/api/staff/me", Some(&alice), None).await;
    assert_eq!(status, 401);
}

async fn repeated_wrong_passwords_lock_the_account(app: &TestApp) {
    account(app, "bob", "clerk", None).await;
    let (status, _, body) = login_with(app, "nobody", PASSWORD).await;
    assert_eq!(status, 401, "{body}");
    for _ in 0..5 {
        let (status, _, _) = login_with(app, "bob", "wrong password!!").await;
        assert_eq!(status, 401);
    }
    // Locked: even the right password is refused for now.
    let (status, cookie, body) = login_with(app, "bob", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(cookie.is_none());
    assert!(body["message"].as_str().expect("message").contains("分钟"));
}

/// Files the restaurant application (with staff: five items); returns its number.
async fn file_restaurant(app: &TestApp) -> String {
    let (status, _, created) = app.submit(&restaurant(), &[]).await;
    assert_eq!(status, 201, "{created}");
    created["number"].as_str().expect("number").to_string()
}

fn item<'a>(application: &'a Value, id: &str) -> &'a Value {
    application["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == id)
        .unwrap_or_else(|| panic!("no {id} in {application}"))
}

async fn review(app: &TestApp, cookie: &str, item: &Value, body: Value) -> (StatusCode, Value) {
    let mut body = body;
    body["version"] = item["version"].clone();
    let path = format!("/api/staff/items/{}/review", item["id"]);
    call(app, "POST", &path, Some(cookie), Some(body)).await
}

async fn intake_splits_the_application_and_departments_review_in_parallel(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    account(app, "psb", "reviewer", Some("psb")).await;
    let (clerk, samr, psb) = (
        login(app, "clerk").await,
        login(app, "samr").await,
        login(app, "psb").await,
    );
    let number = file_restaurant(app).await;

    let (status, queue) = call(app, "GET", "/api/staff/intake", Some(&clerk), None).await;
    assert_eq!(status, 200);
    assert_eq!(queue[0]["number"], number.as_str());
    assert_eq!(queue[0]["business_name"], "睢县老张家常菜馆");
    assert_eq!(queue[0]["item_count"], 5);

    // Accepted with the food-safety rules to follow (容缺); a non-secondary material may not.
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = call(app, "GET", &path, Some(&clerk), None).await;
    let intake = format!("{path}/intake");
    let (status, err) = call(app, "POST", &intake, Some(&clerk), Some(json!({
        "decision": "accept", "version": full["version"], "missing_materials": ["premises_proof"], "bring_by": "2099-01-01"
    }))).await;
    assert_eq!(status, 422, "{err}");
    let (status, accepted) = call(app, "POST", &intake, Some(&clerk), Some(json!({
        "decision": "accept", "version": full["version"], "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"
    }))).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["intake"], "accepted");
    assert_eq!(
        accepted["notice"]["missing_materials"],
        json!(["food_safety_rules"])
    );
    for i in accepted["items"].as_array().expect("items") {
        assert_eq!(i["status"], "accepted");
        assert!(i["due_on"].is_string(), "{i}");
    }
    // Deciding twice, or on a stale version, changes nothing.
    let (status, _) = call(
        app,
        "POST",
        &intake,
        Some(&clerk),
        Some(json!({"decision": "correct", "version": full["version"], "notice": "x"})),
    )
    .await;
    assert_eq!(status, 412);
    let (status, _) = call(
        app,
        "POST",
        &intake,
        Some(&clerk),
        Some(json!({"decision": "correct", "version": accepted["version"], "notice": "x"})),
    )
    .await;
    assert_eq!(status, 409);

    // The split: each department sees its items and the answers they use, nothing else.
    let (status, mine) = call(app, "GET", &path, Some(&psb), None).await;
    assert_eq!(status, 200);
    let items: Vec<&str> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item"].as_str().expect("id"))
        .collect();
    assert_eq!(items, ["seal_filing"]);
    assert!(mine["answers"].get("seal.kinds").is_some());
    assert!(
        mine["answers"].get("food.categories").is_none(),
        "{}",
        mine["answers"]
    );
    assert!(mine["answers"].get("tax.invoice_kind").is_none());
    let (_, samr_view) = call(app, "GET", &path, Some(&samr), None).await;
    let (status, queue) = call(app, "GET", "/api/staff/queue", Some(&samr), None).await;
    assert_eq!(status, 200);
    let queued: Vec<&str> = queue
        .as_array()
        .expect("queue")
        .iter()
        .map(|i| i["item"].as_str().expect("id"))
        .collect();
    assert_eq!(
        queued,
        ["business_registration", "food_business_permit"],
        "nearest deadline first"
    );

    // Another department's item does not exist for a reviewer.
    let food = item(&samr_view, "food_business_permit").clone();
    let (status, _) = review(
        app,
        &psb,
        &food,
        json!({"action": "approve", "certificate": "X"}),
    )
    .await;
    assert_eq!(status, 404);

    // Inspection pauses the clock; recording it resumes it.
    let (status, inspected) = review(
        app,
        &samr,
        &food,
        json!({"action": "schedule_inspection", "inspection_on": "2099-01-05"}),
    )
    .await;
    assert_eq!(status, 200, "{inspected}");
    assert_eq!(inspected["status"], "inspection_scheduled");
    assert!(inspected["due_on"].is_null(), "paused");
    // Two reviewers on one version: the second is told it is stale.
    let (status, _) = review(app, &samr, &food, json!({"action": "record_inspection"})).await;
    assert_eq!(status, 412);
    let (status, resumed) = review(
        app,
        &samr,
        &inspected,
        json!({"action": "record_inspection", "message": "符合要求"}),
    )
    .await;
    assert_eq!(status, 200, "{resumed}");
    assert_eq!(resumed["status"], "accepted");
    assert!(resumed["due_on"].is_string());
    // An approval needs its certificate number; then the permit is valid for five years.
    let (status, _) = review(app, &samr, &resumed, json!({"action": "approve"})).await;
    assert_eq!(status, 422);
    let (status, approved) = review(
        app,
        &samr,
        &resumed,
        json!({"action": "approve", "certificate": "JY34114220000001"}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["decision"]["certificate"], "JY34114220000001");
    assert!(approved["decision"]["valid_until"].is_string());
    // Decided is final.
    let (status, _) = review(
        app,
        &samr,
        &approved,
        json!({"action": "reject", "message": "no"}),
    )
    .await;
    assert_eq!(status, 409);

    // Meanwhile, in parallel, the police reject the seal filing with a reason.
    let seal = item(&mine, "seal_filing").clone();
    let (status, _) = review(app, &psb, &seal, json!({"action": "reject"})).await;
    assert_eq!(status, 422, "a reason is required");
    let (status, rejected) = review(
        app,
        &psb,
        &seal,
        json!({"action": "reject", "message": "印章样式不符"}),
    )
    .await;
    assert_eq!(status, 200, "{rejected}");
}

async fn every_role_reaches_exactly_what_it_should(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    account(app, "psb", "reviewer", Some("psb")).await;
    account(app, "root", "admin", None).await;
    let number = file_restaurant(app).await;
    let clerk = login(app, "clerk").await;
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = call(app, "GET", &path, Some(&clerk), None).await;
    let version = full["version"].clone();
    let food_id = item(&full, "food_business_permit")["id"].clone();
    let sessions = [
        ("anonymous", None),
        ("clerk", Some(clerk.clone())),
        ("samr", Some(login(app, "samr").await)),
        ("psb", Some(login(app, "psb").await)),
        ("root", Some(login(app, "root").await)),
    ];
    let intake = format!("{path}/intake");
    let review_path = format!("/api/staff/items/{food_id}/review");
    // (method, path, body, expected status for anonymous, clerk, samr, psb, admin). Write
    // attempts carry a stale version or a refused action, so a permitted role is told 412/409
    // and nothing changes.
    let matrix: Vec<(&str, &str, Option<Value>, [u16; 5])> = vec![
        ("GET", "/api/staff/me", None, [401, 200, 200, 200, 200]),
        ("GET", "/api/staff/intake", None, [401, 200, 403, 403, 200]),
        ("GET", &path, None, [401, 200, 200, 200, 200]),
        (
            "GET",
            "/api/staff/applications/LB-20990101-0001",
            None,
            [401, 404, 404, 404, 404],
        ),
        (
            "POST",
            &intake,
            Some(json!({"decision": "accept", "version": -1})),
            [401, 412, 403, 403, 403],
        ),
        ("GET", "/api/staff/queue", None, [401, 403, 200, 200, 403]),
        (
            "POST",
            &review_path,
            Some(json!({"action": "approve", "version": -1})),
            [401, 403, 412, 404, 403],
        ),
        (
            "POST",
            "/api/staff/accounts/clerk/revoke-sessions",
            None,
            [401, 403, 403, 403, 200],
        ),
    ];
    for (method, p, body, expected) in &matrix {
        for ((who, cookie), want) in sessions.iter().zip(expected) {
            let (status, value) = call(app, method, p, cookie.as_deref(), body.clone()).await;
            assert_eq!(status.as_u16(), *want, "{who} {method} {p}: {value}");
        }
    }
    // The psb reviewer's view of the application holds no samr item; nothing above changed it.
    let (_, after) = call(app, "GET", &path, Some(&login(app, "clerk").await), None).await;
    assert_eq!(after["version"], version);
    assert!(
        after["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["status"] == "submitted")
    );
}

async fn the_audit_chain_detects_a_changed_or_missing_entry(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    let clerk = login(app, "clerk").await;
    let number = file_restaurant(app).await;
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = call(app, "GET", &path, Some(&clerk), None).await;
    let (status, _) = call(app, "POST", &format!("{path}/intake"), Some(&clerk), Some(json!({
        "decision": "correct", "version": full["version"], "notice": "经营场所使用证明缺少出租方签章；请补充平面图比例"
    }))).await;
    assert_eq!(status, 200);
    // staff.add, login, view, intake.correction_requested
    assert_eq!(
        verify_audit(&app.db).await.expect("intact"),
        "audit log intact: 4 entries"
    );
    let history = backend::db::audit::history(&app.db, &format!("application {number}"))
        .await
        .expect("history");
    let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["view", "intake.correction_requested"]);

    sqlx::query("UPDATE audit_log SET after_state = '{\"intake\":\"accepted\"}' WHERE seq = 4")
        .execute(&app.db.pool)
        .await
        .expect("tamper");
    let err = verify_audit(&app.db)
        .await
        .expect_err("tampered")
        .to_string();
    assert_eq!(err, "audit log broken at entry 4: its content was changed");

    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&app.db.pool)
        .await
        .expect("delete");
    let err = verify_audit(&app.db)
        .await
        .expect_err("missing")
        .to_string();
    assert_eq!(
        err,
        "audit log broken at entry 2: entry 2 is missing (next is 3)"
    );
}
