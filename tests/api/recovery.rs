//! Finding an application again, on SQLite and on PostgreSQL: the number and the phone (or
//! e-mail) on the form → a code by the real SMS gateway (a local HTTP server) or SMTP → the
//! private link again. Nobody learns whose number or phone it is; three codes an hour, five
//! tries a code, each code once; on the record. A draft saved on the server the same way, by
//! the phone alone.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, restaurant, restaurant_with};
use crate::notifications::{Gateway, SmtpServer, count, with_providers};

crate::on_both_databases!(
    a_lost_link_comes_back_with_the_code_sent_to_the_phone_on_the_form,
    the_e_mail_on_the_form_works_too,
    nobody_learns_whose_number_or_phone_it_is,
    three_codes_an_hour_and_five_tries_a_code,
    an_application_whose_link_was_not_kept_gets_a_new_one,
    a_saved_draft_comes_back_by_the_phone_on_it,
);

/// POSTs a find form; the status, the `Location` header, the page.
async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let (status, headers, bytes) = app.raw(req).await;
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, location, String::from_utf8(bytes).expect("utf-8"))
}

/// The challenge the code page carries.
fn challenge(page: &str) -> String {
    let at = page
        .find("name=\"challenge\" value=\"")
        .unwrap_or_else(|| panic!("no challenge in {page}"));
    let rest = &page[at + 24..];
    rest[..rest.find('"').expect("end")].to_string()
}

/// The six-digit code in a message.
fn code_in(text: &str) -> String {
    let digits: Vec<char> = text.chars().collect();
    digits
        .windows(6)
        .map(|w| w.iter().collect::<String>())
        .find(|w| w.chars().all(|c| c.is_ascii_digit()))
        .filter(|_| text.contains("验证码") || text.contains("Code"))
        .unwrap_or_else(|| panic!("no code in {text}"))
}

async fn ask(app: &TestApp, number: &str, contact: &str) -> (StatusCode, String) {
    let (status, _, page) = post(app, "/find", &[("n", number), ("contact", contact)]).await;
    (status, page)
}

async fn a_lost_link_comes_back_with_the_code_sent_to_the_phone_on_the_form(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    // No channel chosen on the form: the phone on it still takes a code it asked for.
    let applicant = app.file(&restaurant()).await;
    let find = Request::get("/find?n=LB-1")
        .body(Body::empty())
        .expect("request");
    let (status, _, page) = app.raw(find).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(
        page.contains("value=\"LB-1\""),
        "the number from the status page's link"
    );
    assert!(
        page.contains("办件编号") && page.contains("action=\"/find\""),
        "{page}"
    );

    // Written as people write it: lower case, spaces, +86.
    let typed = applicant.number.to_lowercase();
    let (status, page) = ask(app, &typed, "+86 138-0013-8000").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("138****8000"), "{page}");
    let challenge = challenge(&page);
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 1, "{texts:?}");
    let text = texts[0].1["text"].as_str().expect("text");
    assert_eq!(
        texts[0].1["to"], "13800138000",
        "the phone as the form stored it"
    );
    assert!(text.contains(&applicant.number), "{text}");
    assert!(!text.contains(&applicant.token), "no link in it: {text}");
    let code = code_in(text);

    // A wrong code first: four tries left; then the right one opens the link the applicant had.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let n = applicant.number.as_str();
    let form = [("challenge", challenge.as_str()), ("n", n), ("code", wrong)];
    let (status, _, page) = post(app, "/find/code", &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("还可以再试 4 次"), "{page}");
    let form = [("challenge", challenge.as_str()), ("n", n), ("code", &code)];
    let (status, location, _) = post(app, "/find/code", &form).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/status/{n}#t={}", applicant.token));
    assert_eq!(
        applicant.status().await["number"],
        n,
        "the old link works still"
    );
    // Used once.
    let (status, _, page) = post(app, "/find/code", &form).await;
    assert_eq!(status, 410, "{page}");
    assert!(page.contains("已失效"), "{page}");

    let on_record = "SELECT COUNT(*) FROM audit_log WHERE action IN \
        ('application.recovery_code_sent', 'application.link_recovered')";
    assert_eq!(count(app, on_record).await, 2);
    let leaked = format!(
        "SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE '%{code}%' OR address LIKE '%0013%'"
    );
    assert_eq!(
        count(app, &leaked).await,
        0,
        "neither the code nor the phone in clear"
    );
}

async fn the_e_mail_on_the_form_works_too(app: &TestApp) {
    let smtp = SmtpServer::start();
    let app = &with_providers(app, Some(&smtp), None);
    let mut body = restaurant_with("notify.channels", json!(["email"]));
    body["answers"]["legal_rep.email"] = json!("zhang.san@example.cn");
    let applicant = app.file(&body).await;
    let (status, page) = ask(app, &applicant.number, "Zhang.San@Example.cn").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Z***@Example.cn"), "{page}");
    app.run_jobs().await;
    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["to"], "zhang.san@example.cn");
    let subject = mails[0]["subject"].as_str().expect("subject");
    assert!(
        subject.contains("找回") && subject.contains(&applicant.number),
        "{subject}"
    );
    let code = code_in(mails[0]["text"].as_str().expect("text"));
    assert!(
        !subject.contains(&code),
        "the subject, which staff see, has no code"
    );
    let form = [
        ("challenge", challenge(&page)),
        ("n", applicant.number.clone()),
        ("code", code),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = post(app, "/find/code", &form).await;
    assert_eq!(status, 303);
    assert!(location.ends_with(&applicant.token), "{location}");
}

