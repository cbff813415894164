//! Messages to the applicant, on SQLite and on PostgreSQL: real SMTP to a local aiosmtpd (the
//! e-mails read back by Python's `email` package), real HTTP to a local SMS gateway. Each step
//! sends one message per chosen channel with the private link, once; a gateway that is down
//! gets it later, once; nobody who did not ask is told anything.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use backend::notify::{Outbox, Settings};
use serde_json::{Value, json};

use crate::helpers::{TestApp, every_material, item, restaurant, restaurant_with};

crate::on_both_databases!(
    the_applicant_hears_of_each_step_once_by_text_and_e_mail,
    a_gateway_that_is_down_gets_the_message_later_and_only_once,
    nobody_is_told_who_did_not_ask,
    an_owed_material_due_soon_is_announced_once,
    staff_who_ask_get_a_daily_list_of_what_is_due_and_overdue,
    an_addition_tells_the_holder_as_they_chose_when_they_registered,
);

/// aiosmtpd on a free port, keeping what it receives in a maildir.
pub(crate) struct SmtpServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpServer {
    pub(crate) fn start() -> SmtpServer {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "lianban-mail-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-u", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        // Dropped (killed and waited for) however this ends.
        let server = SmtpServer { child, port, dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("aiosmtpd did not start on {port}");
    }

    /// Every e-mail received, parsed by Python's `email` package: to, subject, message id,
    /// the decoded text.
    pub(crate) fn received(&self) -> Vec<Value> {
        let script = r#"
import email, email.policy, json, mailbox, sys
out = []
for key, msg in sorted(mailbox.Maildir(sys.argv[1], create=False).items(), key=lambda kv: kv[1]['Message-ID']):
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    out.append({"to": str(m['To']), "from": str(m['From']), "subject": str(m['Subject']),
                "message_id": str(m['Message-ID']), "text": m.get_content()})
print(json.dumps(out))
"#;
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(&self.dir)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("address")
        .port()
}

/// The county's SMS gateway as a local HTTP server: it keeps every request (its idempotency
/// key and JSON body) and answers 503 to the first `failing` ones.
#[derive(Clone, Default)]
pub(crate) struct Gateway {
    seen: Arc<Mutex<Vec<(String, Value)>>>,
    failing: Arc<AtomicUsize>,
}

impl Gateway {
    pub(crate) async fn start(failing: usize) -> (Gateway, String) {
        let g = Gateway::default();
        g.failing.store(failing, Ordering::SeqCst);
        let state = g.clone();
        let router = axum::Router::new().route(
            "/sms",
            post(move |headers: HeaderMap, body: String| {
                let g = state.clone();
                async move {
                    let key = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                    assert_eq!(auth, Some("Bearer gateway-secret"));
                    let body: Value = serde_json::from_str(&body).expect("JSON");
                    g.seen.lock().expect("lock").push((key, body));
                    let fail = g
                        .failing
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if fail {
                        (StatusCode::SERVICE_UNAVAILABLE, "busy".to_string())
                    } else {
                        (StatusCode::OK, json!({ "id": "gw-1" }).to_string())
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/sms", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        (g, url)
    }

    pub(crate) fn seen(&self) -> Vec<(String, Value)> {
        self.seen.lock().expect("lock").clone()
    }
}

/// The same database served with real providers.
pub(crate) fn with_providers(
    app: &TestApp,
    smtp: Option<&SmtpServer>,
    sms: Option<&str>,
) -> TestApp {
    let settings = Settings {
        smtp_url: smtp.map(|s| format!("smtp://127.0.0.1:{}", s.port)),
        mail_from: "睢县联办 <noreply@lianban.example>".into(),
        sms_webhook: sms.map(String::from),
        sms_token: Some("gateway-secret".into()),
    };
    let outbox = Arc::new(Outbox::new(&settings).expect("outbox"));
    app.sharing(|ctx| backend::service::Context { outbox, ..ctx })
}

fn asking(channels: Value) -> Value {
    let mut body = restaurant_with("notify.channels", channels);
    body["answers"]["legal_rep.email"] = json!("zhang.san@example.cn");
    body
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

async fn the_applicant_hears_of_each_step_once_by_text_and_e_mail(app: &TestApp) {
    let smtp = SmtpServer::start();
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, Some(&smtp), Some(&url));
    let applicant = app.file(&asking(json!(["sms", "email"]))).await;
    let link = format!(
        "http://127.0.0.1:8080/status/{}#t={}",
        applicant.number, applicant.token
    );
    assert_eq!(app.run_jobs().await, 0, "filing is no step to tell of");

    // Accepted at the window: one text, one e-mail, each with the private link.
    let accepted = app.clerk().await.accept(&applicant.number).await;
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 1, "{texts:?}");
    let (key, text) = &texts[0];
    assert_eq!(
        text["id"],
        key.as_str(),
        "the idempotency key is the message's id"
    );
    assert!(key.starts_with("lianban-notification-"));
    assert_eq!(text["to"], "13800138000");
    let words = text["text"].as_str().expect("text");
    assert!(
        words.starts_with("【联办】") && words.contains("已受理"),
        "{words}"
    );
    assert!(
        words.contains(&applicant.number) && words.ends_with(&link),
        "{words}"
    );
    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["to"], "zhang.san@example.cn");
    assert!(
        mail["from"]
            .as_str()
            .expect("from")
            .contains("noreply@lianban.example")
    );
    let subject = mail["subject"].as_str().expect("subject");
    assert!(
        subject.contains(&applicant.number) && subject.contains("已受理"),
        "{subject}"
    );
    let body = mail["text"].as_str().expect("text");
    assert!(
        body.lines().any(|l| l.trim_end() == link),
        "the link on a line of its own: {body}"
    );
    assert!(
        body.contains("最迟") && body.contains("办结"),
        "the promised day: {body}"
    );
    assert!(
        mail["message_id"]
            .as_str()
            .expect("id")
            .starts_with("<lianban-notification-"),
        "{mail}"
    );

    // A supplement request, then each decision: one message per step and channel.
    let samr = app.reviewer("samr").await;
    let food = item(&accepted, "food_business_permit");
    let ask = json!({"action": "request_supplement", "message": "请补充平面图比例尺"});
    let (status, body) = samr.review(food, ask).await;
    assert_eq!(status, 200, "{body}");
    let registration = item(&accepted, "business_registration");
    let (status, body) = samr
        .review(registration, json!({"action": "approve"}))
        .await;
    assert_eq!(status, 200, "{body}");
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[1].1["text"]
            .as_str()
            .expect("text")
            .contains("「食品经营许可」需要补充")
    );
    assert!(
        texts[2].1["text"]
            .as_str()
            .expect("text")
            .contains("已批准，电子证照可以下载")
    );
    let mails = smtp.received();
    assert_eq!(mails.len(), 3);
    let keys: std::collections::HashSet<&str> = texts.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys.len(), 3, "each message its own key");

    // Run again, queue the same step again: nothing more goes out.
    assert_eq!(app.run_jobs().await, 0);
    let step = count(
        app,
        "SELECT COUNT(*) FROM notifications WHERE step LIKE 'decision:%'",
    )
    .await;
    assert_eq!(step, 2, "one decision message per channel");
    assert_eq!(gateway.seen().len(), 3);
    assert_eq!(smtp.received().len(), 3);

    // On the record, and shown to the window with the addresses masked.
    let sent = count(
        app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'notification.sent'",
    )
    .await;
    assert_eq!(sent, 6);
    let seen = app.clerk().await.application(&applicant.number).await;
    let shown = seen["notifications"].as_array().expect("notifications");
    assert_eq!(shown.len(), 6, "{shown:?}");
    assert!(shown.iter().all(|n| n["state"] == "sent"));
    assert!(shown.iter().any(|n| n["to"] == "138****8000"));
    assert!(shown.iter().any(|n| n["to"] == "z***@example.cn"));
    assert!(!seen["notifications"].to_string().contains(&applicant.token));
    // The private token is kept sealed, never in clear.
    let clear = format!(
        "SELECT COUNT(*) FROM applications WHERE notify_link LIKE '%{}%'",
        applicant.token
    );
    assert_eq!(count(app, &clear).await, 0);
}

async fn a_gateway_that_is_down_gets_the_message_later_and_only_once(app: &TestApp) {
    let (gateway, url) = Gateway::start(2).await;
    let app = &with_providers(app, None, Some(&url));
    let applicant = app.file(&asking(json!(["sms"]))).await;
    app.clerk().await.accept(&applicant.number).await;
    app.run_jobs().await;
    let row =
        "SELECT COUNT(*) FROM notifications WHERE state = 'queued' AND last_error LIKE '%503%'";
    assert_eq!(count(app, row).await, 1, "kept, with the gateway's answer");
    // Its job waits before the next try; make it due now, twice.
    for tries in [2, 3] {
        sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'")
            .execute(&app.db.pool)
            .await
            .expect("due");
        app.run_jobs().await;
        assert_eq!(gateway.seen().len(), tries);
    }
    let seen = gateway.seen();
    assert!(
        seen.iter().all(|(k, _)| k == &seen[0].0),
        "the same key each try"
    );
    let sent = "SELECT COUNT(*) FROM notifications WHERE state = 'sent' AND attempts = 3 AND provider_id = 'gw-1'";
    assert_eq!(count(app, sent).await, 1);
    sqlx::query("UPDATE jobs SET run_at = 0")
        .execute(&app.db.pool)
        .await
        .expect("due");
    app.run_jobs().await;
    assert_eq!(gateway.seen().len(), 3, "sent, so never again");
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM notifications").await,
        1,
        "no e-mail asked"
    );
}

async fn nobody_is_told_who_did_not_ask(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    let applicant = app.file(&restaurant()).await;
    app.clerk().await.accept(&applicant.number).await;
    app.run_jobs().await;
    assert!(gateway.seen().is_empty());
    assert_eq!(count(app, "SELECT COUNT(*) FROM notifications").await, 0);
    // The link is kept sealed all the same, to be found again (`recovery`), never in clear.
    let kept = format!(
        "SELECT COUNT(*) FROM applications WHERE notify_link IS NOT NULL AND notify_link NOT LIKE '%{}%'",
        applicant.token
    );
    assert_eq!(count(app, &kept).await, 1);
    // E-mail chosen without an address: the address is the field in error.
    let body = restaurant_with("notify.channels", json!(["email"]));
    let (status, _, refused) = app.submit(&body, &[]).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("legal_rep.email"), "{refused}");
}

async fn an_owed_material_due_soon_is_announced_once(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    let ctx = &app.state.ctx;
    let today = backend::domain::clock::county_date(backend::domain::clock::now_unix());
    let soon = shared::date::format_iso_date(ctx.calendar.due_date(today, 1));
    let clerk = app.clerk().await;
    let mut numbers = Vec::new();
    for bring_by in [soon.as_str(), "2099-01-01"] {
        let applicant = app.file(&asking(json!(["sms"]))).await;
        let path = format!("/api/staff/applications/{}", applicant.number);
        let full = clerk.application(&applicant.number).await;
        let body = json!({"decision": "accept", "version": full["version"],
            "paper_materials": every_material(&full), "missing_materials": ["food_safety_rules"],
            "bring_by": bring_by});
        let (status, accepted) = clerk.post(&format!("{path}/intake"), body).await;
        assert_eq!(status, 200, "{accepted}");
        numbers.push((applicant.number.clone(), accepted));
    }
    app.run_jobs().await;
    assert_eq!(gateway.seen().len(), 2, "the two acceptances");
    for _ in 0..2 {
        backend::service::notifications::remind_owed(ctx)
            .await
            .expect("reminders");
        app.run_jobs().await;
    }
    let texts = gateway.seen();
    assert_eq!(texts.len(), 3, "one reminder, once: {texts:?}");
    let words = texts[2].1["text"].as_str().expect("text");
    assert!(words.contains(&numbers[0].0), "{words}");
    assert!(words.contains(&format!("须于 {soon} 前提交")), "{words}");

    // The inspection's day, when it is set.
    let food = item(&numbers[1].1, "food_business_permit");
    let visit = json!({"action": "schedule_inspection", "inspection_on": "2099-01-05"});
    let (status, body) = app.reviewer("samr").await.review(food, visit).await;
    assert_eq!(status, 200, "{body}");
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 4);
    let words = texts[3].1["text"].as_str().expect("text");
    assert!(words.contains(&numbers[1].0), "{words}");
    assert!(
        words.contains("食品经营许可的现场核查定于 2099-01-05"),
        "{words}"
    );
}

