//! The back office through the API: staff sessions, intake, department review, the automatic
//! split, the state machine, optimistic concurrency and the audit
//! chain — on SQLite and on PostgreSQL.

use axum::http::StatusCode;
use backend::service::audit::verify_chain as verify_audit;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, StaffClient, TestApp, every_material, item, restaurant, restaurant_by_commitment,
    restaurant_with,
};

crate::on_both_databases!(
    staff_sessions_are_server_side_secure_and_revocable,
    repeated_wrong_passwords_slow_down_that_client_for_that_account_only,
    intake_splits_the_application_and_departments_review_in_parallel,
    the_audit_chain_detects_a_changed_or_missing_entry,
    approval_by_commitment_needs_the_list_and_a_clean_record,
    a_joint_inspection_pauses_every_item_and_is_recorded_once,
    the_applicant_sees_each_step_and_answers_what_is_asked,
    a_clerk_files_at_the_counter_with_the_same_form,
);

async fn staff_sessions_are_server_side_secure_and_revocable(app: &TestApp) {
    app.account("alice", "clerk", None).await;
    let (status, cookie, _) = app.login_with("alice", PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = cookie.expect("cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let alice = StaffClient::new(app, "alice", cookie.split(';').next().expect("pair").into());
    let (status, me) = alice.get("/api/staff/me").await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("clerk"))
    );
    let (status, _) = app.anonymous("GET", "/api/staff/me", None).await;
    assert_eq!(status, 401);
    let forged = StaffClient::new(app, "alice", "lianban_staff=forged".into());
    let (status, _) = forged.get("/api/staff/me").await;
    assert_eq!(status, 401);

    // Logout ends the session on the server: the old cookie no longer works.
    let (status, _) = alice.call("POST", "/api/staff/logout", None).await;
    assert_eq!(status, 204);
    let (status, _) = alice.get("/api/staff/me").await;
    assert_eq!(status, 401);

    // An administrator revokes every session of an account.
    let alice = app.staff("alice", "clerk", None).await;
    let root = app.admin().await;
    let (status, _) = alice
        .call("POST", "/api/staff/accounts/root/revoke-sessions", None)
        .await;
    assert_eq!(status, 403, "a clerk may not");
    let (status, body) = root
        .call("POST", "/api/staff/accounts/alice/revoke-sessions", None)
        .await;
    assert_eq!(
        (status, body["revoked"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    let (status, _) = alice.get("/api/staff/me").await;
    assert_eq!(status, 401);
}

async fn repeated_wrong_passwords_slow_down_that_client_for_that_account_only(app: &TestApp) {
    app.account("bob", "clerk", None).await;
    let attacker = Some("203.0.113.66:5000");
    let (status, _, unknown) = app.login_from("nobody", PASSWORD, attacker).await;
    assert_eq!(status, 401, "{unknown}");
    for _ in 0..5 {
        let (status, _, wrong) = app.login_from("bob", "wrong password!!", attacker).await;
        assert_eq!((status.as_u16(), &wrong), (401, &unknown), "one answer");
    }
    // That client now waits, even with the right password — and is told nothing new.
    let (status, cookie, throttled) = app.login_from("bob", PASSWORD, attacker).await;
    assert_eq!((status.as_u16(), &throttled), (401, &unknown), "one answer");
    assert!(cookie.is_none());
    // The owner, elsewhere, is not held back by the attacker.
    let (status, cookie, _) = app
        .login_from("bob", PASSWORD, Some("198.51.100.20:6000"))
        .await;
    assert_eq!(status, 200);
    assert!(cookie.is_some());
}

async fn intake_splits_the_application_and_departments_review_in_parallel(app: &TestApp) {
    let (clerk, samr, psb) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
    );
    let applicant = app.file(&restaurant()).await;
    let number = applicant.number.clone();

    let (status, queue) = clerk.get("/api/staff/worklist?state=submitted").await;
    assert_eq!(status, 200);
    let first = &queue["rows"][0];
    assert_eq!(first["number"], number.as_str());
    assert_eq!(first["business_name"], "睢县老张家常菜馆");
    assert_eq!(first["items"].as_array().expect("items").len(), 5);

    // Accepted with the food-safety rules to follow (容缺); a non-secondary material may not.
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = clerk.get(&path).await;
    let intake = format!("{path}/intake");
    let (status, err) = clerk.post(&intake, json!({
        "decision": "accept", "version": full["version"], "paper_materials": every_material(&full), "missing_materials": ["premises_proof"], "bring_by": "2099-01-01"
    })).await;
    assert_eq!(status, 422, "{err}");
    let (status, accepted) = clerk.post(&intake, json!({
        "decision": "accept", "version": full["version"], "paper_materials": every_material(&full), "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"
    })).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["intake"], "accepted");
    assert_eq!(
        accepted["notice"]["missing_materials"],
        json!(["food_safety_rules"])
    );
    for i in accepted["items"].as_array().expect("items") {
        assert_eq!(i["status"], "accepted");
        assert!(i["due_on"].is_string(), "{i}");
    }
    // Deciding twice, or on a stale version, changes nothing.
    let (status, _) = clerk
        .post(
            &intake,
            json!({"decision": "correct", "version": full["version"], "notice": "x"}),
        )
        .await;
    assert_eq!(status, 412);
    let (status, _) = clerk
        .post(
            &intake,
            json!({"decision": "correct", "version": accepted["version"], "notice": "x"}),
        )
        .await;
    assert_eq!(status, 409);

    // The split: each department sees its items and the answers they use, nothing else.
    let (status, mine) = psb.get(&path).await;
    assert_eq!(status, 200);
    let items: Vec<&str> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["item"].as_str().expect("id"))
        .collect();
    assert_eq!(items, ["seal_filing"]);
    assert!(mine["answers"].get("seal.kinds").is_some());
    assert!(
        mine["answers"].get("food.categories").is_none(),
        "{}",
        mine["answers"]
    );
    assert!(mine["answers"].get("tax.invoice_kind").is_none());
    let (_, samr_view) = samr.get(&path).await;
    let (status, queue) = samr.get("/api/staff/worklist").await;
    assert_eq!(status, 200);
    let queued: Vec<&str> = queue["rows"]
        .as_array()
        .expect("queue")
        .iter()
        .map(|r| r["items"][0]["item"].as_str().expect("id"))
        .collect();
    assert_eq!(
        queued,
        ["business_registration", "food_business_permit"],
        "nearest deadline first"
    );

    // Another department's item does not exist for a reviewer.
    let food = item(&samr_view, "food_business_permit").clone();
    let (status, _) = psb
        .review(
            &food,
            json!({"action": "approve", "certificate": "X", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 404);

    // Inspection pauses the clock; recording it resumes it.
    let (status, inspected) = samr
        .review(
            &food,
            json!({"action": "schedule_inspection", "inspection_on": "2099-01-05"}),
        )
        .await;
    assert_eq!(status, 200, "{inspected}");
    assert_eq!(inspected["status"], "inspection_scheduled");
    assert!(inspected["due_on"].is_null(), "paused");
    // Two reviewers on one version: the second is told it is stale.
    let (status, _) = samr
        .review(&food, json!({"action": "record_inspection"}))
        .await;
    assert_eq!(status, 412);
    let (status, resumed) = samr
        .review(
            &inspected,
            json!({"action": "record_inspection", "message": "符合要求"}),
        )
        .await;
    assert_eq!(status, 200, "{resumed}");
    assert_eq!(resumed["status"], "accepted");
    assert!(resumed["due_on"].is_string());
    // Accepted with the food-safety rules owed: the permit waits for them.
    let (status, body) = samr
        .review(
            &resumed,
            json!({"action": "approve", "certificate": "JY1", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = applicant
        .upload(
            "food_safety_rules",
            "食品安全管理制度.pdf",
            &crate::helpers::pdf(600, 1),
        )
        .await;
    assert_eq!(status, 200);
    // The business licence is not issued yet: approving the permit first needs saying so.
    let (status, body) = samr
        .review(
            &resumed,
            json!({"action": "approve", "certificate": "JY34114220000001"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("营业执照尚未核发")
    );
    // A certificate number typed (the department's own system's) is kept, if it is one — not
    // longer than 40 characters; then the permit is valid for five years.
    let (status, _) = samr
        .review(
            &resumed,
            json!({"action": "approve", "certificate": "J".repeat(41), "before_licence": true}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, approved) = samr
        .review(
            &resumed,
            json!({"action": "approve", "certificate": "JY34114220000001", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["decision"]["certificate"], "JY34114220000001");
    assert!(approved["decision"]["valid_until"].is_string());
    // Decided is final.
    let (status, _) = samr
        .review(&approved, json!({"action": "reject", "message": "no"}))
        .await;
    assert_eq!(status, 409);

    // Meanwhile, in parallel, the police reject the seal filing with a reason.
    let seal = item(&mine, "seal_filing").clone();
    let (status, _) = psb.review(&seal, json!({"action": "reject"})).await;
    assert_eq!(status, 422, "a reason is required");
    let (status, rejected) = psb
        .review(
            &seal,
            json!({"action": "reject", "message": "印章样式不符"}),
        )
        .await;
    assert_eq!(status, 200, "{rejected}");
}

async fn the_audit_chain_detects_a_changed_or_missing_entry(app: &TestApp) {
    let clerk = app.clerk().await;
    let number = app.file(&restaurant()).await.number;
    let path = format!("/api/staff/applications/{number}");
    let (_, full) = clerk.get(&path).await;
    let (status, _) = clerk.post(&format!("{path}/intake"), json!({
        "decision": "correct", "version": full["version"], "notice": "经营场所使用证明缺少出租方签章；请补充平面图比例"
    })).await;
    assert_eq!(status, 200);
    // staff.add, login, application.filed, view, intake.correction_requested
    assert_eq!(
        verify_audit(&app.db).await.expect("intact"),
        "audit log intact: 5 entries"
    );
    let history = backend::db::audit::history(&app.db, &format!("application {number}"))
        .await
        .expect("history");
    let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["application.filed", "view", "intake.correction_requested"]
    );

    sqlx::query("UPDATE audit_log SET after_state = '{\"intake\":\"accepted\"}' WHERE seq = 5")
        .execute(&app.db.pool)
        .await
        .expect("tamper");
    let err = verify_audit(&app.db)
        .await
        .expect_err("tampered")
        .to_string();
    assert_eq!(err, "audit log broken at entry 5: its content was changed");

    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&app.db.pool)
        .await
        .expect("delete");
    let err = verify_audit(&app.db)
        .await
        .expect_err("missing")
        .to_string();
    assert_eq!(
        err,
        "audit log broken at entry 2: entry 2 is missing (next is 3)"
    );
}

async fn approval_by_commitment_needs_the_list_and_a_clean_record(app: &TestApp) {
    let (clerk, samr, root) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.admin().await,
    );
    let body = restaurant_by_commitment();
    let number = app.file(&body).await.number;
    let accepted = clerk.accept(&number).await;
    let food = item(&accepted, "food_business_permit").clone();
    let commit = json!({"action": "approve_by_commitment", "certificate": "JY1", "before_licence": true, "follow_up_on": "2099-03-01"});

    let (status, err) = samr.review(&food, commit.clone()).await;
    assert_eq!(status, 409, "no list yet: {err}");

    let (status, _) = root
        .import_list("kind,value,name,source\n", "text/plain")
        .await;
    assert_eq!(status, 415);
    let bad = "kind,value,name,source\nid_number,11010519491231002X,张三,法院\nuscc,91350200776049653B,某公司,法院\n";
    let (status, err) = root.import_list(bad, "text/csv").await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["field_errors"]["file"][0]
            .as_str()
            .expect("msg")
            .ends_with("：3"),
        "{err}"
    );
    let (status, _) = samr.import_list(bad, "text/csv").await;
    assert_eq!(status, 403, "only administrators import");
    let clean =
        "kind,value,name,source\nuscc,91350200776049653A,某公司,最高人民法院失信被执行人名单\n";
    let (status, done) = root.import_list(clean, "text/csv").await;
    assert_eq!(
        (status, done["entries"].as_u64()),
        (StatusCode::OK, Some(1))
    );

    let mut no_follow_up = commit.clone();
    no_follow_up["follow_up_on"] = json!(null);
    let (status, _) = samr.review(&food, no_follow_up).await;
    assert_eq!(status, 422);
    let (status, approved) = samr.review(&food, commit.clone()).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decision"]["by_commitment"], true);
    assert_eq!(approved["decision"]["follow_up_on"], "2099-03-01");
    assert_eq!(approved["decision"]["credit_check"]["listed"], json!([]));

    // Without the applicant's choice, no commitment path.
    let registration = item(&accepted, "business_registration").clone();
    let (status, _) = samr.review(&registration, commit.clone()).await;
    assert_eq!(status, 409);

    // The legal representative is listed: refused, and the check is on record.
    let listed =
        "kind,value,name,source\nid_number,11010519491231002x,张三,最高人民法院失信被执行人名单\n";
    let (status, _) = root.import_list(listed, "text/csv").await;
    assert_eq!(status, 200);
    let second = app.file(&body).await.number;
    let accepted = clerk.accept(&second).await;
    let food = item(&accepted, "food_business_permit").clone();
    let (status, err) = samr.review(&food, commit).await;
    assert_eq!(status, 409, "{err}");
    assert!(err["message"].as_str().expect("msg").contains("失信名单"));
    let history = backend::db::audit::history(&app.db, &format!("item {}", food["id"]))
        .await
        .expect("history");
    let check = history
        .iter()
        .find(|r| r.action == "credit.check")
        .expect("check recorded");
    assert!(check.after_state.contains("张三"), "{}", check.after_state);
}

async fn a_joint_inspection_pauses_every_item_and_is_recorded_once(app: &TestApp) {
    let (clerk, samr, fire) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("fire").await,
    );
    let mut body = restaurant_with("premises.area", json!(400));
    body["answers"]["fire.safety_manager"] = json!("王五");
    body["answers"]["fire.exits"] = json!(2);
    let number = app.file(&body).await.number;
    let accepted = clerk.accept(&number).await;
    let food = item(&accepted, "food_business_permit").clone();
    let fire_item = item(&accepted, "fire_safety_inspection").clone();
    let registration = item(&accepted, "business_registration").clone();
    let path = format!("/api/staff/applications/{number}/inspections");
    let versions = |items: &[&Value]| -> Value {
        json!(
            items
                .iter()
                .map(|i| json!({"id": i["id"], "version": i["version"]}))
                .collect::<Vec<_>>()
        )
    };

    let (status, _) = samr
        .post(
            &path,
            json!({"on": "2099-01-05", "items": versions(&[&food, &registration])}),
        )
        .await;
    assert_eq!(status, 422, "no on-site check for the business licence");
    let (status, _) = clerk
        .post(
            &path,
            json!({"on": "2099-01-05", "items": versions(&[&food])}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, joint) = samr
        .post(
            &path,
            json!({"on": "2099-01-05", "items": versions(&[&food, &fire_item])}),
        )
        .await;
    assert_eq!(status, 200, "{joint}");
    let food_now = item(&joint, "food_business_permit");
    assert_eq!(food_now["status"], "inspection_scheduled");
    assert!(food_now["due_on"].is_null(), "the clock stands still");
    let inspection = food_now["inspection"].as_i64().expect("inspection id");

    // The fire brigade sees its item in the same visit, and records it once for both.
    let (_, fire_view) = fire.get(&format!("/api/staff/applications/{number}")).await;
    assert_eq!(
        item(&fire_view, "fire_safety_inspection")["inspection"],
        inspection
    );
    let record = format!("/api/staff/inspections/{inspection}/record");
    let (status, _) = fire.post(&record, json!({"result": ""})).await;
    assert_eq!(status, 422);
    let (status, _) = fire
        .post(
            &record,
            json!({"result": "消防设施、疏散通道符合要求；后厨布局符合要求"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = samr.post(&record, json!({"result": "again"})).await;
    assert_eq!(status, 409, "recorded once");
    let (_, after) = clerk
        .get(&format!("/api/staff/applications/{number}"))
        .await;
    for id in ["food_business_permit", "fire_safety_inspection"] {
        let i = item(&after, id);
        assert_eq!(i["status"], "accepted", "{i}");
        assert!(i["due_on"].is_string());
        assert!(
            i["decision"]["inspection_result"]
                .as_str()
                .expect("result")
                .contains("消防")
        );
    }
    let (status, history) = fire
        .get(&format!("/api/staff/applications/{number}/history"))
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    for expected in [
        "intake.accepted",
        "inspection.schedule",
        "inspection.record",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

async fn the_applicant_sees_each_step_and_answers_what_is_asked(app: &TestApp) {
    let (clerk, samr) = (app.clerk().await, app.reviewer("samr").await);
    let applicant = app.file(&restaurant()).await;
    let number = applicant.number.clone();
    let path = format!("/api/staff/applications/{number}");

    // One correction notice, everything at once; the applicant reads it and answers.
    let (_, full) = clerk.get(&path).await;
    let notice = "1. 经营场所使用证明缺少出租方签章；2. 平面图未标明比例";
    let (status, _) = clerk
        .post(
            &format!("{path}/intake"),
            json!({"decision": "correct", "version": full["version"], "notice": notice}),
        )
        .await;
    assert_eq!(status, 200);
    let s = applicant.status().await;
    assert_eq!(
        (
            s["intake"].as_str(),
            s["status"].as_str(),
            s["correction"].as_str()
        ),
        (
            Some("correction_requested"),
            Some("action_needed"),
            Some(notice)
        )
    );
    let answer = json!({"message": "已补充出租方签章，平面图已标明 1:100"});
    let (status, _) = applicant
        .call_as(None, "POST", "/reply", Some(answer.clone()))
        .await;
    assert_eq!(status, 401);
    let (status, _) = applicant
        .call_as(Some("wrong"), "POST", "/reply", Some(answer.clone()))
        .await;
    assert_eq!(status, 404);
    let (status, _) = applicant.reply(json!({"message": " "})).await;
    assert_eq!(status, 422);
    let (status, s) = applicant.reply(answer.clone()).await;
    assert_eq!(
        (status, s["intake"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{s}"
    );
    let (status, _) = applicant.reply(answer.clone()).await;
    assert_eq!(status, 409, "nothing left to answer");
    let (_, queue) = clerk.get("/api/staff/worklist?state=submitted").await;
    assert_eq!(
        queue["rows"][0]["number"],
        number.as_str(),
        "back at the window"
    );

    // Accepted with a tolerated missing material: the applicant is told what and by when.
    let (_, full) = clerk.get(&path).await;
    let (status, _) = clerk.post(&format!("{path}/intake"), json!({"decision": "accept", "version": full["version"], "paper_materials": every_material(&full), "missing_materials": ["food_safety_rules"], "bring_by": "2099-01-01"})).await;
    assert_eq!(status, 200);
    let s = applicant.status().await;
    assert_eq!(s["missing_materials"][0]["name"]["zh"], "食品安全管理制度");
    assert_eq!(s["bring_by"], "2099-01-01");
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["status"], "accepted");
    assert!(food["due_on"].is_string());

    // A supplement request reaches the applicant; their answer restarts the clock.
    let (_, staff_view) = samr.get(&path).await;
    let (status, _) = samr
        .review(
            item(&staff_view, "food_business_permit"),
            json!({"action": "request_supplement", "message": "请补充从业人员健康证明"}),
        )
        .await;
    assert_eq!(status, 200);
    let s = applicant.status().await;
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(
        (food["status"].as_str(), food["supplement_request"].as_str()),
        (Some("supplement_requested"), Some("请补充从业人员健康证明"))
    );
    assert!(food["due_on"].is_null());
    assert_eq!(s["status"], "action_needed");
    let (status, s) = applicant
        .reply(json!({"item": "food_business_permit", "message": "健康证明已送达窗口"}))
        .await;
    assert_eq!(status, 200, "{s}");
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["status"], "accepted");
    assert!(food["due_on"].is_string());

    // The owed food-safety rules arrive from the status page; then the food permit may go on.
    let (status, _) = applicant
        .upload(
            "food_safety_rules",
            "食品安全管理制度.pdf",
            &crate::helpers::pdf(600, 1),
        )
        .await;
    assert_eq!(status, 200);

    // Approved: the permit's number and validity; never the staff's internal notes.
    let (_, staff_view) = samr.get(&path).await;
    let (status, _) = samr
        .review(
            item(&staff_view, "food_business_permit"),
            json!({"action": "approve", "certificate": "JY34114220000002", "before_licence": true}),
        )
        .await;
    assert_eq!(status, 200);
    let s = applicant.status().await;
    let food = s["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "food_business_permit")
        .expect("food")
        .clone();
    assert_eq!(food["certificate"], "JY34114220000002");
    // Five years from today (the food permit's validity in the catalogue).
    let today = backend::domain::clock::county_date(backend::domain::clock::now_unix());
    let five_years = shared::date::years_later(today, 5).expect("date");
    assert_eq!(
        food["valid_until"].as_str(),
        Some(shared::date::format_iso_date(five_years).as_str())
    );
    assert!(food.get("credit_check").is_none() && food.get("supplement_reply").is_none());
}

async fn a_clerk_files_at_the_counter_with_the_same_form(app: &TestApp) {
    let clerk = app.clerk().await;
    let (status, _, created) = app
        .submit(&restaurant(), &[("cookie", &clerk.cookie)])
        .await;
    assert_eq!(status, 201, "{created}");
    let number = created["number"].as_str().expect("number");
    let path = format!("/api/staff/applications/{number}");
    let (_, a) = clerk.get(&path).await;
    assert_eq!(a["filed_by"], "clerk");
    let (_, history) = clerk.get(&format!("{path}/history")).await;
    assert_eq!(history[0]["action"], "application.file_at_counter");
    // Filed by anyone else (an applicant, or a reviewer's browser): no counter mark.
    let samr = app.reviewer("samr").await;
    let (_, _, created) = app.submit(&restaurant(), &[("cookie", &samr.cookie)]).await;
    let (_, a) = clerk
        .get(&format!(
            "/api/staff/applications/{}",
            created["number"].as_str().expect("n")
        ))
        .await;
    assert!(a.get("filed_by").is_none(), "{a}");
}
