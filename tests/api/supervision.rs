//! 双随机、一公开: a plan freezes the objects and inspectors databases and commits to a secret
//! seed; the draw reveals it; an independent program (`tests/reference/draw.py`, written from
//! `docs/supervision-draw.md`) recomputes the same draw from the published plan alone.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, item, restaurant, restaurant_by_commitment};
use crate::on_both_databases;

on_both_databases!(
    a_draw_is_committed_to_before_and_recomputed_by_anyone_after,
    a_plan_is_checked_and_drawn_once,
    a_commitment_is_followed_up_and_a_false_one_revokes_the_permit_and_bars_the_path,
    a_drawn_plan_becomes_tasks_whose_results_are_published_at_once,
    an_inspector_has_a_certificate_and_sees_no_application,
    an_order_to_rectify_is_rechecked_once_and_goes_on_the_credit_record,
    a_recorded_relation_keeps_an_inspector_from_that_enterprise,
);

/// `n` restaurants filed, accepted and every item approved: enterprises with valid permits.
async fn licensed(app: &TestApp, n: usize) {
    for _ in 0..n {
        let (_, accepted) = app.accepted_restaurant().await;
        for i in accepted["items"].as_array().expect("items") {
            let reviewer = app.reviewer(i["department"].as_str().expect("dept")).await;
            let decision = json!({"action": "approve", "certificate": "X-0001"});
            let (status, body) = reviewer.review(i, decision).await;
            assert_eq!(status, 200, "{body}");
        }
    }
}

/// The draw as the independent program computes it from `plan`.
fn recomputed(plan: &Value) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/draw.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let input = plan.to_string();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).expect("write"));
    let out = child.wait_with_output().expect("output");
    writer.join().expect("writer");
    assert!(out.status.success(), "draw.py refused the plan");
    serde_json::from_slice(&out.stdout).expect("json")
}

fn plan_body(ratios: Value) -> Value {
    json!({"name": "2026年第四季度食品经营双随机抽查", "departments": ["samr"],
        "ratios": ratios, "per_department": 2})
}