async fn staff_who_ask_get_a_daily_list_of_what_is_due_and_overdue(app: &TestApp) {
    let smtp = SmtpServer::start();
    let app = &with_providers(app, Some(&smtp), None);
    let (applicant, _) = app.accepted_restaurant().await;
    // The market regulator's food permit overdue, the police's seal filing due tomorrow, the
    // rest later; as of Monday 7 December 2026.
    for (item, due) in [
        ("business_registration", "2026-12-30"),
        ("food_business_permit", "2026-12-04"),
        ("seal_filing", "2026-12-08"),
        ("first_invoice", "2026-12-30"),
        ("social_insurance_registration", "2026-12-30"),
    ] {
        sqlx::query("UPDATE sub_applications SET due_on = $1 WHERE item = $2")
            .bind(due)
            .bind(item)
            .execute(&app.db.pool)
            .await
            .expect("due");
    }
    // Who asks for a list sets their own address; a bad one is refused, an empty one stops it.
    let samr = app.reviewer("samr").await;
    let (code, body) = samr.set_email("li@samr.example").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["email"], "li@samr.example");
    let psb = app.reviewer("psb").await;
    let (code, _) = psb.set_email("not an address").await;
    assert_eq!(code, 422);
    let (code, _) = psb.set_email("wang@psb.example").await;
    assert_eq!(code, 200);
    let admin = app.admin().await;
    let (code, _) = admin.set_email("root@example").await;
    assert_eq!(code, 200);
    let (code, body) = admin.set_email("").await;
    assert_eq!(code, 200);
    assert!(body.get("email").is_none(), "stopped: {body}");
    let _ = app.reviewer("tax").await; // no address: no list

    let monday = shared::date::parse_iso_date("2026-12-07").expect("date");
    let ctx = &app.state.ctx;
    for _ in 0..2 {
        backend::service::notifications::digest(ctx, monday)
            .await
            .expect("digest");
        app.run_jobs().await;
    }
    // A Sunday: none.
    let sunday = shared::date::parse_iso_date("2026-12-06").expect("date");
    assert_eq!(
        backend::service::notifications::digest(ctx, sunday)
            .await
            .expect("digest"),
        0
    );
    let mails = smtp.received();
    assert_eq!(
        mails.len(),
        2,
        "one list each for the two who asked, once: {mails:?}"
    );
    let to = |who: &str| {
        mails
            .iter()
            .find(|m| m["to"] == who)
            .unwrap_or_else(|| panic!("{who} in {mails:?}"))
    };
    let li = to("li@samr.example");
    assert_eq!(
        li["subject"],
        "【联办】2026-12-07 待办：已逾期 1 项，2026-12-08 前到期 0 项"
    );
    let text = li["text"].as_str().expect("text");
    assert!(
        text.contains(&format!("{} 食品经营许可", applicant.number)),
        "{text}"
    );
    assert!(text.contains(&format!(
        "http://127.0.0.1:8080/staff/applications/{}",
        applicant.number
    )));
    assert!(!text.contains("公章"), "only the department's own: {text}");
    let wang = to("wang@psb.example");
    assert_eq!(
        wang["subject"],
        "【联办】2026-12-07 待办：已逾期 0 项，2026-12-08 前到期 1 项"
    );
    let sent = count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'notification.sent' AND subject LIKE 'staff %'").await;
    assert_eq!(sent, 2);
}

