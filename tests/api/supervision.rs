//! 双随机、一公开: a plan freezes the objects and inspectors databases and commits to a secret
//! seed; the draw reveals it; an independent program (`tests/reference/draw.py`, written from
//! `docs/supervision-draw.md`) recomputes the same draw from the published plan alone.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::{TestApp, restaurant};
use crate::on_both_databases;

on_both_databases!(
    a_draw_is_committed_to_before_and_recomputed_by_anyone_after,
    a_plan_is_checked_and_drawn_once,
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
    // Two more market-regulation inspectors; `samr` approved every permit: a conflict.
    for name in ["samr2", "samr3"] {
        app.account(name, "reviewer", Some("samr")).await;
    }
    let mut free = Vec::new();
    for name in ["samr2", "samr3"] {
        let row = backend::db::staff::by_username(&app.db, name)
            .await
            .expect("query");
        free.push(row.expect("account").id);
    }
    let admin = app.admin().await;
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
    // The conflicted `samr` is the only market-regulation inspector: none is drawn.
    assert_eq!(drawn["drawn"][0]["departments"][0]["inspectors"], json!([]));
    let (status, _) = admin.post(&draw, json!({})).await;
    assert_eq!(status, 409, "drawn once");
}
