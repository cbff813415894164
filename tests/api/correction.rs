//! The correction loop on SQLite and PostgreSQL: the window's notice and a department's
//! supplement request name fields and materials; the applicant answers by changing exactly
//! those answers (checked by the form's rules) and sending exactly those materials anew, with
//! a note; notice and reply stay in both histories, the change before → after; the returned
//! application is marked in the window's worklist; a reviewer of another department sees the
//! reply but not an answer they may not see.

use serde_json::{Value, json};

use crate::helpers::{TestApp, item, pdf, restaurant};

crate::on_both_databases!(
    a_correction_names_what_to_change_and_the_reply_changes_exactly_that,
    a_supplement_request_is_answered_with_a_changed_answer_and_a_new_file,
);

fn change(key: &str, value: Value) -> Value {
    json!({ key: value })
}

async fn a_correction_names_what_to_change_and_the_reply_changes_exactly_that(app: &TestApp) {
    let (clerk, psb) = (app.clerk().await, app.reviewer("psb").await);
    let applicant = app.file(&restaurant()).await;
    let number = applicant.number.clone();
    let path = format!("/api/staff/applications/{number}");
    let full = clerk.application(&number).await;
    let old_address = full["answers"]["premises.address"].clone();
    let correct = |fields: Value, materials: Value| {
        json!({"decision": "correct", "version": full["version"],
            "notice": "经营场所地址与租赁合同不一致，请更正并重新上传租赁合同。",
            "fields": fields, "materials": materials})
    };
    let (status, refused) = clerk
        .post(
            &format!("{path}/intake"),
            correct(json!(["no.such"]), json!([])),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["field_errors"]["fields"].is_array(), "{refused}");
    let (status, _) = clerk
        .post(
            &format!("{path}/intake"),
            correct(json!(["premises.address"]), json!(["premises_proof"])),
        )
        .await;
    assert_eq!(status, 200);

    // The applicant is told what to change: the field with its answer so far, the material.
    let s = applicant.status().await;
    assert_eq!(s["status"], "action_needed");
    assert_eq!(s["asked"]["fields"][0]["key"], "premises.address");
    assert_eq!(s["asked"]["answers"]["premises.address"], old_address);
    assert_eq!(s["asked"]["materials"][0]["id"], "premises_proof");
    assert_eq!(s["exchanges"][0]["kind"], "correction");
    assert_eq!(
        s["exchanges"][0]["by"]["zh"], "综合窗口",
        "the office, not the clerk's name"
    );

    // Only the named field; by the form's rules; with the named material sent anew.
    let reply = |answers: Value| json!({"message": "已更正地址并上传新合同", "answers": answers});
    let new_address = json!("睢县城关镇北湖路 18 号");
    let (status, refused) = applicant
        .reply(reply(change("business.name", json!("别的名字"))))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["field_errors"]["business.name"].is_array(),
        "{refused}"
    );
    let (status, refused) = applicant
        .reply(reply(change("premises.address", json!(""))))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["field_errors"]["premises.address"].is_array(),
        "{refused}"
    );
    let (status, refused) = applicant
        .reply(reply(change("premises.address", new_address.clone())))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .expect("words")
            .contains("经营场所使用证明")
    );
    assert_eq!(
        applicant.status().await["intake"],
        "correction_requested",
        "nothing changed"
    );

    let (status, up) = applicant
        .upload("premises_proof", "新租赁合同.pdf", &pdf(900, 9))
        .await;
    assert_eq!(status, 200, "{up}");
    let (status, answered) = applicant
        .reply(reply(change("premises.address", new_address.clone())))
        .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["intake"], "submitted");
    let turns = answered["exchanges"].as_array().expect("exchanges");
    assert_eq!(
        turns.len(),
        2,
        "the notice stays beside the reply: {answered}"
    );
    assert_eq!(turns[1]["kind"], "reply");
    assert_eq!(turns[1]["changes"][0]["before"]["zh"], old_address);
    assert_eq!(turns[1]["changes"][0]["after"]["zh"], new_address);
    assert_eq!(turns[1]["materials"][0]["id"], "premises_proof");

    // The window: the new answer, the rest as it was, the reply marked in the worklist.
    let full = clerk.application(&number).await;
    assert_eq!(full["answers"]["premises.address"], new_address);
    assert_eq!(
        full["answers"]["business.name"],
        restaurant()["answers"]["business.name"]
    );
    let (_, page) = clerk
        .get(&format!("/api/staff/worklist?kind=applications&q={number}"))
        .await;
    assert_eq!(page["rows"][0]["returned"], true, "{page}");
    let (_, history) = clerk.get(&format!("{path}/history")).await;
    let reply_entry = history
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["action"] == "reply.correction")
        .expect("the reply")
        .clone();
    assert_eq!(
        reply_entry["after"]["changes"][0]["field"],
        "premises.address"
    );

    // Accepted: the public security reviewer (seals) sees that a reply came, not the address.
    clerk.accept(&number).await;
    let (_, history) = psb.get(&format!("{path}/history")).await;
    let seen = history
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["action"] == "reply.correction")
        .expect("the reply, application-wide")
        .clone();
    assert_eq!(seen["after"]["changes"], json!([]), "{seen}");
}

async fn a_supplement_request_is_answered_with_a_changed_answer_and_a_new_file(app: &TestApp) {
    let samr = app.reviewer("samr").await;
    let applicant = app.file(&restaurant()).await;
    let accepted = app.clerk().await.accept(&applicant.number).await;
    let food = item(&accepted, "food_business_permit").clone();
    let ask = |fields: Value| {
        json!({"action": "request_supplement", "message": "食品安全管理员须持证，请更换并上传平面图",
            "fields": fields, "insufficient": ["layout_plan"]})
    };
    let (status, refused) = samr.review(&food, ask(json!(["seal.kinds"]))).await;
    assert_eq!(status, 422, "a field the item does not use: {refused}");
    let (status, asked) = samr
        .review(&food, ask(json!(["food.safety_manager"])))
        .await;
    assert_eq!(status, 200, "{asked}");

    let s = applicant.status().await;
    let mine = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(mine["asked"]["fields"][0]["key"], "food.safety_manager");
    assert_eq!(mine["asked"]["materials"][0]["id"], "layout_plan");
    let asked_by = &s["exchanges"][0]["by"]["zh"];
    assert_eq!(
        asked_by, "睢县市场监督管理局",
        "the department, not the reviewer"
    );

    let (status, up) = applicant
        .upload("layout_plan", "平面图.pdf", &pdf(700, 4))
        .await;
    assert_eq!(status, 200, "{up}");
    let body = json!({"item": "food_business_permit", "message": "已更换管理员，附新平面图",
        "answers": change("food.safety_manager", json!("王五"))});
    let (status, answered) = applicant.reply(body).await;
    assert_eq!(status, 200, "{answered}");

    // The reviewer: the item back to review, the reply with what changed.
    let view = samr.application(&applicant.number).await;
    assert_eq!(item(&view, "food_business_permit")["status"], "accepted");
    assert_eq!(view["answers"]["food.safety_manager"], "王五");
    let (_, history) = samr
        .get(&format!(
            "/api/staff/applications/{}/history",
            applicant.number
        ))
        .await;
    let entry = history
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["action"] == "reply.supplement")
        .expect("the reply")
        .clone();
    assert_eq!(entry["after"]["reply"], "已更换管理员，附新平面图");
    assert_eq!(entry["after"]["changes"][0]["after"]["zh"], "王五");
    assert_eq!(entry["after"]["sent"], json!(["layout_plan"]));
}