async fn a_draw_is_committed_to_before_and_recomputed_by_anyone_after(app: &TestApp) {
    licensed(app, 3).await;
    // Two market-regulation inspectors, and `samr`, who approved every permit, moved from
    // review to inspection: a conflict with every enterprise. A reviewer is no inspector.
    for name in ["samr2", "samr3"] {
        app.account(name, "inspector", Some("samr")).await;
    }
    let mut free = Vec::new();
    for name in ["samr2", "samr3"] {
        let row = backend::db::staff::by_username(&app.db, name)
            .await
            .expect("query");
        free.push(row.expect("account").id);
    }
    app.account("samr_desk", "reviewer", Some("samr")).await;
    let admin = app.admin().await;
    let moved = json!({"display_name": "samr", "role": "inspector", "department": "samr",
        "certificate": "豫市监执 0001", "active": true});
    let (status, body) = admin
        .call("PUT", "/api/staff/accounts/samr", Some(moved))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["certificate"], "豫市监执 0001");
    let ratios = json!([{"class": "B", "percent": 50}, {"class": "D", "percent": 100}]);
    let (status, made) = admin
        .post("/api/staff/supervision/plans", plan_body(ratios))
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().expect("id");
    assert_eq!(made["objects"], 3);
    assert_eq!(made["inspectors"], 3);
    assert!(made["seed"].is_null() && made["drawn"].is_null(), "{made}");
    assert_eq!(made["commitment"].as_str().expect("commitment").len(), 64);
    // Published at once, for anyone: the seed still secret.
    let public = format!("/api/supervision/plans/{id}");
    let (status, before) = app.anonymous("GET", &public, None).await;
    assert_eq!(status, 200);
    assert_eq!(before, made);
    let page = format!("/supervision/plans/{id}");
    let (status, headers, html) = app.get(&page, None).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let html = html.as_str().expect("html").to_string();
    assert!(html.contains(made["commitment"].as_str().expect("c")) && html.contains("待抽取"));

    let (status, drawn) = admin
        .post(
            &format!("/api/staff/supervision/plans/{id}/draw"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{drawn}");
    let (_, after) = app.anonymous("GET", &public, None).await;
    assert_eq!(after, drawn);
    assert_eq!(after["commitment"], before["commitment"]);
    assert_eq!(after["frozen"], before["frozen"], "the lists did not move");
    let objects = after["drawn"].as_array().expect("drawn");
    assert_eq!(objects.len(), 2, "half of three, rounded up: {after}");
    for o in objects {
        assert_eq!(o["class"], "B");
        let mut drawn: Vec<i64> = o["departments"][0]["inspectors"]
            .as_array()
            .expect("inspectors")
            .iter()
            .map(|i| i["id"].as_i64().expect("id"))
            .collect();
        drawn.sort();
        assert_eq!(drawn, free, "the approving reviewer is never drawn");
    }
    // Anyone recomputes the same draw from what was published.
    let ours: Vec<Value> = objects
        .iter()
        .map(|o| {
            let departments: Vec<Value> = o["departments"]
                .as_array()
                .expect("departments")
                .iter()
                .map(|d| {
                    let ids: Vec<&Value> = d["inspectors"]
                        .as_array()
                        .expect("inspectors")
                        .iter()
                        .map(|i| &i["id"])
                        .collect();
                    json!([d["department"], ids])
                })
                .collect();
            json!({"object": o["object"], "inspectors": departments})
        })
        .collect();
    assert_eq!(recomputed(&after), Value::Array(ours));
    // Published by staff number and name, never by login name.
    let frozen: Value =
        serde_json::from_str(after["frozen"].as_str().expect("frozen")).expect("json");
    let inspector = &frozen["inspectors"][0];
    assert!(
        inspector["id"].is_i64() && inspector.get("username").is_none(),
        "{inspector}"
    );
    assert_eq!(
        inspector["certificate"], "豫市监执 0001",
        "with their certificate number"
    );
    // A seed that is not the committed one is caught.
    let mut forged = after.clone();
    forged["seed"] = json!("00".repeat(32));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/draw.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(forged.to_string().as_bytes())
        .expect("write");
    assert!(
        !child.wait().expect("exit").success(),
        "a forged seed fails"
    );

    // The public page shows the seed and each drawn enterprise with its inspectors' names;
    // small and without script.
    let (_, _, html) = app.get(&page, None).await;
    let html = html.as_str().expect("html").to_string();
    assert!(
        html.contains(after["seed"].as_str().expect("seed")),
        "{html}"
    );
    assert!(
        html.contains("睢县老张家常菜馆") && html.contains("samr2") && html.contains("已抽取于")
    );
    assert!(
        html.len() < 30 * 1024 && !html.contains("<script"),
        "{} bytes",
        html.len()
    );
    let (status, _, _) = app.get("/supervision/plans/999999", None).await;
    assert_eq!(status, 404);

    // On the record: made, then drawn with the seed.
    let history = backend::db::audit::history(&app.db, &format!("inspection_plan {id}"))
        .await
        .expect("history");
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["supervision.plan", "supervision.draw"]);
}

async fn a_plan_is_checked_and_drawn_once(app: &TestApp) {
    licensed(app, 1).await;
    let admin = app.admin().await;
    let mut body = plan_body(json!([{"class": "B", "percent": 100}]));
    body["departments"] = json!(["no_such_department"]);
    let (status, err) = admin.post("/api/staff/supervision/plans", body).await;
    assert_eq!(
        (
            status.as_u16(),
            &err["field_errors"]["departments"].is_array()
        ),
        (422, &true),
        "{err}"
    );
    let body = plan_body(json!([{"class": "E", "percent": 10}]));
    let (status, err) = admin.post("/api/staff/supervision/plans", body).await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["ratios"].is_array(), "{err}");
    assert_eq!(app.counts().await.0, 1);

    // Listed on the dishonesty list: the enterprise is of class D, drawn at D's ratio.
    let id_number = restaurant()["answers"]["legal_rep.id_number"]
        .as_str()
        .expect("id")
        .to_string();
    let csv = format!("kind,value,name,source\nid_number,{id_number},张三,法院\n");
    let (status, imported) = admin.import_list(&csv, "text/csv").await;
    assert_eq!(status, 200, "{imported}");
    let ratios = json!([{"class": "B", "percent": 0}, {"class": "D", "percent": 100}]);
    let (_, made) = admin
        .post("/api/staff/supervision/plans", plan_body(ratios))
        .await;
    let draw = format!("/api/staff/supervision/plans/{}/draw", made["id"]);
    let (status, drawn) = admin.post(&draw, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(drawn["drawn"][0]["class"], "D", "{drawn}");
    // No market-regulation inspector at all (a reviewer is none): nobody is drawn to go.
    assert_eq!(drawn["drawn"][0]["departments"][0]["inspectors"], json!([]));
    let (status, _) = admin.post(&draw, json!({})).await;
    assert_eq!(status, 409, "drawn once");
}

