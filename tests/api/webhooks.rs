//! Webhooks, on SQLite and on PostgreSQL: a department's system subscribes its receiver; its
//! events arrive pushed, in order, each once, signed — the signature checked by an independent
//! implementation (Python's `hmac`); the receiver down for a while, then up: everything
//! arrives, in order; after eight failures in a row the subscription is dead until sent again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, item, restaurant};

crate::on_both_databases!(events_are_pushed_signed_in_order_and_wait_out_a_receiver_that_is_down);

/// One delivery as received: `webhook-id`, `webhook-timestamp`, `webhook-signature`, body.
type Got = (String, String, String, String);

/// A receiver: what it got, answering 503 while `down`.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    down: Arc<AtomicBool>,
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let r = Receiver::default();
        let state = r.clone();
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let r = state.clone();
                async move {
                    if r.down.load(Ordering::SeqCst) {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let h = |k: &str| {
                        headers
                            .get(k)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    let got = (
                        h("webhook-id"),
                        h("webhook-timestamp"),
                        h("webhook-signature"),
                        body,
                    );
                    r.got.lock().expect("lock").push(got);
                    StatusCode::NO_CONTENT
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        (r, url)
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().expect("lock").clone()
    }
}

/// Whether Python's `hmac` finds `signature` right for the message (the Standard Webhooks
/// scheme: HMAC-SHA256 over "id.timestamp.body", the key the secret after `whsec_`).
fn python_agrees(secret: &str, id: &str, stamp: &str, body: &str, signature: &str) -> bool {
    let script = r#"
import base64, hashlib, hmac, sys
secret, msg_id, stamp, body, given = sys.argv[1:6]
key = base64.b64decode(secret.removeprefix("whsec_"))
mac = hmac.new(key, f"{msg_id}.{stamp}.{body}".encode(), hashlib.sha256).digest()
print("yes" if hmac.compare_digest("v1," + base64.b64encode(mac).decode(), given) else "no")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, secret, id, stamp, body, signature])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).trim() == "yes"
}

