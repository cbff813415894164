//! The back office through the API: staff sessions, intake, department review, the automatic
//! split, the state machine, optimistic concurrency, the authorisation matrix and the audit
//! chain — on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use backend::service::accounts::{NewAccount, add_staff, verify_audit};
use serde_json::{Value, json};

use crate::helpers::{TestApp, restaurant, restaurant_with};

const PASSWORD: &str = "correct horse battery staple";

crate::on_both_databases!(
    staff_sessions_are_server_side_secure_and_revocable,
    repeated_wrong_passwords_lock_the_account,
    intake_splits_the_application_and_departments_review_in_parallel,
    every_role_reaches_exactly_what_it_should,
    the_audit_chain_detects_a_changed_or_missing_entry,
    approval_by_commitment_needs_the_list_and_a_clean_record,
    a_joint_inspection_pauses_every_item_and_is_recorded_once,
    the_applicant_sees_each_step_and_answers_what_is_asked,
    a_clerk_files_at_the_counter_with_the_same_form,
);

pub(crate) async fn account(app: &TestApp, username: &str, role: &str, department: Option<&str>) {
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
pub(crate) async fn login(app: &TestApp, username: &str) -> String {
    let (status, cookie, body) = login_with(app, username, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("set-cookie");
    cookie.split(';').next().expect("pair").to_string()
}

pub(crate) async fn call(
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
pub(crate) async fn file_restaurant(app: &TestApp) -> String {
    file(app, &restaurant()).await
}

pub(crate) async fn file(app: &TestApp, body: &Value) -> String {
    let (status, _, created) = app.submit(body, &[]).await;
    assert_eq!(status, 201, "{created}");
    created["number"].as_str().expect("number").to_string()
}

/// The clerk accepts application `number`; returns it as the clerk sees it.
pub(crate) async fn accept(app: &TestApp, clerk: &str, number: &str) -> Value {
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = call(app, "GET", &path, Some(clerk), None).await;
    let (status, accepted) = call(
        app,
        "POST",
        &format!("{path}/intake"),
        Some(clerk),
        Some(json!({"decision": "accept", "version": full["version"]})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    accepted
}

async fn import_list(
    app: &TestApp,
    admin: &str,
    csv: &str,
    content_type: &str,
) -> (StatusCode, Value) {
    let mut req = Request::post("/api/staff/dishonesty-list")
        .header("cookie", admin)
        .header("content-type", content_type);
    req = req.header("accept-language", "zh-CN");
    let (status, _, body) = app
        .send(req.body(Body::from(csv.to_string())).expect("request"))
        .await;
    (status, body)
}

pub(crate) fn item<'a>(application: &'a Value, id: &str) -> &'a Value {
    application["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == id)
        .unwrap_or_else(|| panic!("no {id} in {application}"))
}

pub(crate) async fn review(
    app: &TestApp,
    cookie: &str,
    item: &Value,
    body: Value,
) -> (StatusCode, Value) {
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
    let (status, _, created) = app.submit(&restaurant(), &[]).await;
    assert_eq!(status, 201);
    let number = created["number"].as_str().expect("number").to_string();
    let token = created["token"].as_str().expect("token").to_string();

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
    // Accepted with the food-safety rules owed: the permit waits for them.
    let (status, body) = review(
        app,
        &samr,
        &resumed,
        json!({"action": "approve", "certificate": "JY1"}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = crate::materials::upload(
        app,
        &format!("/api/applications/{number}"),
        &token,
        "food_safety_rules",
        "食品安全管理制度.pdf",
        &crate::materials::pdf(600, 1),
    )
    .await;
    assert_eq!(status, 200);
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
    let joint = format!("{path}/inspections");
    let history = format!("{path}/history");
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
        ("GET", &history, None, [401, 200, 200, 200, 200]),
        (
            "GET",
            "/api/staff/applications/LB-20990101-0001/history",
            None,
            [401, 404, 404, 404, 404],
        ),
        (
            "POST",
            &review_path,
            Some(json!({"action": "approve", "version": -1})),
            [401, 403, 412, 404, 403],
        ),
        (
            "POST",
            &joint,
            Some(json!({"on": "2099-01-05", "items": [{"id": food_id, "version": -1}]})),
            [401, 403, 412, 412, 403],
        ),
        (
            "POST",
            "/api/staff/inspections/999999/record",
            Some(json!({"result": "ok"})),
            [401, 403, 404, 404, 403],
        ),
        (
            "POST",
            "/api/staff/dishonesty-list",
            Some(json!("kind,value,name,source")),
            [401, 403, 403, 403, 415],
        ),
        // Last: it ends the clerk's sessions.
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
    // A department with no item in the application does not see it at all.
    account(app, "health", "reviewer", Some("health")).await;
    let health = login(app, "health").await;
    for p in [&path, &history] {
        let (status, _) = call(app, "GET", p, Some(&health), None).await;
        assert_eq!(status, 404, "{p}");
    }
    // Nothing above changed the application.
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

async fn approval_by_commitment_needs_the_list_and_a_clean_record(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    account(app, "root", "admin", None).await;
    let (clerk, samr, root) = (
        login(app, "clerk").await,
        login(app, "samr").await,
        login(app, "root").await,
    );
    let mut body = restaurant_with("commitment.chosen@food_business_permit", json!(true));
    body["answers"]["commitment.signatory@food_business_permit"] = json!("张三");
    body["answers"]["commitment.signed_on@food_business_permit"] = json!("2026-11-28");
    let number = file(app, &body).await;
    let accepted = accept(app, &clerk, &number).await;
    let food = item(&accepted, "food_business_permit").clone();
    let commit = json!({"action": "approve_by_commitment", "certificate": "JY1", "follow_up_on": "2099-03-01"});

    let (status, err) = review(app, &samr, &food, commit.clone()).await;
    assert_eq!(status, 409, "no list yet: {err}");

    let (status, _) = import_list(app, &root, "kind,value,name,source\n", "text/plain").await;
    assert_eq!(status, 415);
    let bad = "kind,value,name,source\nid_number,11010519491231002X,张三,法院\nuscc,91350200776049653B,某公司,法院\n";
    let (status, err) = import_list(app, &root, bad, "text/csv").await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["field_errors"]["file"][0]
            .as_str()
            .expect("msg")
            .ends_with("：3"),
        "{err}"
    );
    let (status, _) = import_list(app, &samr, bad, "text/csv").await;
    assert_eq!(status, 403, "only administrators import");
    let clean =
        "kind,value,name,source\nuscc,91350200776049653A,某公司,最高人民法院失信被执行人名单\n";
    let (status, done) = import_list(app, &root, clean, "text/csv").await;
    assert_eq!(
        (status, done["entries"].as_u64()),
        (StatusCode::OK, Some(1))
    );

    let mut no_follow_up = commit.clone();
    no_follow_up["follow_up_on"] = json!(null);
    let (status, _) = review(app, &samr, &food, no_follow_up).await;
    assert_eq!(status, 422);
    let (status, approved) = review(app, &samr, &food, commit.clone()).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decision"]["by_commitment"], true);
    assert_eq!(approved["decision"]["follow_up_on"], "2099-03-01");
    assert_eq!(approved["decision"]["credit_check"]["listed"], json!([]));

    // Without the applicant's choice, no commitment path.
    let registration = item(&accepted, "business_registration").clone();
    let (status, _) = review(app, &samr, &registration, commit.clone()).await;
    assert_eq!(status, 409);

    // The legal representative is listed: refused, and the check is on record.
    let listed =
        "kind,value,name,source\nid_number,11010519491231002x,张三,最高人民法院失信被执行人名单\n";
    let (status, _) = import_list(app, &root, listed, "text/csv").await;
    assert_eq!(status, 200);
    let second = file(app, &body).await;
    let accepted = accept(app, &clerk, &second).await;
    let food = item(&accepted, "food_business_permit").clone();
    let (status, err) = review(app, &samr, &food, commit).await;
    assert_eq!(status, 409, "{err}");
    assert!(err["message"].as_str().expect("msg").contains("失信名单"));
    let history = backend::db::audit::history(&app.db, &format!("item {}", food["id"]))
        .await
        .expect("history");
    let check = history
        .iter()
        .find(|r| r.action == "credit.check")
        .expect("check recorded");
    assert!(check.after_state.contains("张三"), "{}", check.after_state);
}

async fn a_joint_inspection_pauses_every_item_and_is_recorded_once(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    account(app, "fire", "reviewer", Some("fire")).await;
    let (clerk, samr, fire) = (
        login(app, "clerk").await,
        login(app, "samr").await,
        login(app, "fire").await,
    );
    let mut body = restaurant_with("premises.area", json!(400));
    body["answers"]["fire.safety_manager"] = json!("王五");
    body["answers"]["fire.exits"] = json!(2);
    let number = file(app, &body).await;
    let accepted = accept(app, &clerk, &number).await;
    let food = item(&accepted, "food_business_permit").clone();
    let fire_item = item(&accepted, "fire_safety_inspection").clone();
    let registration = item(&accepted, "business_registration").clone();
    let path = format!("/api/staff/applications/{number}/inspections");
    let versions = |items: &[&Value]| -> Value {
        json!(
            items
                .iter()
                .map(|i| json!({"id": i["id"], "version": i["version"]}))
                .collect::<Vec<_>>()
        )
    };

    let (status, _) = call(
        app,
        "POST",
        &path,
        Some(&samr),
        Some(json!({"on": "2099-01-05", "items": versions(&[&food, &registration])})),
    )
    .await;
    assert_eq!(status, 422, "no on-site check for the business licence");
    let (status, _) = call(
        app,
        "POST",
        &path,
        Some(&clerk),
        Some(json!({"on": "2099-01-05", "items": versions(&[&food])})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, joint) = call(
        app,
        "POST",
        &path,
        Some(&samr),
        Some(json!({"on": "2099-01-05", "items": versions(&[&food, &fire_item])})),
    )
    .await;
    assert_eq!(status, 200, "{joint}");
    let food_now = item(&joint, "food_business_permit");
    assert_eq!(food_now["status"], "inspection_scheduled");
    assert!(food_now["due_on"].is_null(), "the clock stands still");
    let inspection = food_now["inspection"].as_i64().expect("inspection id");

    // The fire brigade sees its item in the same visit, and records it once for both.
    let (_, fire_view) = call(
        app,
        "GET",
        &format!("/api/staff/applications/{number}"),
        Some(&fire),
        None,
    )
    .await;
    assert_eq!(
        item(&fire_view, "fire_safety_inspection")["inspection"],
        inspection
    );
    let record = format!("/api/staff/inspections/{inspection}/record");
    let (status, _) = call(
        app,
        "POST",
        &record,
        Some(&fire),
        Some(json!({"result": ""})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = call(
        app,
        "POST",
        &record,
        Some(&fire),
        Some(json!({"result": "消防设施、疏散通道符合要求；后厨布局符合要求"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        app,
        "POST",
        &record,
        Some(&samr),
        Some(json!({"result": "again"})),
    )
    .await;
    assert_eq!(status, 409, "recorded once");
    let (_, after) = call(
        app,
        "GET",
        &format!("/api/staff/applications/{number}"),
        Some(&clerk),
        None,
    )
    .await;
    for id in ["food_business_permit", "fire_safety_inspection"] {
        let i = item(&after, id);
        assert_eq!(i["status"], "accepted", "{i}");
        assert!(i["due_on"].is_string());
        assert!(
            i["decision"]["inspection_result"]
                .as_str()
                .expect("result")
                .contains("消防")
        );
    }
    let (status, history) = call(
        app,
        "GET",
        &format!("/api/staff/applications/{number}/history"),
        Some(&fire),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    for expected in [
        "intake.accepted",
        "inspection.schedule",
        "inspection.record",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

pub(crate) async fn applicant(
    app: &TestApp,
    method: &str,
    number: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let path = match method {
        "GET" => format!("/api/applications/{number}"),
        _ => format!("/api/applications/{number}/reply"),
    };
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
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

async fn the_applicant_sees_each_step_and_answers_what_is_asked(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    let (clerk, samr) = (login(app, "clerk").await, login(app, "samr").await);
    let (status, _, created) = app.submit(&restaurant(), &[]).await;
    assert_eq!(status, 201);
    let number = created["number"].as_str().expect("number").to_string();
    let token = created["token"].as_str().expect("token").to_string();
    let path = format!("/api/staff/applications/{number}");

    // One correction notice, everything at once; the applicant reads it and answers.
    let (_, full) = call(app, "GET", &path, Some(&clerk), None).await;
    let notice = "1. 经营场所使用证明缺少出租方签章；2. 平面图未标明比例";
    let (status, _) = call(
        app,
        "POST",
        &format!("{path}/intake"),
        Some(&clerk),
        Some(json!({"decision": "correct", "version": full["version"], "notice": notice})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, s) = applicant(app, "GET", &number, Some(&token), None).await;
    assert_eq!(
        (
            s["intake"].as_str(),
            s["status"].as_str(),
            s["correction"].as_str()
        ),
        (
            Some("correction_requested"),
            Some("action_needed"),
            Some(notice)
        )
    );
    let answer = json!({"message": "已补充出租方签章，平面图已标明 1:100"});
    let (status, _) = applicant(app, "POST", &number, None, Some(answer.clone())).await;
    assert_eq!(status, 401);
    let (status, _) = applicant(app, "POST", &number, Some("wrong"), Some(answer.clone())).await;
    assert_eq!(status, 404);
    let (status, _) = applicant(
        app,
        "POST",
        &number,
        Some(&token),
        Some(json!({"message": " "})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, s) = applicant(app, "POST", &number, Some(&token), Some(answer.clone())).await;
    assert_eq!(
        (status, s["intake"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{s}"
    );
    let (status, _) = applicant(app, "POST", &number, Some(&token), Some(answer.clone())).await;
    assert_eq!(status, 409, "nothing left to answer");
    let (_, queue) = call(app, "GET", "/api/staff/intake", Some(&clerk), None).await;
    assert_eq!(queue[0]["number"], number.as_str(), "back at the window");

    // Accepted with a tolerated missing material: the applicant is told what and by when.
    let (_, full) = call(app, "GET", &path, Some(&clerk), None).await;
    let (status, _) = call(app, "POST", &format!("{path}/intake"), Some(&clerk), Some(json!({"decision": "accept", "version": full["version"], "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"}))).await;
    assert_eq!(status, 200);
    let (_, s) = applicant(app, "GET", &number, Some(&token), None).await;
    assert_eq!(s["missing_materials"][0]["name"]["zh"], "食品安全管理制度");
    assert_eq!(s["bring_by"], "2099-01-01");
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["status"], "accepted");
    assert!(food["due_on"].is_string());

    // A supplement request reaches the applicant; their answer restarts the clock.
    let (_, staff_view) = call(app, "GET", &path, Some(&samr), None).await;
    let (status, _) = review(
        app,
        &samr,
        item(&staff_view, "food_business_permit"),
        json!({"action": "request_supplement", "message": "请补充从业人员健康证明"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, s) = applicant(app, "GET", &number, Some(&token), None).await;
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(
        (food["status"].as_str(), food["supplement_request"].as_str()),
        (Some("supplement_requested"), Some("请补充从业人员健康证明"))
    );
    assert!(food["due_on"].is_null());
    assert_eq!(s["status"], "action_needed");
    let (status, s) = applicant(
        app,
        "POST",
        &number,
        Some(&token),
        Some(json!({"item": "food_business_permit", "message": "健康证明已送达窗口"})),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["status"], "accepted");
    assert!(food["due_on"].is_string());

    // The owed food-safety rules arrive from the status page; then the food permit may go on.
    let (status, _) = crate::materials::upload(
        app,
        &format!("/api/applications/{number}"),
        &token,
        "food_safety_rules",
        "食品安全管理制度.pdf",
        &crate::materials::pdf(600, 1),
    )
    .await;
    assert_eq!(status, 200);

    // Approved: the permit's number and validity; never the staff's internal notes.
    let (_, staff_view) = call(app, "GET", &path, Some(&samr), None).await;
    let (status, _) = review(
        app,
        &samr,
        item(&staff_view, "food_business_permit"),
        json!({"action": "approve", "certificate": "JY34114220000002"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, s) = applicant(app, "GET", &number, Some(&token), None).await;
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["certificate"], "JY34114220000002");
    // Five years from today (the food permit's validity in the catalogue).
    let today = backend::domain::clock::county_date(backend::domain::clock::now_unix());
    let five_years = shared::date::years_later(today, 5).expect("date");
    assert_eq!(
        food["valid_until"].as_str(),
        Some(shared::date::format_iso_date(five_years).as_str())
    );
    assert!(food.get("credit_check").is_none() && food.get("supplement_reply").is_none());
}

async fn a_clerk_files_at_the_counter_with_the_same_form(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    let clerk = login(app, "clerk").await;
    let (status, _, created) = app.submit(&restaurant(), &[("cookie", &clerk)]).await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number");
    let path = format!("/api/staff/applications/{number}");
    let (_, a) = call(app, "GET", &path, Some(&clerk), None).await;
    assert_eq!(a["filed_by"], "clerk");
    let (_, history) = call(app, "GET", &format!("{path}/history"), Some(&clerk), None).await;
    assert_eq!(history[0]["action"], "application.file_at_counter");
    // Filed by anyone else (an applicant, or a reviewer's browser): no counter mark.
    let samr = login(app, "samr").await;
    let (_, _, created) = app.submit(&restaurant(), &[("cookie", &samr)]).await;
    let (_, a) = call(
        app,
        "GET",
        &format!(
            "/api/staff/applications/{}",
            created["number"].as_str().expect("n")
        ),
        Some(&clerk),
        None,
    )
    .await;
    assert!(a.get("filed_by").is_none(), "{a}");
}