/// A restaurant whose food permit is approved by commitment (follow-up due 2099-03-01) and
/// every other item plainly, the licence first: (number, food item id, the staff view).
async fn licensed_by_commitment(app: &TestApp) -> (String, Value) {
    let mut body = restaurant_by_commitment();
    body["answers"]["business.name"] =
        app.fresh_restaurant().await["answers"]["business.name"].clone();
    let number = app.file(&body).await.number;
    let accepted = app.clerk().await.accept(&number).await;
    let mut items: Vec<Value> = accepted["items"].as_array().expect("items").clone();
    items.sort_by_key(|i| i["item"] != "business_registration");
    for i in &items {
        let reviewer = app.reviewer(i["department"].as_str().expect("dept")).await;
        let decision = if i["item"] == "food_business_permit" {
            json!({"action": "approve_by_commitment", "certificate": "JY-C1", "follow_up_on": "2099-03-01"})
        } else {
            json!({"action": "approve", "certificate": "X-0001"})
        };
        let (status, body) = reviewer.review(i, decision).await;
        assert_eq!(status, 200, "{}: {body}", i["item"]);
    }
    let view = app.admin().await.application(&number).await;
    (number, view)
}

async fn a_commitment_is_followed_up_and_a_false_one_revokes_the_permit_and_bars_the_path(
    app: &TestApp,
) {
    let admin = app.admin().await;
    let clean = "kind,value,name,source\nuscc,91350200776049653A,某公司,法院\n";
    let (status, _) = admin.import_list(clean, "text/csv").await;
    assert_eq!(status, 200);
    let (first, _) = licensed_by_commitment(app).await;
    let (second, view) = licensed_by_commitment(app).await;

    // Each approval by commitment owes a follow-up, its department's alone to see.
    let samr = app.reviewer("samr").await;
    let (status, list) = samr.get("/api/staff/follow-ups").await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().expect("list").clone();
    assert_eq!(list.len(), 2, "{list:?}");
    for f in &list {
        assert_eq!(f["state"], "open");
        assert_eq!(f["due_on"], "2099-03-01");
        assert_eq!(f["item"], "food_business_permit");
        assert_eq!(f["certificate"], "JY-C1");
        assert!(f["overdue_days"].is_null(), "{f}");
    }
    let other = app.reviewer("tax").await;
    let (status, none) = other.get("/api/staff/follow-ups").await;
    assert_eq!((status, none), (StatusCode::OK, json!([])));
    let (status, all) = admin.get("/api/staff/follow-ups").await;
    assert_eq!(
        (status, all.as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    let of = |number: &str| {
        list.iter()
            .find(|f| f["application"] == number)
            .expect("follow-up")["id"]
            .as_i64()
            .expect("id")
    };
    let (fulfilled, falsified) = (of(&first), of(&second));
    let path = |id: i64| format!("/api/staff/follow-ups/{id}");
    let (status, _) = other
        .post(&path(fulfilled), json!({"outcome": "fulfilled"}))
        .await;
    assert_eq!(
        status, 404,
        "another department's follow-up does not exist for it"
    );
    let (status, _) = admin
        .post(&path(fulfilled), json!({"outcome": "fulfilled"}))
        .await;
    assert_eq!(status, 403);

    // Past its day, the background check flags it on the record; the list counts the days.
    sqlx::query("UPDATE follow_ups SET due_on = '2026-01-05' WHERE id = $1")
        .bind(fulfilled)
        .execute(&app.db.pool)
        .await
        .expect("backdate");
    let flagged = backend::service::follow_ups::flag_overdue(&app.state.ctx)
        .await
        .expect("flag");
    assert_eq!(flagged, 1);
    let again = backend::service::follow_ups::flag_overdue(&app.state.ctx)
        .await
        .expect("flag");
    assert_eq!(again, 0, "flagged once");
    let log = backend::db::audit::history(&app.db, "follow_ups")
        .await
        .expect("history");
    assert_eq!(log.len(), 1);
    assert!(log[0].after_state.contains(&fulfilled.to_string()));
    let (_, list) = samr.get("/api/staff/follow-ups").await;
    let late = list
        .as_array()
        .expect("list")
        .iter()
        .find(|f| f["id"] == fulfilled)
        .expect("late one")
        .clone();
    assert!(late["overdue_days"].as_u64().expect("days") > 200, "{late}");
    assert_eq!(list[0]["id"], fulfilled, "the most overdue first");

    // Fulfilled: a record of it, the enterprise in class A.
    let (status, done) = samr
        .post(
            &path(fulfilled),
            json!({"outcome": "fulfilled", "note": "现场核查与承诺一致"}),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["state"], "fulfilled");
    assert!(done["overdue_days"].is_null());

    // False: the facts are required; then the permit is revoked at once on the public page.
    let (status, err) = samr
        .post(&path(falsified), json!({"outcome": "false_commitment"}))
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["note"].is_array(), "{err}");
    let (status, err) = samr
        .post(&path(falsified), json!({"outcome": "passed", "note": "x"}))
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["outcome"].is_array(), "{err}");
    let facts = "现场未设置专间，与承诺不符";
    let (status, done) = samr
        .post(
            &path(falsified),
            json!({"outcome": "false_commitment", "note": facts}),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["state"], "false_commitment");
    assert_eq!(done["note"], facts);
    let (status, _) = samr
        .post(&path(falsified), json!({"outcome": "fulfilled"}))
        .await;
    assert_eq!(status, 409, "found once");
    let url = view["licence"]["verify_url"].as_str().expect("url");
    let verify = url.trim_start_matches("http://127.0.0.1:8080");
    let (_, _, html) = app.get(verify, None).await;
    let html = html.as_str().expect("html");
    assert!(
        html.contains("已撤销"),
        "the verify page shows the revocation"
    );
    assert!(html.contains("告知承诺不实"), "and why");
    let permit =
        backend::db::enterprises::permit(&app.db, done["permit"].as_i64().expect("permit"))
            .await
            .expect("query")
            .expect("permit");
    assert_eq!(permit.state.as_str(), "revoked");

    // The objects database: the first enterprise in A, the second in D with its barring record.
    let (status, objects) = admin.get("/api/staff/supervision/objects").await;
    assert_eq!(status, 200, "{objects}");
    let objects = objects.as_array().expect("objects");
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(objects[0]["class"], "A", "{}", objects[0]);
    assert_eq!(objects[0]["records"][0]["kind"], "commitment_fulfilled");
    assert_eq!(objects[1]["class"], "D", "{}", objects[1]);
    let record = &objects[1]["records"][0];
    assert_eq!(record["kind"], "false_commitment");
    assert_eq!(record["detail"], facts);
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"))
        .date();
    let until = shared::date::format_iso_date(today + time::Duration::days(1094));
    assert_eq!(record["bars_until"], until.as_str());
    let (status, _) = samr.get("/api/staff/supervision/objects").await;
    assert_eq!(status, 403);
    // A plan made now freezes those classes.
    let ratios = json!([{"class": "D", "percent": 100}]);
    let (status, plan) = admin
        .post("/api/staff/supervision/plans", plan_body(ratios))
        .await;
    assert_eq!(status, 201, "{plan}");
    let frozen: Value =
        serde_json::from_str(plan["frozen"].as_str().expect("frozen")).expect("json");
    let classes: Vec<&str> = frozen["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| o["class"].as_str().expect("class"))
        .collect();
    assert_eq!(classes, ["A", "D"]);

    // The legal representative is barred from the commitment path: refused, on the record.
    let mut body = restaurant_by_commitment();
    body["answers"]["business.name"] = json!("睢县老张第二家菜馆");
    let third = app.file(&body).await.number;
    let accepted = app.clerk().await.accept(&third).await;
    let food = item(&accepted, "food_business_permit").clone();
    let commit = json!({"action": "approve_by_commitment", "certificate": "JY-C3",
        "before_licence": true, "follow_up_on": "2099-03-01"});
    let (status, err) = samr.review(&food, commit).await;
    assert_eq!(status, 409, "{err}");
    assert!(
        err["message"].as_str().expect("msg").contains("不实承诺"),
        "{err}"
    );
    let history = backend::db::audit::history(&app.db, &format!("item {}", food["id"]))
        .await
        .expect("history");
    let check = history
        .iter()
        .find(|r| r.action == "credit.check")
        .expect("check recorded");
    assert!(check.after_state.contains(&until), "{}", check.after_state);
    // The full review stays open to them.
    let (status, plain) = samr
        .review(
            &food,
            json!({"action": "approve", "certificate": "JY-C3", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 200, "{plain}");
    // Every step on the record, the chain intact.
    for (action, n) in [
        ("follow_up.record", 2),
        ("credit.record", 2),
        ("follow_up.overdue", 1),
    ] {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(count, n, "{action}");
    }
    backend::service::audit::verify_chain(&app.db)
        .await
        .expect("chain intact");
}

async fn a_drawn_plan_becomes_tasks_whose_results_are_published_at_once(app: &TestApp) {
    licensed(app, 2).await;
    for name in ["samr2", "samr3"] {
        app.account(name, "inspector", Some("samr")).await;
    }
    let admin = app.admin().await;
    let (status, items) = admin.get("/api/staff/supervision/items").await;
    assert_eq!(status, 200);
    assert!(items.as_array().expect("items").len() >= 4, "{items}");
    let plan = |items: Value| {
        let mut body = plan_body(json!([{"class": "B", "percent": 100}]));
        body["items"] = items;
        body
    };
    // Items: known ones, of the departments taking part.
    for bad in [json!(["nope"]), json!(["fire_safety_conditions"])] {
        let (status, err) = admin.post("/api/staff/supervision/plans", plan(bad)).await;
        assert_eq!(status, 422, "{err}");
        assert!(err["field_errors"]["items"].is_array(), "{err}");
    }
    // Filters: known industries and permit types; the frozen objects are those they admit.
    let mut filtered = plan(json!([]));
    filtered["filters"] = json!({"industries": ["bakery"]});
    let (status, err) = admin.post("/api/staff/supervision/plans", filtered).await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["filters"].is_array(), "{err}");
    for (filters, objects) in [
        (json!({"industries": ["pharmacy"]}), 0),
        (
            json!({"industries": ["restaurant"], "permits": ["food_business_permit"]}),
            2,
        ),
        (json!({"permits": ["drug_retail_permit"]}), 0),
    ] {
        let mut body = plan(json!([]));
        body["filters"] = filters.clone();
        let (status, made) = admin.post("/api/staff/supervision/plans", body).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["objects"], objects, "{filters}");
        let asked = filters.get("industries").cloned().unwrap_or(json!([]));
        assert_eq!(
            made["filters"]["industries"], asked,
            "published with the plan"
        );
    }
    let chosen = json!(["food_business_conditions", "licence_display"]);
    let (status, made) = admin
        .post("/api/staff/supervision/plans", plan(chosen))
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().expect("id");
    let names: Vec<&str> = made["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(names, ["food_business_conditions", "licence_display"]);
    let (status, _) = admin
        .post(
            &format!("/api/staff/supervision/plans/{id}/draw"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);

    // Each drawn enterprise is one task for its drawn inspectors, and theirs alone.
    let (samr2, samr3, samr, late) = (
        app.staff("samr2", "inspector", Some("samr")).await,
        app.staff("samr3", "inspector", Some("samr")).await,
        app.reviewer("samr").await,
        app.staff("samr4", "inspector", Some("samr")).await,
    );
    let (status, tasks) = samr2.get("/api/staff/supervision/tasks").await;
    assert_eq!(status, 200, "{tasks}");
    let tasks = tasks.as_array().expect("tasks").clone();
    assert_eq!(tasks.len(), 2);
    let lines: usize = tasks[0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["checklist"].as_array().expect("lines").len())
        .sum();
    assert_eq!(lines, 6);
    let inspectors: Vec<&str> = tasks[0]["inspectors"]
        .as_array()
        .expect("inspectors")
        .iter()
        .map(|i| i["name"].as_str().expect("name"))
        .collect();
    assert_eq!(inspectors, ["samr2", "samr3"]);
    let (_, none) = late.get("/api/staff/supervision/tasks").await;
    assert_eq!(
        none,
        json!([]),
        "an inspector added after the draw was not drawn"
    );
    let path = |t: &Value| format!("/api/staff/supervision/tasks/{}", t["id"]);
    let passed = json!({"result": "passed", "checks": [true, true, true, true, true, true]});
    let (status, _) = late.post(&path(&tasks[0]), passed.clone()).await;
    assert_eq!(status, 404, "not their task");
    for other in [&samr, &admin] {
        let (status, _) = other.post(&path(&tasks[0]), passed.clone()).await;
        assert_eq!(
            status, 403,
            "a reviewer or an administrator is no inspector"
        );
    }

    // Photos of the visit: JPEG or PNG, kept once by their hash, for the task's inspectors and
    // the administrators only.
    let photos = format!("{}/photos", path(&tasks[0]));
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 300]].concat();
    let cookie = |c: &crate::helpers::StaffClient| c.cookie.clone();
    for _ in 0..2 {
        let (status, _, task) = app
            .post_raw(
                &photos,
                "image/png",
                png.clone(),
                &[("cookie", &cookie(&samr2))],
            )
            .await;
        assert_eq!(status, 200, "{task}");
        assert_eq!(
            task["photos"].as_array().map(Vec::len),
            Some(1),
            "kept once"
        );
    }
    let (status, _, err) = app
        .post_raw(
            &photos,
            "image/png",
            b"%PDF-1.7 x".to_vec(),
            &[("cookie", &cookie(&samr2))],
        )
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["photo"].is_array(), "{err}");
    let (status, _, _) = app
        .post_raw(
            &photos,
            "image/png",
            png.clone(),
            &[("cookie", &cookie(&late))],
        )
        .await;
    assert_eq!(status, 404, "not their task");
    let sha: String = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&png))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let one = format!("{photos}/{sha}");
    for (who, expected) in [(&samr2, 200), (&admin, 200), (&late, 404), (&samr, 403)] {
        let req = axum::http::Request::get(&one)
            .header("cookie", &who.cookie)
            .body(axum::body::Body::empty())
            .expect("request");
        let res = tower::ServiceExt::oneshot(app.router.clone(), req)
            .await
            .expect("answer");
        assert_eq!(res.status(), expected, "{}", who.username);
        if expected == 200 {
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .expect("bytes");
            assert_eq!(body.as_ref(), png.as_slice());
        }
    }

    let (status, err) = samr2
        .post(
            &path(&tasks[0]),
            json!({"result": "passed", "checks": [true]}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["checks"].is_array(), "{err}");
    let (status, done) = samr2.post(&path(&tasks[0]), passed.clone()).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["state"].as_str(), done["result"].as_str()),
        (Some("recorded"), Some("passed"))
    );
    let (status, _) = samr3.post(&path(&tasks[0]), passed).await;
    assert_eq!(status, 409, "recorded once, by either inspector");
    let (status, _, _) = app
        .post_raw(
            &photos,
            "image/png",
            png.clone(),
            &[("cookie", &cookie(&samr2))],
        )
        .await;
    assert_eq!(status, 409, "no photo joins a closed task");

    let failed = json!({"result": "failed", "checks": [true, false, true, true, true, true]});
    let (status, err) = samr3.post(&path(&tasks[1]), failed.clone()).await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["note"].is_array(), "{err}");
    let mut failed = failed;
    failed["note"] = json!("两名从业人员无有效健康证明");
    let (status, done) = samr3.post(&path(&tasks[1]), failed).await;
    assert_eq!(status, 200, "{done}");

    // Published at once: the plan (JSON and page) and the failed enterprise's verify page.
    let (_, _, public) = app.get(&format!("/api/supervision/plans/{id}"), None).await;
    let results: Vec<Option<&str>> = public["drawn"]
        .as_array()
        .expect("drawn")
        .iter()
        .map(|d| d["result"].as_str())
        .collect();
    assert_eq!(results.len(), 2);
    assert!(results.contains(&Some("passed")) && results.contains(&Some("failed")));
    let (_, _, page) = app.get(&format!("/supervision/plans/{id}"), None).await;
    let page = page.as_str().expect("html");
    for shown in ["未发现问题", "不合格", "食品经营许可条件保持情况", "重点"]
    {
        assert!(page.contains(shown), "{shown}");
    }
    let verify = done["verify_url"]
        .as_str()
        .expect("url")
        .trim_start_matches("http://127.0.0.1:8080")
        .to_string();
    let (_, _, html) = app.get(&verify, None).await;
    let html = html.as_str().expect("html");
    assert!(
        html.contains("抽查检查结果") && html.contains("不合格"),
        "on the verify page"
    );

    // The failure is on the credit record: that enterprise is in class C now.
    let (_, objects) = admin.get("/api/staff/supervision/objects").await;
    let failed_one = tasks[1]["uscc"].as_str().expect("uscc");
    let object = objects
        .as_array()
        .expect("objects")
        .iter()
        .find(|o| o["uscc"] == failed_one)
        .expect("object");
    assert_eq!(object["class"], "C", "{object}");
    assert_eq!(object["records"][0]["kind"], "inspection_failed");
}