async fn an_addition_tells_the_holder_as_they_chose_when_they_registered(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    let holder = app.file(&asking(json!(["sms"]))).await;
    let accepted = app.clerk().await.accept(&holder.number).await;
    let samr = app.reviewer("samr").await;
    let (status, body) = samr
        .review(
            item(&accepted, "business_registration"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.run_jobs().await;
    assert_eq!(gateway.seen().len(), 2, "accepted, then the licence");
    // 增项: the sign permit; its form does not ask how to be told.
    let filing = json!({"bundle": "add.outdoor_sign_permit",
        "holder": {"number": holder.number, "token": holder.token},
        "answers": {"sign.content": "老张家常菜", "sign.width": 4, "sign.height": 1.2,
            "declaration.truthful": true}});
    let (status, _, created) = app.submit(&filing, &[]).await;
    assert_eq!(status, 201, "{created}");
    let (number, token) = (
        created["number"].as_str().expect("number"),
        created["token"].as_str().expect("token"),
    );
    app.clerk().await.accept(number).await;
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 3, "{texts:?}");
    let words = texts[2].1["text"].as_str().expect("text");
    assert!(words.contains(&format!("{number} 已受理")), "{words}");
    assert!(
        words.ends_with(&format!("/status/{number}#t={token}")),
        "the addition's own link: {words}"
    );
    assert_eq!(texts[2].1["to"], "13800138000");
}