async fn deliver(app: &TestApp, at: i64) -> usize {
    backend::service::webhooks::deliver_due(&app.state.ctx, at)
        .await
        .expect("deliver")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// The same server with `hosts` the administrator lets webhooks go to.
fn allowing(app: &TestApp, hosts: &str) -> TestApp {
    let hosts = backend::domain::webhooks::AllowedHosts::parse(hosts).expect("hosts");
    app.sharing(|ctx| backend::service::Context {
        webhook_hosts: Arc::new(hosts),
        ..ctx
    })
}

async fn events_are_pushed_signed_in_order_and_wait_out_a_receiver_that_is_down(app: &TestApp) {
    let secret = app.register_client("psb-system", "psb").await;
    let (receiver, url) = Receiver::start().await;
    // No host allowed (the default): no address is taken, the receiver's neither.
    let psb = app.machine_client("psb-system", &secret).await;
    let (status, body) = psb.post("/api/webhooks", json!({"url": url})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["field_errors"]["url"][0]
            .as_str()
            .expect("url")
            .contains("--webhook-hosts")
    );
    let app = &allowing(app, "tax.county.gov.cn, 127.0.0.1");
    let psb = app.machine_client("psb-system", &secret).await;
    // A wrong address is refused at its field; so is a host not on the list.
    for wrong in [
        "ftp://tax",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/x",
    ] {
        let (status, body) = psb.post("/api/webhooks", json!({"url": wrong})).await;
        assert_eq!(
            (status, body["field_errors"]["url"].is_array()),
            (StatusCode::UNPROCESSABLE_ENTITY, true),
            "{wrong}"
        );
    }
    let (_, hooks) = psb.get("/api/webhooks").await;
    assert_eq!(hooks, json!([]), "nothing refused was kept");
    let (status, created) = psb.post("/api/webhooks", json!({"url": url})).await;
    assert_eq!(status, 201, "{created}");
    let hook_secret = created["secret"].as_str().expect("secret").to_string();
    let id = created["webhook"]["id"].as_i64().expect("id");
    assert!(hook_secret.starts_with("whsec_"));

    let applicant = app.file(&restaurant()).await;
    let accepted = app.clerk().await.accept(&applicant.number).await;
    assert_eq!(deliver(app, now()).await, 2, "filed and accepted");
    let got = receiver.got();
    let bodies: Vec<Value> = got
        .iter()
        .map(|g| serde_json::from_str(&g.3).expect("JSON"))
        .collect();
    assert_eq!(bodies[0]["type"], "cn.lianban.application.filed");
    assert_eq!(bodies[1]["type"], "cn.lianban.intake.accepted");
    for (msg_id, stamp, signature, body) in &got {
        assert!(
            python_agrees(&hook_secret, msg_id, stamp, body, signature),
            "{signature}"
        );
        assert!(!python_agrees(
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            msg_id,
            stamp,
            body,
            signature
        ));
    }
    assert_eq!(deliver(app, now() + 2).await, 0, "nothing twice");

    // The receiver down: the decision waits, tried again later, not lost.
    receiver.down.store(true, Ordering::SeqCst);
    let approve =
        json!({"action": "approve", "certificate": "GA-2026-0200", "before_licence": true});
    let (status, _) = psb.review(item(&accepted, "seal_filing"), approve).await;
    assert_eq!(status, 200);
    assert_eq!(deliver(app, now() + 4).await, 0);
    let (_, hooks) = psb.get("/api/webhooks").await;
    assert_eq!(
        (hooks[0]["failures"].clone(), hooks[0]["state"].clone()),
        (json!(1), json!("live"))
    );
    assert_eq!(
        deliver(app, now() + 5).await,
        0,
        "not before its wait is over"
    );
    receiver.down.store(false, Ordering::SeqCst);
    assert_eq!(deliver(app, now() + 60).await, 1);
    let got = receiver.got();
    let types: Vec<String> = got
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.3).expect("JSON")["type"]
                .as_str()
                .expect("type")
                .to_string()
        })
        .collect();
    assert_eq!(
        types,
        [
            "cn.lianban.application.filed",
            "cn.lianban.intake.accepted",
            "cn.lianban.review.approve"
        ]
    );
    let ids: Vec<i64> = got.iter().map(|g| g.0.parse().expect("id")).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in order, each once: {ids:?}"
    );

    // Down for good: dead after eight failures in a row, on the record; sent again, it goes on.
    receiver.down.store(true, Ordering::SeqCst);
    let clerk = app.clerk().await;
    let (status, _) = clerk
        .get(&format!("/api/staff/applications/{}", applicant.number))
        .await;
    assert_eq!(status, 200);
    let supplement = json!({"action": "request_supplement", "message": "请补充印章样式说明"});
    let fresh = psb.application(&applicant.number).await;
    let _ = psb.review(item(&fresh, "seal_filing"), supplement).await;
    let admin = app.admin().await;
    let (code, _) = admin.set_email("root@county.example").await;
    assert_eq!(code, 200);
    let mut at = now() + 120;
    for _ in 0..8 {
        deliver(app, at).await;
        at += 3601;
    }
    let (_, hooks) = psb.get("/api/webhooks").await;
    assert_eq!(hooks[0]["state"], "dead", "{hooks}");
    let dead = "SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.dead'";
    let (n,): (i64,) = sqlx::query_as(dead)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(n, 1);
    // The administrator was e-mailed at once, with where to send it again.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT address, body FROM notifications WHERE step LIKE 'alert:webhook-dead:%'",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("alerts");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "root@county.example");
    assert!(
        told[0].1.contains("psb-system") && told[0].1.contains("/staff/admin"),
        "{told:?}"
    );
    let (_, all) = admin.get("/api/webhooks").await;
    assert_eq!(
        all[0]["owner"], "psb-system",
        "the administrator sees the dead-letter list"
    );
    receiver.down.store(false, Ordering::SeqCst);
    let (status, revived) = psb
        .post(&format!("/api/webhooks/{id}/redeliver"), json!({}))
        .await;
    assert_eq!(
        (status, revived["state"].clone()),
        (StatusCode::OK, json!("live"))
    );
    deliver(app, at).await;
    let (_, hooks) = psb.get("/api/webhooks").await;
    assert_eq!(
        (hooks[0]["state"].clone(), hooks[0]["failures"].clone()),
        (json!("live"), json!(0))
    );
    // The host taken off the administrator's list: nothing more goes there; the record says why.
    let narrowed = allowing(app, "tax.county.gov.cn");
    let heard = receiver.got().len();
    app.file(&restaurant()).await;
    assert_eq!(deliver(&narrowed, at + 10).await, 0);
    assert_eq!(receiver.got().len(), heard);
    let (_, hooks) = psb.get("/api/webhooks").await;
    let why = hooks[0]["last_error"].as_str().unwrap_or_default();
    assert!(why.contains("no longer among the allowed"), "{hooks}");
    // Nor is it sent again there.
    let psb_narrowed = narrowed.machine_client("psb-system", &secret).await;
    let (status, body) = psb_narrowed
        .post(&format!("/api/webhooks/{id}/redeliver"), json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["field_errors"]["url"].is_array(), "{body}");
    // Ended: nothing more goes.
    let (status, _) = psb
        .call("DELETE", &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = psb
        .call("DELETE", &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 404);
}