async fn nobody_learns_whose_number_or_phone_it_is(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    let applicant = app.file(&restaurant()).await;
    // Someone else's phone, an unknown number: the same page as a match, and nothing sent.
    let (status, page) = ask(app, &applicant.number, "13900139000").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("139****9000") && page.contains("如果办件"),
        "{page}"
    );
    let (status, page) = ask(app, "LB-20990101-0001", "13800138000").await;
    assert_eq!(status, 200, "{page}");
    app.run_jobs().await;
    assert!(gateway.seen().is_empty());
    assert_eq!(count(app, "SELECT COUNT(*) FROM recovery_codes").await, 0);
    assert_eq!(count(app, "SELECT COUNT(*) FROM notifications").await, 0);
    // The manager's phone on the form is not the legal representative's.
    let (status, _) = ask(app, &applicant.number, "13900139000").await;
    assert_eq!(status, 200);
    assert_eq!(count(app, "SELECT COUNT(*) FROM recovery_codes").await, 0);
    // Each field's problem, the values kept, nothing looked up.
    let (status, page) = ask(app, "20261206", "").await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("请输入完整的办件编号") && page.contains("请输入手机号或电子邮箱"));
    assert!(page.contains("value=\"20261206\"") && page.contains("aria-invalid=\"true\""));
    // A made-up challenge is spent, whatever the code.
    let form = [
        ("challenge", "made-up"),
        ("n", "LB-20990101-0001"),
        ("code", "123456"),
    ];
    let (status, _, _) = post(app, "/find/code", &form).await;
    assert_eq!(status, 410);
}

async fn three_codes_an_hour_and_five_tries_a_code(app: &TestApp) {
    let applicant = app.file(&restaurant()).await;
    let n = applicant.number.as_str();
    let mut challenges = Vec::new();
    for _ in 0..3 {
        let (status, page) = ask(app, n, "13800138000").await;
        assert_eq!(status, 200, "{page}");
        challenges.push(challenge(&page));
    }
    let (status, page) = ask(app, n, "13800138000").await;
    assert_eq!(status, 429, "{page}");
    assert!(page.contains("3 次"), "{page}");
    assert_eq!(count(app, "SELECT COUNT(*) FROM recovery_codes").await, 3);
    // Five wrong tries spend a challenge: the fifth is told so, and the right code is no use.
    let first = challenges[0].as_str();
    let kept = "SELECT code_hash FROM recovery_codes ORDER BY id LIMIT 1".to_string();
    let hash: String = sqlx::query_scalar(sqlx::AssertSqlSafe(kept))
        .fetch_one(&app.db.pool)
        .await
        .expect("hash");
    let right = (0..1_000_000)
        .map(|c| format!("{c:06}"))
        .find(|c| backend::domain::recovery::code_matches(first, c, &hash))
        .expect("the code");
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };
    for left in (1..5).rev() {
        let (status, _, page) = post(
            app,
            "/find/code",
            &[("challenge", first), ("n", n), ("code", wrong)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains(&format!("还可以再试 {left} 次")), "{page}");
    }
    let (status, _, _) = post(
        app,
        "/find/code",
        &[("challenge", first), ("n", n), ("code", wrong)],
    )
    .await;
    assert_eq!(status, 410);
    let (status, _, _) = post(
        app,
        "/find/code",
        &[("challenge", first), ("n", n), ("code", &right)],
    )
    .await;
    assert_eq!(status, 410, "spent");
}

async fn an_application_whose_link_was_not_kept_gets_a_new_one(app: &TestApp) {
    let applicant = app.file(&restaurant()).await;
    // Filed before links were kept.
    sqlx::query("UPDATE applications SET notify_link = NULL")
        .execute(&app.db.pool)
        .await
        .expect("update");
    let (_, page) = ask(app, &applicant.number, "13800138000").await;
    let challenge = challenge(&page);
    let body: String = sqlx::query_scalar("SELECT body FROM notifications")
        .fetch_one(&app.db.pool)
        .await
        .expect("message");
    let code = code_in(&body);
    let n = applicant.number.as_str();
    let form = [("challenge", challenge.as_str()), ("n", n), ("code", &code)];
    let (status, location, _) = post(app, "/find/code", &form).await;
    assert_eq!(status, 303);
    let token = location.rsplit("#t=").next().expect("token");
    assert_ne!(token, applicant.token);
    let (status, _, _) = app
        .get(&format!("/api/applications/{n}"), Some(token))
        .await;
    assert_eq!(status, 200, "the new link opens it");
    let (status, _, _) = app
        .get(&format!("/api/applications/{n}"), Some(&applicant.token))
        .await;
    assert_eq!(status, 404, "the old one no longer");
    let kept = "SELECT COUNT(*) FROM applications WHERE notify_link IS NOT NULL";
    assert_eq!(count(app, kept).await, 1, "and this one is kept");
}

