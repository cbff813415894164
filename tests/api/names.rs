//! 名称查重, on SQLite and on PostgreSQL: a business name is free until someone applies for it;
//! then taken by the application until its registration is decided — by the enterprise if it
//! was approved, free again if refused. As the applicant types (`/api/names`) and on filing.

use serde_json::{Value, json};

use crate::helpers::{TestApp, item, restaurant_with};

crate::on_both_databases!(a_name_is_taken_by_an_application_then_by_its_enterprise);

const NAME: &str = "睢县查重测试饭店";

async fn asked(app: &TestApp, name: &str) -> Value {
    let query: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let (status, _, body) = app.get(&format!("/api/names?name={query}"), None).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_name_is_taken_by_an_application_then_by_its_enterprise(app: &TestApp) {
    assert_eq!(
        asked(app, NAME).await,
        json!({"taken": null, "message": null})
    );
    let first = app
        .file(&restaurant_with("business.name", json!(NAME)))
        .await;
    let said = asked(app, &format!("  {NAME} ")).await;
    assert_eq!(said["taken"], "application", "{said}");
    assert_eq!(
        said["message"],
        "这个名称已有人申请、正在办理；如不是您本人的申请，请换一个名称"
    );

    // Someone else files under the same name: refused at the name, nothing else wrong.
    let mut again = restaurant_with("business.name", json!(NAME));
    again["answers"]["legal_rep.id_number"] = json!("110105194912310038");
    let (status, _, refused) = app.submit(&again, &[]).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        refused["field_errors"]["business.name"][0],
        "这个名称已有人申请、正在办理；如不是您本人的申请，请换一个名称"
    );
    assert_eq!(refused["field_errors"].as_object().expect("map").len(), 1);
    // The same legal representative filing again (a second try) is no clash with themselves.
    let (status, _, twice) = app
        .submit(&restaurant_with("business.name", json!(NAME)), &[])
        .await;
    assert_eq!(status, 201, "{twice}");

    // The registration approved: the enterprise has it now.
    let accepted = app.clerk().await.accept(&first.number).await;
    let samr = app.reviewer("samr").await;
    let approve = json!({"action": "approve"});
    let (status, body) = samr
        .review(item(&accepted, "business_registration"), approve)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(asked(app, NAME).await["taken"], "enterprise");
    let mine = restaurant_with("business.name", json!(NAME));
    let (status, _, refused) = app.submit(&mine, &[]).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["field_errors"]["business.name"][0]
            .as_str()
            .expect("words")
            .contains("同名")
    );

    // Another name, its registration refused: free again.
    let other = "睢县查重测试面馆";
    let second = app
        .file(&restaurant_with("business.name", json!(other)))
        .await;
    assert_eq!(asked(app, other).await["taken"], "application");
    let accepted = app.clerk().await.accept(&second.number).await;
    let refuse = json!({"action": "reject", "message": "名称含有禁用字词"});
    let (status, body) = samr
        .review(item(&accepted, "business_registration"), refuse)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(asked(app, other).await["taken"], Value::Null);
    let (status, _, body) = app
        .submit(&restaurant_with("business.name", json!(other)), &[])
        .await;
    assert_eq!(status, 201, "{body}");
}
