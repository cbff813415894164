//! The licence holder's own requests: with the private link, the holder applies for a change of
//! the licence or the cancellation of a permit; the department it belongs to decides, once; an
//! approved change reaches the licence and every permit — on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, restaurant};
use crate::staff::{accept, account, applicant, call, item, login, review};

crate::on_both_databases!(the_holder_applies_for_a_change_and_a_cancellation);

async fn holder(app: &TestApp, number: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(format!("/api/applications/{number}/requests"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, _, value) = app.send(req).await;
    (status, value)
}

fn first_error(body: &Value) -> Vec<&str> {
    body["field_errors"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

async fn the_holder_applies_for_a_change_and_a_cancellation(app: &TestApp) {
    account(app, "clerk", "clerk", None).await;
    account(app, "samr", "reviewer", Some("samr")).await;
    account(app, "psb", "reviewer", Some("psb")).await;
    let (clerk, samr, psb) = (
        login(app, "clerk").await,
        login(app, "samr").await,
        login(app, "psb").await,
    );
    let (_, _, created) = app.submit(&restaurant(), &[]).await;
    let number = created["number"].as_str().expect("number").to_string();
    let token = created["token"].as_str().expect("token").to_string();
    let rename = json!({"kind": "change", "field": "name", "value": "睢县老张私房菜馆", "reason": "股东决定更名"});

    // Nothing to change before the licence exists.
    let (status, _) = holder(app, &number, &token, rename.clone()).await;
    assert_eq!(status, 409);
    let accepted = accept(app, &clerk, &number).await;
    for (cookie, id, certificate) in [
        (&samr, "business_registration", None),
        (&psb, "seal_filing", Some("GA-0001")),
    ] {
        let approve = json!({"action": "approve", "certificate": certificate});
        let (status, body) = review(app, cookie, item(&accepted, id), approve).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, status_view) = applicant(app, "GET", &number, Some(&token), None).await;
    let permits = status_view["permits"].as_array().expect("permits");
    let seal = permits
        .iter()
        .find(|p| p["item"] == "seal_filing")
        .expect("seal permit");
    let seal_id = seal["id"].as_i64().expect("id");
    assert_eq!(seal["state"], "valid");

    // The same rules as on the form; only the holder's link; a field-level error each time.
    for (body, field) in [
        (
            json!({"kind": "change", "field": "name", "value": "很".repeat(51), "reason": "x"}),
            "value",
        ),
        (
            json!({"kind": "change", "field": "name", "value": "睢县老张家常菜馆", "reason": "x"}),
            "value",
        ),
        (
            json!({"kind": "change", "field": "scope", "value": "x", "reason": "x"}),
            "field",
        ),
        (
            json!({"kind": "change", "field": "name", "value": "新名", "reason": "  "}),
            "reason",
        ),
        (
            json!({"kind": "cancel", "permit": 999_999, "reason": "歇业"}),
            "permit",
        ),
    ] {
        let (status, err) = holder(app, &number, &token, body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(first_error(&err), [field], "{body}: {err}");
    }
    let (status, _) = holder(app, &number, "wrong-token", rename.clone()).await;
    assert_eq!(status, 404);

    // Filed once; the same request again while it is pending is refused.
    let (status, filed) = holder(app, &number, &token, rename.clone()).await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(
        (filed["state"].as_str(), filed["before"].as_str()),
        (Some("pending"), Some("睢县老张家常菜馆"))
    );
    let (status, _) = holder(app, &number, &token, rename).await;
    assert_eq!(status, 409);
    let change_id = filed["id"].as_i64().expect("id");

    // Only the registration authority sees and decides a change.
    let (_, queue) = call(app, "GET", "/api/staff/requests", Some(&psb), None).await;
    assert_eq!(queue, json!([]));
    let decide = format!("/api/staff/requests/{change_id}");
    let (status, _) = call(
        app,
        "POST",
        &decide,
        Some(&psb),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, 404);
    let (_, queue) = call(app, "GET", "/api/staff/requests", Some(&samr), None).await;
    assert_eq!(queue[0]["id"], change_id);
    assert_eq!(queue[0]["enterprise"], "睢县老张家常菜馆");
    let (status, err) = call(
        app,
        "POST",
        &decide,
        Some(&samr),
        Some(json!({"approve": false})),
    )
    .await;
    assert_eq!((status.as_u16(), first_error(&err)), (422, vec!["note"]));
    let (status, body) = call(
        app,
        "POST",
        &decide,
        Some(&samr),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(
        app,
        "POST",
        &decide,
        Some(&samr),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, 409, "decided once");
    let uscc = status_view["licence"]["uscc"].as_str().expect("uscc");
    let e = backend::db::enterprises::by_uscc(&app.db, uscc)
        .await
        .expect("query")
        .expect("enterprise");
    assert_eq!(e.name, "睢县老张私房菜馆");
    let holders = backend::db::enterprises::holders(&app.db, e.id)
        .await
        .expect("holders");
    assert!(
        holders
            .iter()
            .all(|(_, name, _)| name == "睢县老张私房菜馆"),
        "{holders:?}"
    );

    // A refused address change leaves the licence as it was, with the reason for the holder.
    let (_, moved) = holder(
        app,
        &number,
        &token,
        json!({"kind": "change", "field": "address", "value": "睢县城关镇南湖路 1 号", "reason": "搬迁"}),
    )
    .await;
    let refuse = format!("/api/staff/requests/{}", moved["id"]);
    let (status, _) = call(
        app,
        "POST",
        &refuse,
        Some(&samr),
        Some(json!({"approve": false, "note": "请先办理场所核查"})),
    )
    .await;
    assert_eq!(status, 200);

    // A cancellation goes to the permit's own department.
    let (status, cancel) = holder(
        app,
        &number,
        &token,
        json!({"kind": "cancel", "permit": seal_id, "reason": "不再使用公章备案"}),
    )
    .await;
    assert_eq!(status, 201, "{cancel}");
    let cancel_path = format!("/api/staff/requests/{}", cancel["id"]);
    let (status, _) = call(
        app,
        "POST",
        &cancel_path,
        Some(&samr),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, 404, "not the registration authority's permit");
    let (status, _) = call(
        app,
        "POST",
        &cancel_path,
        Some(&psb),
        Some(json!({"approve": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, again) = holder(
        app,
        &number,
        &token,
        json!({"kind": "cancel", "permit": seal_id, "reason": "再次"}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), first_error(&again)),
        (422, vec!["permit"])
    );

    // The holder's page shows it all; the public page shows the new name and the cancellation.
    let (_, status_view) = applicant(app, "GET", &number, Some(&token), None).await;
    let states: Vec<(&str, &str)> = status_view["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            (
                r["request"]["kind"].as_str().unwrap_or(""),
                r["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("cancel", "approved"),
            ("change", "rejected"),
            ("change", "approved")
        ]
    );
    assert_eq!(status_view["requests"][1]["note"], "请先办理场所核查");
    let seal = status_view["permits"]
        .as_array()
        .expect("permits")
        .iter()
        .find(|p| p["id"] == seal_id)
        .expect("seal");
    assert_eq!(seal["state"], "cancelled");
    let (_, _, html) = app.get(&format!("/v/{}", e.verify_token), None).await;
    let html = html.as_str().expect("html");
    assert!(
        html.contains("睢县老张私房菜馆") && html.contains("已注销"),
        "{html}"
    );
    assert!(
        html.contains("睢县城关镇北湖路 88 号"),
        "the refused address did not change"
    );
}
