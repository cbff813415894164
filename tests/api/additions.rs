//! 增项, on SQLite and on PostgreSQL: a restaurant that holds its licence adds the outdoor sign
//! permit — what the licence registered filled in and kept, the licence not asked for again,
//! the new item reviewed in parallel like any other, its permit on the live public page; and
//! every way it is refused.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::helpers::{TestApp, item};

crate::on_both_databases!(
    an_existing_restaurant_adds_the_outdoor_sign_permit,
    an_addition_is_refused_without_its_holder_or_for_what_is_held,
    the_public_page_shows_what_is_still_in_progress,
);

const SIGN: &str = "add.outdoor_sign_permit";

fn sign_answers() -> Value {
    json!({"sign.content": "老张家常菜", "sign.width": 4, "sign.height": 1.2,
        "declaration.truthful": true})
}

/// A restaurant with its licence issued: (number, token, verify token).
async fn licensed(app: &TestApp) -> (String, String, String) {
    let (applicant, accepted) = app.accepted_restaurant().await;
    let samr = app.reviewer("samr").await;
    let (status, body) = samr
        .review(
            item(&accepted, "business_registration"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let seen = samr.application(&applicant.number).await;
    let url = seen["licence"]["verify_url"].as_str().expect("url");
    let verify = url.rsplit('/').next().expect("token").to_string();
    (applicant.number.clone(), applicant.token.clone(), verify)
}

async fn an_existing_restaurant_adds_the_outdoor_sign_permit(app: &TestApp) {
    let (number, token, verify) = licensed(app).await;
    // What the licence knows, for the form.
    let path = format!("/api/applications/{number}/known?bundle={SIGN}");
    let (status, _, known) = app.get(&path, Some(&token)).await;
    assert_eq!(status, 200, "{known}");
    assert_eq!(known["business.name"], "睢县老张家常菜馆");
    assert_eq!(known["legal_rep.name"], "张三");
    assert_eq!(known["legal_rep.phone"], "13800138000");
    assert!(known.get("sign.content").is_none() && known.get("declaration.truthful").is_none());
    // The addition's form: the sign permit alone, the licence not asked for.
    let (status, _, view) = app.get(&format!("/api/bundles/{SIGN}"), None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["bundle"]["name"]["zh"], "增办：户外招牌设置许可");
    assert!(
        !view["materials"].to_string().contains("business_licence"),
        "{view}"
    );

    let filing = json!({"bundle": SIGN, "holder": {"number": number, "token": token},
        "answers": sign_answers()});
    let (status, _, created) = app.submit(&filing, &[]).await;
    assert_eq!(status, 201, "{created}");
    let added = created["number"].as_str().expect("number").to_string();
    assert_ne!(added, number);
    let (_, _, status_now) = app
        .get(
            &format!("/api/applications/{added}"),
            created["token"].as_str(),
        )
        .await;
    let items: Vec<&str> = status_now["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item"].as_str().expect("id"))
        .collect();
    assert_eq!(
        items,
        ["outdoor_sign_permit"],
        "the registration is not repeated"
    );
    assert_eq!(
        app.stored_answers(&added).await["business.name"],
        "睢县老张家常菜馆"
    );

    // Accepted and approved like any item; the permit is the enterprise's, on its live page.
    let accepted = app.clerk().await.accept(&added).await;
    let urban = app.reviewer("urban").await;
    let (status, body) = urban
        .review(
            item(&accepted, "outdoor_sign_permit"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let req = Request::get(format!("/v/{verify}"))
        .body(Body::empty())
        .expect("request");
    let (status, _, page) = app.raw(req).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("html");
    assert!(
        page.contains("户外招牌设置许可"),
        "the new permit on the public page"
    );
    // The holder's first link shows it too.
    let (_, _, first) = app
        .get(&format!("/api/applications/{number}"), Some(&token))
        .await;
    assert!(
        first["permits"].to_string().contains("outdoor_sign_permit"),
        "{first}"
    );
    // The audit names the enterprise.
    let after: String = sqlx::query_scalar(
        "SELECT after_state FROM audit_log WHERE action = 'application.filed' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("audit");
    assert!(after.contains("\"enterprise\":\""), "{after}");

    // Held now: not applied for again.
    let (status, _, refused) = app.submit(&filing, &[]).await;
    assert_eq!(status, 409, "{refused}");
}

async fn an_addition_is_refused_without_its_holder_or_for_what_is_held(app: &TestApp) {
    let (number, token, _) = licensed(app).await;
    let with = |holder: Value, answers: Value, bundle: &str| json!({"bundle": bundle, "holder": holder, "answers": answers});
    let holder = json!({"number": number, "token": token});
    // No holder; a wrong token; a themed bundle with a holder.
    let no_holder = json!({"bundle": SIGN, "answers": sign_answers()});
    let (status, _, body) = app.submit(&no_holder, &[]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("holder"), "{body}");
    let wrong = json!({"number": number, "token": "x".repeat(43)});
    let (status, _, _) = app.submit(&with(wrong, sign_answers(), SIGN), &[]).await;
    assert_eq!(status, 404);
    let (status, _, _) = app
        .submit(&with(holder.clone(), json!({}), "restaurant"), &[])
        .await;
    assert_eq!(status, 422);
    // A registered fact changed in the form: the change procedure, not this.
    let mut renamed = sign_answers();
    renamed["business.name"] = json!("别的名字");
    let (status, _, body) = app.submit(&with(holder.clone(), renamed, SIGN), &[]).await;
    assert_eq!(status, 422, "{body}");
    let message = body["field_errors"]["business.name"].to_string();
    assert!(
        message.contains("变更申请") || message.contains("change request"),
        "{body}"
    );
    // The registration, another spelling of a set, an unknown item: no such bundle.
    for bundle in ["add.business_registration", "add.no_such_item", "add."] {
        let (status, _, _) = app
            .submit(&with(holder.clone(), sign_answers(), bundle), &[])
            .await;
        assert_eq!(status, 422, "{bundle}");
    }
    // The food permit, approved already: held.
    let samr = app.reviewer("samr").await;
    let seen = samr.application(&number).await;
    let (status, body) = samr
        .review(
            item(&seen, "food_business_permit"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let food = json!({"declaration.truthful": true});
    let (status, _, body) = app
        .submit(&with(holder, food, "add.food_business_permit"), &[])
        .await;
    assert_eq!(status, 409, "{body}");
    // Nothing was filed by any of these.
    let (applications, _) = app.counts().await;
    assert_eq!(applications, 1);
}

/// The public page's "办理中" section: which items, as they are now.
async fn in_progress(app: &TestApp, verify: &str) -> Vec<String> {
    let req = Request::get(format!("/v/{verify}"))
        .body(Body::empty())
        .expect("request");
    let (status, _, page) = app.raw(req).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("html");
    assert!(!page.contains("13800138000") && !page.contains("11010519491231002"));
    let Some(at) = page.find("<section class=\"in-progress\">") else {
        return Vec::new();
    };
    let section = &page[at..at + page[at..].find("</section>").expect("end")];
    assert!(section.contains("办理中"), "{section}");
    section
        .split("data-item=\"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("quote")].to_string())
        .collect()
}

async fn the_public_page_shows_what_is_still_in_progress(app: &TestApp) {
    let (number, token, verify) = licensed(app).await;
    // The licence issued, the restaurant's other permits are still being decided: shown so,
    // each with its department, and the page kept (SQLite) until one of them changes.
    let pending = ["food_business_permit", "seal_filing", "first_invoice"];
    let shown = in_progress(app, &verify).await;
    for item in pending {
        assert!(shown.contains(&item.to_string()), "{item} in {shown:?}");
    }
    assert!(!shown.contains(&"business_registration".to_string()));
    assert_eq!(
        in_progress(app, &verify).await,
        shown,
        "the same, kept or not"
    );

    // An addition filed: its item is in progress too, waiting for the window.
    let filing = json!({"bundle": SIGN, "holder": {"number": number, "token": token},
        "answers": sign_answers()});
    let (status, _, created) = app.submit(&filing, &[]).await;
    assert_eq!(status, 201, "{created}");
    let shown = in_progress(app, &verify).await;
    assert!(
        shown.contains(&"outdoor_sign_permit".to_string()),
        "{shown:?}"
    );

    // The food permit refused (no permit made): it leaves the list at once.
    let samr = app.reviewer("samr").await;
    let seen = samr.application(&number).await;
    let refuse = json!({"action": "reject", "message": "经营场所不符合要求"});
    let (status, body) = samr
        .review(item(&seen, "food_business_permit"), refuse)
        .await;
    assert_eq!(status, 200, "{body}");
    let shown = in_progress(app, &verify).await;
    assert!(
        !shown.contains(&"food_business_permit".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"outdoor_sign_permit".to_string()),
        "{shown:?}"
    );
}