/// A draft of the restaurant saved on the server with `answers`: (id, token).
async fn saved_draft(app: &TestApp, answers: serde_json::Value) -> (String, String) {
    let (id, token) = app.draft("restaurant").await;
    let path = format!("/api/drafts/{id}");
    let (status, saved) = app
        .with_token("PUT", &path, &token, Some(json!({ "answers": answers })))
        .await;
    assert_eq!(status, 200, "{saved}");
    (id, token)
}

async fn a_saved_draft_comes_back_by_the_phone_on_it(app: &TestApp) {
    let (gateway, url) = Gateway::start(0).await;
    let app = &with_providers(app, None, Some(&url));
    let mine = json!({"business.name": "睢县草稿小馆", "legal_rep.phone": "138 0013 8000"});
    let (id, token) = saved_draft(app, mine.clone()).await;
    let (older, older_token) = saved_draft(app, mine.clone()).await;
    // Someone else's draft, and one of mine submitted already: neither is listed.
    saved_draft(app, json!({"legal_rep.phone": "13900139000"})).await;
    let (submitted, submitted_token) = saved_draft(app, mine).await;
    let mut body = restaurant();
    body["draft"] = json!({"id": submitted, "token": submitted_token});
    app.file(&body).await;

    // Nothing typed, or not a whole phone: the field says so, nothing is sent.
    let (status, _, page) = post(app, "/find/drafts", &[("contact", " ")]).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("find-draft-contact-e"), "{page}");
    let (status, _, _) = post(app, "/find/drafts", &[("contact", "0013")]).await;
    assert_eq!(status, 422);
    // A phone no draft has: the same page as a match, nothing sent.
    let (status, _, page) = post(app, "/find/drafts", &[("contact", "13700137000")]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("137****7000"), "{page}");
    app.run_jobs().await;
    assert!(gateway.seen().is_empty());

    let (status, _, page) = post(app, "/find/drafts", &[("contact", "+86 138-0013-8000")]).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("138****8000") && page.contains("草稿"),
        "{page}"
    );
    app.run_jobs().await;
    let texts = gateway.seen();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(
        texts[0].1["to"], "138 0013 8000",
        "the phone as the draft has it"
    );
    let text = texts[0].1["text"].as_str().expect("text");
    assert!(text.contains("草稿") && !text.contains(&token), "{text}");
    let code = code_in(text);
    let challenge = challenge(&page);
    let form = [
        ("challenge", challenge.as_str()),
        ("n", ""),
        ("code", &code),
    ];
    let (status, _, page) = post(app, "/find/code", &form).await;
    assert_eq!(status, 200, "{page}");
    // Both of mine, each with the link it had; nobody else's, nothing submitted.
    for (id, token) in [(&id, &token), (&older, &older_token)] {
        let link = format!("/bundles/restaurant/apply?draft={id}#t={token}");
        assert!(page.contains(&link), "{link} in {page}");
    }
    assert_eq!(page.matches("继续填写").count(), 2, "{page}");
    assert_eq!(
        page.matches("开饭店 · 睢县草稿小馆").count(),
        2,
        "the bundle's name and the business's: {page}"
    );
    let (status, draft) = app
        .with_token("GET", &format!("/api/drafts/{id}"), &token, None)
        .await;
    assert_eq!(
        (status, draft["answers"]["business.name"].clone()),
        (StatusCode::OK, json!("睢县草稿小馆"))
    );
    // Used once; on the record; no phone in clear among the codes.
    let (status, _, page) = post(app, "/find/code", &form).await;
    assert_eq!(status, 410, "{page}");
    assert!(
        page.contains("id=\"drafts\"") && page.contains("已失效"),
        "{page}"
    );
    let on_record = "SELECT COUNT(*) FROM audit_log WHERE action IN \
        ('drafts.recovery_code_sent', 'drafts.links_recovered')";
    assert_eq!(count(app, on_record).await, 2);
    let leaked = "SELECT COUNT(*) FROM recovery_codes WHERE address LIKE '%0013%' OR contact_key LIKE '%13800138000%'";
    assert_eq!(count(app, leaked).await, 0);

    // Three codes an hour for one contact — asked for six times at once (as from several
    // instances), two more go and four are refused.
    let asks = (0..6).map(|_| post(app, "/find/drafts", &[("contact", "13800138000")]));
    let answers = futures_util::future::join_all(asks).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.0.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 429, 429, 429, 429]);
    let refused = answers.iter().find(|a| a.0 == 429).expect("a refusal");
    assert!(refused.2.contains("3 次"), "{}", refused.2);
    let (status, _, _) = post(app, "/find/drafts", &[("contact", "13800138000")]).await;
    assert_eq!(status, 429);
}