async fn an_inspector_has_a_certificate_and_sees_no_application(app: &TestApp) {
    let admin = app.admin().await;
    let new = |certificate: Value| {
        json!({"username": "li.jian", "display_name": "李检", "role": "inspector",
            "department": "samr", "certificate": certificate})
    };
    let (status, err) = admin.post("/api/staff/accounts", new(json!(null))).await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["certificate"].is_array(), "{err}");
    let (status, made) = admin
        .post("/api/staff/accounts", new(json!("豫市监执 0412")))
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["account"]["certificate"], "豫市监执 0412");
    let reviewer = json!({"username": "wang", "display_name": "王", "role": "reviewer",
        "department": "samr", "certificate": "1"});
    let (status, err) = admin.post("/api/staff/accounts", reviewer).await;
    assert_eq!(status, 422, "only inspectors have one: {err}");

    // Their work is supervision's: no application, worklist, file or review is theirs.
    let (_, accepted) = app.accepted_restaurant().await;
    let number = accepted["number"].as_str().expect("number");
    let inspector = app.staff("insp", "inspector", Some("samr")).await;
    for path in [
        format!("/api/staff/applications/{number}"),
        format!("/api/staff/applications/{number}/history"),
        "/api/staff/worklist".to_string(),
        "/api/staff/requests".to_string(),
    ] {
        let (status, _) = inspector.get(&path).await;
        assert_eq!(status, 403, "{path}");
    }
    let food = item(&accepted, "food_business_permit");
    let (status, _) = inspector.review(food, json!({"action": "approve"})).await;
    assert_eq!(status, 403);
    let (status, list) = inspector.get("/api/staff/follow-ups").await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));
    let (status, tasks) = inspector.get("/api/staff/supervision/tasks").await;
    assert_eq!((status, tasks), (StatusCode::OK, json!([])));
}

