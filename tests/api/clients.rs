//! Machine clients, on SQLite and on PostgreSQL: a department's own system registered as a
//! client takes an access token with the OAuth 2.0 client-credentials grant and, through the
//! staff API and its access policy, sees its department's items only and decides them — the
//! decision in the back office and on the public licence page, on the record under the
//! client's name. A person's password gives no token, a client's secret no session; revoked,
//! the token stops. The event feed (CloudEvents) gives the client its department's events, in
//! order, page after page, none lost and none twice.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, StaffClient, TestApp, item, restaurant};

crate::on_both_databases!(
    a_departments_system_takes_a_token_and_decides_its_items_through_the_api,
    only_a_clients_secret_gives_a_token_and_only_a_person_logs_in,
    the_event_feed_gives_a_department_its_items_events_in_order_none_lost_none_twice,
);

const CLIENT: &str = "psb-system";

/// Registers the public security bureau's system (as `lianban client add` does): its secret.
async fn register(app: &TestApp) -> String {
    app.register_client(CLIENT, "psb").await
}

/// Asks for a token with `form`, the credentials as HTTP Basic when given.
async fn token(
    app: &TestApp,
    form: &str,
    basic: Option<(&str, &str)>,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::post("/api/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {pair}"));
    }
    let (status, headers, bytes) = app
        .raw(req.body(Body::from(form.to_string())).expect("request"))
        .await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

