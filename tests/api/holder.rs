//! The licence holder's own requests: with the private link, the holder applies for a change of
//! the licence or the cancellation of a permit; the department it belongs to decides, once; an
//! approved change reaches the licence and every permit — on SQLite and on PostgreSQL.

use serde_json::{Value, json};

use crate::helpers::{TestApp, item, restaurant, restaurant_with};

crate::on_both_databases!(
    the_holder_applies_for_a_change_and_a_cancellation,
    cancelling_everything_ends_the_licence_last_and_its_filings_with_it
);

/// 注销联办: one request files a cancellation for each permit in force that its department
/// decides (one already pending is kept), the licence's last; the filings that follow the
/// licence (catalogue/cancellation.toml) end with it, in the same transaction.
async fn cancelling_everything_ends_the_licence_last_and_its_filings_with_it(app: &TestApp) {
    let samr = app.reviewer("samr").await;
    let (applicant, accepted) = app.accepted_restaurant().await;
    for i in accepted["items"].as_array().expect("items") {
        let reviewer = app.reviewer(i["department"].as_str().expect("dept")).await;
        let (status, body) = reviewer
            .review(i, json!({"action": "approve", "before_licence": true}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let permit_of = |view: &Value, item: &str| -> Value {
        view["permits"]
            .as_array()
            .expect("permits")
            .iter()
            .find(|p| p["item"] == item)
            .cloned()
            .expect("permit")
    };
    let before = applicant.status().await;
    let food_id = permit_of(&before, "food_business_permit")["id"].clone();
    let (status, food_request) = applicant
        .request(json!({"kind": "cancel", "permit": food_id, "reason": "歇业"}))
        .await;
    assert_eq!(status, 201, "{food_request}");
    // The seal filing's own cancellation, pending when the licence ends, is done with it.
    let seal_id = permit_of(&before, "seal_filing")["id"].clone();
    let (status, seal_request) = applicant
        .request(json!({"kind": "cancel", "permit": seal_id, "reason": "公章遗失"}))
        .await;
    assert_eq!(status, 201, "{seal_request}");
    let (status, filed) = applicant
        .request(json!({"kind": "cancel_all", "reason": "不再经营，全部注销"}))
        .await;
    assert_eq!(status, 201, "{filed}");
    assert!(
        filed["before"]
            .as_str()
            .unwrap_or("")
            .starts_with("营业执照"),
        "{filed}"
    );
    let view = applicant.status().await;
    let pending: Vec<&str> = view["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter(|r| r["state"] == "pending")
        .map(|r| r["before"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        pending.len(),
        3,
        "the food permit's and the seal's requests kept, the licence's added: {pending:?}"
    );

    // The licence ends last: refused while the food permit is in force, nothing changed.
    let licence_path = format!("/api/staff/requests/{}", filed["id"]);
    let (status, body) = samr.post(&licence_path, json!({"approve": true})).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("营业执照最后注销"),
        "{body}"
    );
    let food_path = format!("/api/staff/requests/{}", food_request["id"]);
    let (status, body) = samr.post(&food_path, json!({"approve": true})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = samr.post(&licence_path, json!({"approve": true})).await;
    assert_eq!(status, 200, "{body}");

    let after = applicant.status().await;
    let requests = after["requests"].as_array().expect("requests");
    assert!(
        requests.iter().all(|r| r["state"] == "approved"),
        "{requests:?}"
    );
    let seal_done = requests
        .iter()
        .find(|r| r["id"] == seal_request["id"])
        .expect("the seal's request");
    assert_eq!(seal_done["note"], "随营业执照注销");
    for item in [
        "business_registration",
        "food_business_permit",
        "seal_filing",
        "first_invoice",
    ] {
        assert_eq!(permit_of(&after, item)["state"], "cancelled", "{item}");
    }
    let uscc = after["licence"]["uscc"].as_str().expect("uscc");
    let e = backend::db::enterprises::by_uscc(&app.db, uscc)
        .await
        .expect("query")
        .expect("enterprise");
    let (_, _, html) = app.get(&format!("/v/{}", e.verify_token), None).await;
    let html = html.as_str().expect("html");
    assert!(
        html.contains("随营业执照注销：不再经营，全部注销"),
        "{html}"
    );
    assert!(
        !html.contains("class=\"s valid\""),
        "nothing shown in force: {html}"
    );
    let permits = after["permits"].as_array().expect("permits").len();
    assert_eq!(
        html.matches("class=\"s cancelled\"").count(),
        permits,
        "{html}"
    );
    // Nothing left in force: a second one names the permit picker.
    let (status, again) = applicant
        .request(json!({"kind": "cancel_all", "reason": "再次"}))
        .await;
    assert_eq!(
        (status.as_u16(), first_error(&again)),
        (422, vec!["permit"])
    );
}

fn first_error(body: &Value) -> Vec<&str> {
    body["field_errors"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

async fn the_holder_applies_for_a_change_and_a_cancellation(app: &TestApp) {
    let (clerk, samr, psb) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
    );
    let applicant = app.file(&restaurant()).await;
    let number = applicant.number.clone();
    let rename = json!({"kind": "change", "field": "name", "value": "睢县老张私房菜馆", "reason": "股东决定更名"});

    // Nothing to change before the licence exists.
    let (status, _) = applicant.request(rename.clone()).await;
    assert_eq!(status, 409);
    let accepted = clerk.accept(&number).await;
    for (cookie, id, certificate) in [
        (&samr, "business_registration", None),
        (&psb, "seal_filing", Some("GA-0001")),
    ] {
        let approve =
            json!({"action": "approve", "certificate": certificate, "before_licence": true});
        let (status, body) = cookie.review(item(&accepted, id), approve).await;
        assert_eq!(status, 200, "{body}");
    }
    let status_view = applicant.status().await;
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
        let (status, err) = applicant.request(body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(first_error(&err), [field], "{body}: {err}");
    }
    // 名称查重 for a new name too: someone else's application has it.
    let mut other = restaurant_with("business.name", json!("睢县别家私房菜馆"));
    other["answers"]["legal_rep.id_number"] = json!("110105194912310038");
    app.file(&other).await;
    let taken =
        json!({"kind": "change", "field": "name", "value": "睢县别家私房菜馆", "reason": "更名"});
    let (status, err) = applicant.request(taken).await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["field_errors"]["value"][0]
            .as_str()
            .is_some_and(|m| m.contains("已有人申请")),
        "{err}"
    );
    let (status, _) = applicant
        .call_as(
            Some("wrong-token"),
            "POST",
            "/requests",
            Some(rename.clone()),
        )
        .await;
    assert_eq!(status, 404);

    // Filed once; the same request again while it is pending is refused.
    let (status, filed) = applicant.request(rename.clone()).await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(
        (filed["state"].as_str(), filed["before"].as_str()),
        (Some("pending"), Some("睢县老张家常菜馆"))
    );
    let (status, _) = applicant.request(rename).await;
    assert_eq!(status, 409);
    let change_id = filed["id"].as_i64().expect("id");

    // Only the registration authority sees and decides a change.
    let (_, queue) = psb.get("/api/staff/requests").await;
    assert_eq!(queue, json!([]));
    let decide = format!("/api/staff/requests/{change_id}");
    let (status, _) = psb.post(&decide, json!({"approve": true})).await;
    assert_eq!(status, 404);
    let (_, queue) = samr.get("/api/staff/requests").await;
    assert_eq!(queue[0]["id"], change_id);
    assert_eq!(queue[0]["enterprise"], "睢县老张家常菜馆");
    let (status, err) = samr.post(&decide, json!({"approve": false})).await;
    assert_eq!((status.as_u16(), first_error(&err)), (422, vec!["note"]));
    let (status, body) = samr.post(&decide, json!({"approve": true})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = samr.post(&decide, json!({"approve": true})).await;
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
    let (_, moved) = applicant.request(json!({"kind": "change", "field": "address", "value": "睢县城关镇南湖路 1 号", "reason": "搬迁"}))
    .await;
    let refuse = format!("/api/staff/requests/{}", moved["id"]);
    let (status, _) = samr
        .post(
            &refuse,
            json!({"approve": false, "note": "请先办理场所核查"}),
        )
        .await;
    assert_eq!(status, 200);

    // A cancellation goes to the permit's own department.
    let (status, cancel) = applicant
        .request(json!({"kind": "cancel", "permit": seal_id, "reason": "不再使用公章备案"}))
        .await;
    assert_eq!(status, 201, "{cancel}");
    let cancel_path = format!("/api/staff/requests/{}", cancel["id"]);
    let (status, _) = samr.post(&cancel_path, json!({"approve": true})).await;
    assert_eq!(status, 404, "not the registration authority's permit");
    let (status, _) = psb.post(&cancel_path, json!({"approve": true})).await;
    assert_eq!(status, 200);
    let (status, again) = applicant
        .request(json!({"kind": "cancel", "permit": seal_id, "reason": "再次"}))
        .await;
    assert_eq!(
        (status.as_u16(), first_error(&again)),
        (422, vec!["permit"])
    );

    // The holder's page shows it all; the public page shows the new name and the cancellation.
    let status_view = applicant.status().await;
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