async fn an_order_to_rectify_is_rechecked_once_and_goes_on_the_credit_record(app: &TestApp) {
    licensed(app, 1).await;
    for name in ["samr2", "samr3"] {
        app.account(name, "inspector", Some("samr")).await;
    }
    let admin = app.admin().await;
    let mut body = plan_body(json!([{"class": "B", "percent": 100}]));
    body["items"] = json!(["licence_display"]);
    let (_, made) = admin.post("/api/staff/supervision/plans", body).await;
    let id = made["id"].as_i64().expect("id");
    let (status, _) = admin
        .post(
            &format!("/api/staff/supervision/plans/{id}/draw"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (samr2, samr3) = (
        app.staff("samr2", "inspector", Some("samr")).await,
        app.staff("samr3", "inspector", Some("samr")).await,
    );
    let (_, tasks) = samr2.get("/api/staff/supervision/tasks").await;
    let path = format!("/api/staff/supervision/tasks/{}", tasks[0]["id"]);
    let in_two_weeks = shared::date::format_iso_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(14),
    );
    let rectify = json!({"result": "rectify", "checks": [false, true],
        "rectify_by": in_two_weeks, "note": "营业执照未置于醒目位置"});
    let (status, visited) = samr2.post(&path, rectify).await;
    assert_eq!(status, 200, "{visited}");
    assert_eq!(visited["state"], "rectifying");
    let (_, _, public) = app.get(&format!("/api/supervision/plans/{id}"), None).await;
    assert_eq!(public["drawn"][0]["result"], "rectify");
    assert!(public["drawn"][0]["recheck_result"].is_null());

    // Past the day to rectify by, the re-check is late, in working days.
    let (_, listed) = samr2.get("/api/staff/supervision/tasks").await;
    assert!(listed[0]["recheck_late"].is_null(), "not late yet");
    sqlx::query("UPDATE inspection_tasks SET rectify_by = '2026-01-05' WHERE id = $1")
        .bind(tasks[0]["id"].as_i64().expect("id"))
        .execute(&app.db.pool)
        .await
        .expect("backdate");
    let (_, listed) = samr2.get("/api/staff/supervision/tasks").await;
    assert!(
        listed[0]["recheck_late"].as_u64().expect("late") > 200,
        "{listed}"
    );

    // The re-check, by either inspector: rectified or failed, once.
    let (status, err) = samr3.post(&path, json!({"result": "passed"})).await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["result"].is_array(), "{err}");
    let (status, err) = samr3.post(&path, json!({"result": "failed"})).await;
    assert_eq!(status, 422, "a failure needs the facts: {err}");
    let (status, done) = samr3.post(&path, json!({"result": "rectified"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["state"].as_str(), done["recheck_result"].as_str()),
        (Some("recorded"), Some("rectified"))
    );
    assert_eq!(done["result"], "rectify", "the visit's result stays");
    let (status, _) = samr2.post(&path, json!({"result": "rectified"})).await;
    assert_eq!(status, 409);

    // Published with the visit, and on the credit record.
    let (_, _, page) = app.get(&format!("/supervision/plans/{id}"), None).await;
    assert!(
        page.as_str()
            .expect("html")
            .contains("复查：<strong>整改到位")
    );
    let verify = done["verify_url"]
        .as_str()
        .expect("url")
        .trim_start_matches("http://127.0.0.1:8080")
        .to_string();
    let (_, _, html) = app.get(&verify, None).await;
    assert!(html.as_str().expect("html").contains("复查：整改到位"));
    let (_, objects) = admin.get("/api/staff/supervision/objects").await;
    let kinds: Vec<&str> = objects[0]["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["rectified"]);
    let history =
        backend::db::audit::history(&app.db, &format!("inspection_task {}", tasks[0]["id"]))
            .await
            .expect("history");
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert!(
        actions.contains(&"inspection_task.record") && actions.contains(&"inspection_task.recheck")
    );
}

async fn a_recorded_relation_keeps_an_inspector_from_that_enterprise(app: &TestApp) {
    licensed(app, 2).await;
    for name in ["samr2", "samr3", "samr4"] {
        app.account(name, "inspector", Some("samr")).await;
    }
    let admin = app.admin().await;
    let (_, objects) = admin.get("/api/staff/supervision/objects").await;
    let (first, second) = (&objects[0], &objects[1]);
    let declare = |inspector: &str, uscc: &Value| json!({"inspector": inspector, "uscc": uscc, "reason": "检查人员的配偶是该店经营者"});
    for (bad, field) in [
        (declare("samr", &first["uscc"]), "inspector"),
        (declare("samr2", &json!("91350200776049653A")), "uscc"),
    ] {
        let (status, err) = admin.post("/api/staff/supervision/conflicts", bad).await;
        assert_eq!(status, 422, "{err}");
        assert!(err["field_errors"][field].is_array(), "{err}");
    }
    let (status, list) = admin
        .post(
            "/api/staff/supervision/conflicts",
            declare("samr2", &first["uscc"]),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["inspector"], "samr2");
    assert_eq!(list[0]["uscc"], first["uscc"]);
    let (_, again) = admin
        .post(
            "/api/staff/supervision/conflicts",
            declare("samr2", &first["uscc"]),
        )
        .await;
    assert_eq!(again.as_array().map(Vec::len), Some(1), "recorded once");

    // Three inspectors asked for each: the related one is never drawn for that enterprise.
    let mut body = plan_body(json!([{"class": "B", "percent": 100}]));
    body["per_department"] = json!(3);
    let (_, made) = admin.post("/api/staff/supervision/plans", body).await;
    let (_, drawn) = admin
        .post(
            &format!("/api/staff/supervision/plans/{}/draw", made["id"]),
            json!({}),
        )
        .await;
    let names = |o: &Value| -> Vec<String> {
        let mut v: Vec<String> = o["departments"][0]["inspectors"]
            .as_array()
            .expect("inspectors")
            .iter()
            .map(|i| i["name"].as_str().expect("name").to_string())
            .collect();
        v.sort();
        v
    };
    let of = |o: &Value| {
        drawn["drawn"]
            .as_array()
            .expect("drawn")
            .iter()
            .find(|d| d["object"] == o["id"])
            .expect("drawn")
            .clone()
    };
    assert_eq!(names(&of(first)), ["samr3", "samr4"]);
    assert_eq!(names(&of(second)), ["samr2", "samr3", "samr4"]);
    assert_eq!(
        recomputed(&drawn).as_array().map(Vec::len),
        Some(2),
        "still re-checkable"
    );
}