async fn a_departments_system_takes_a_token_and_decides_its_items_through_the_api(app: &TestApp) {
    let secret = register(app).await;
    let (status, headers, granted) = token(
        app,
        "grant_type=client_credentials",
        Some((CLIENT, &secret)),
    )
    .await;
    assert_eq!(status, 200, "{granted}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(granted["token_type"], "Bearer");
    assert_eq!(granted["expires_in"], 900);
    assert_eq!(granted["scope"], "department:psb");
    let access = granted["access_token"].as_str().expect("token");
    let psb = StaffClient::bearer(app, CLIENT, access);
    let (status, me) = psb.get("/api/staff/me").await;
    assert_eq!(
        (status, me["role"].clone(), me["department"].clone()),
        (StatusCode::OK, json!("reviewer"), json!("psb"))
    );

    let applicant = app.file(&restaurant()).await;
    let clerk = app.clerk().await;
    let accepted = clerk.accept(&applicant.number).await;
    // Its department's items only: the seal filing, not the registration or the food permit.
    let seen = psb.application(&applicant.number).await;
    let items: Vec<&str> = seen["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item"].as_str().expect("item"))
        .collect();
    assert_eq!(items, ["seal_filing"], "{seen}");
    let approve = json!({"action": "approve", "before_licence": true});
    let (status, body) = psb
        .review(item(&accepted, "business_registration"), approve)
        .await;
    assert_eq!(
        status, 404,
        "another department's item does not exist for it: {body}"
    );
    // A stale version changes nothing (412), as for staff.
    let mut stale = item(&accepted, "seal_filing").clone();
    stale["version"] = json!(stale["version"].as_i64().expect("version") + 7);
    let certified =
        json!({"action": "approve", "certificate": "GA-2026-0042", "before_licence": true});
    let (status, _) = psb.review(&stale, certified.clone()).await;
    assert_eq!(status, 412);

    // The registration by the market regulator's reviewer; the seal filing by the system, with
    // the number its own system gave.
    let samr = app.reviewer("samr").await;
    let registered = json!({"action": "approve"});
    let (status, reg) = samr
        .review(item(&accepted, "business_registration"), registered)
        .await;
    assert_eq!(status, 200, "{reg}");
    let (status, decided) = psb.review(item(&accepted, "seal_filing"), certified).await;
    assert_eq!(status, 200, "{decided}");

    // In the back office and on the public page.
    let window = clerk.application(&applicant.number).await;
    let seal = item(&window, "seal_filing");
    assert_eq!(seal["status"], "approved", "{seal}");
    let url = window["licence"]["verify_url"].as_str().expect("url");
    let path = &url[url.find("/v/").expect("path")..];
    let (status, _, page) = app.get(path, None).await;
    assert_eq!(status, 200);
    assert!(
        page.as_str().expect("html").contains("GA-2026-0042"),
        "{page}"
    );
    // On the record under the client's name.
    let (actor,): (String,) = sqlx::query_as(
        "SELECT actor FROM audit_log WHERE action LIKE 'review.%' AND after_state LIKE '%GA-2026-0042%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("entry");
    assert_eq!(actor, CLIENT);

    // A system has no password to reset, and the console says what it is.
    let admin = app.admin().await;
    let (status, body) = admin
        .post(
            &format!("/api/staff/accounts/{CLIENT}/password-link"),
            json!({}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, accounts) = admin.get("/api/staff/accounts").await;
    let listed = accounts["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["username"] == CLIENT)
        .expect("listed")
        .clone();
    assert_eq!(listed["system"], true);
    // Revoked by the administrator: the token stops at once.
    let (status, _) = admin
        .post(
            &format!("/api/staff/accounts/{CLIENT}/revoke-sessions"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = psb.get("/api/staff/me").await;
    assert_eq!(status, 401);
}

async fn only_a_clients_secret_gives_a_token_and_only_a_person_logs_in(app: &TestApp) {
    let secret = register(app).await;
    // The grant, the credentials, the form: each wrong in the RFC's words.
    let (status, _, body) = token(app, "grant_type=password", Some((CLIENT, &secret))).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("unsupported_grant_type"))
    );
    let (status, headers, body) = token(
        app,
        "grant_type=client_credentials",
        Some((CLIENT, "guess")),
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_client"))
    );
    assert_eq!(headers["www-authenticate"], "Basic realm=\"lianban\"");
    let (status, _, _) = token(app, "grant_type=client_credentials", None).await;
    assert_eq!(status, 401);
    // The credentials in the form work too.
    let form = format!("grant_type=client_credentials&client_id={CLIENT}&client_secret={secret}");
    let (status, _, body) = token(app, &form, None).await;
    assert_eq!(status, 200, "{body}");

    // A person's password gives no token; a client's secret no session.
    app.account("samr", "reviewer", Some("samr")).await;
    let (status, _, body) = token(
        app,
        "grant_type=client_credentials",
        Some(("samr", PASSWORD)),
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_client"))
    );
    let (status, cookie, _) = app.login_with(CLIENT, &secret).await;
    assert_eq!((status, cookie), (StatusCode::UNAUTHORIZED, None));
    // Neither is a forged or spent token.
    let (status, _) = StaffClient::bearer(app, CLIENT, "forged")
        .get("/api/staff/me")
        .await;
    assert_eq!(status, 401);
    let tries = "SELECT COUNT(*) FROM audit_log WHERE action = 'client.token'";
    let (granted,): (i64,) = sqlx::query_as(tries)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(granted, 1, "each token on the record");
}

/// Every event after `after`, page by page (`limit` a page): the events and the last `next`.
async fn follow(system: &StaffClient<'_>, after: i64, limit: usize) -> (Vec<Value>, i64) {
    let (mut events, mut after) = (Vec::new(), after);
    loop {
        let (status, page) = system
            .get(&format!("/api/events?after={after}&limit={limit}"))
            .await;
        assert_eq!(status, 200, "{page}");
        let got = page["events"].as_array().expect("events").clone();
        let next = page["next"].as_i64().expect("next");
        assert!(next >= after, "the position never goes back");
        after = next;
        if got.is_empty() {
            return (events, after);
        }
        events.extend(got);
    }
}

async fn the_event_feed_gives_a_department_its_items_events_in_order_none_lost_none_twice(
    app: &TestApp,
) {
    let secret = register(app).await;
    let psb = app.machine_client(CLIENT, &secret).await;
    let (none, start) = follow(&psb, 0, 100).await;
    assert!(none.is_empty(), "nothing yet: {none:?}");

    let applicant = app.file(&restaurant()).await;
    let accepted = app.clerk().await.accept(&applicant.number).await;
    let samr = app.reviewer("samr").await;
    let registered = json!({"action": "approve"});
    let (status, _) = samr
        .review(item(&accepted, "business_registration"), registered)
        .await;
    assert_eq!(status, 200);
    let approve =
        json!({"action": "approve", "certificate": "GA-2026-0043", "before_licence": true});
    let (status, _) = psb.review(item(&accepted, "seal_filing"), approve).await;
    assert_eq!(status, 200);

    // Two at a time: the same events as all at once, in order, each once.
    let (paged, end) = follow(&psb, start, 2).await;
    let (whole, end_whole) = follow(&psb, start, 500).await;
    assert_eq!((paged.clone(), end), (whole, end_whole));
    let positions: Vec<i64> = paged
        .iter()
        .map(|e| e["position"].as_i64().expect("position"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let types: Vec<&str> = paged
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    // Filed, accepted, and its own decision — not the market regulator's.
    assert_eq!(
        types,
        [
            "cn.lianban.application.filed",
            "cn.lianban.intake.accepted",
            "cn.lianban.review.approve"
        ]
    );
    for e in &paged {
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["data"]["application"], applicant.number.as_str());
        assert_eq!(e["id"], e["position"].to_string());
    }
    assert_eq!(paged[2]["data"]["actor"], CLIENT);
    // The window sees both decisions in its feed.
    let clerk = app.clerk().await;
    let (all, _) = follow(&clerk, start, 500).await;
    let approvals = all
        .iter()
        .filter(|e| e["type"] == "cn.lianban.review.approve")
        .count();
    assert_eq!(approvals, 2);
    // Caught up: a long poll of a second comes back empty where it was.
    let (status, page) = psb.get(&format!("/api/events?after={end}&wait=1")).await;
    assert_eq!(
        (status, page["events"].clone()),
        (StatusCode::OK, json!([]))
    );
    assert!(page["next"].as_i64().expect("next") >= end);
}
