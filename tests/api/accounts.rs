//! Staff administration on SQLite and PostgreSQL: the administrator adds an account (no
//! password, a one-time link), its holder sets the password once, the administrator changes
//! the name, role and department, deactivates (its sessions end at once), resets a password
//! (the old link stops working); no one demotes themselves and the last administrator stays;
//! bad input is refused field by field and changes nothing; every step is on the record.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};

crate::on_both_databases!(
    an_administrator_adds_an_account_whose_holder_sets_the_password_once,
    an_administrator_changes_deactivates_and_resets_and_never_locks_the_bureau_out,
    bad_account_input_is_refused_by_field_and_changes_nothing,
);

const ACCOUNTS: &str = "/api/staff/accounts";

fn token_of(link: &Value) -> String {
    let link = link["link"].as_str().expect("link");
    assert!(link.contains("/staff/password#"), "{link}");
    let fragment = link.rsplit('#').next().expect("fragment");
    fragment.strip_prefix("t=").expect("t=").to_string()
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> (u16, Value) {
    let body = json!({"token": token, "password": password});
    let (status, body) = app
        .anonymous("POST", "/api/staff/password", Some(body))
        .await;
    (status.as_u16(), body)
}

async fn actions(app: &TestApp, subject: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq")
        .bind(subject)
        .fetch_all(&app.db.pool)
        .await
        .expect("audit")
}

async fn an_administrator_adds_an_account_whose_holder_sets_the_password_once(app: &TestApp) {
    let admin = app.admin().await;
    let new = json!({"username": "wang.li", "display_name": "王丽", "role": "reviewer",
        "department": "samr"});
    let (status, made) = admin.post(ACCOUNTS, new.clone()).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["account"]["username"], "wang.li");
    assert_eq!(made["account"]["role"], "reviewer");
    assert_eq!(made["account"]["department"], "samr");
    assert_eq!(made["account"]["active"], true);
    assert_eq!(made["account"]["live_sessions"], 0);
    assert!(made["expires_at"].as_str().is_some(), "{made}");
    let token = token_of(&made);

    // Taken once, it is taken.
    let (status, again) = admin.post(ACCOUNTS, new).await;
    assert_eq!(status, 409, "{again}");

    // No password works until the holder sets one.
    let (status, _, _) = app.login_with("wang.li", PASSWORD).await;
    assert_eq!(status, 401);
    // A short password is refused and the link still works.
    let (status, short) = set_password(app, &token, "short").await;
    assert_eq!(status, 422, "{short}");
    assert!(short["field_errors"]["password"].is_array(), "{short}");
    let chosen = "a long enough secret";
    assert_eq!(set_password(app, &token, chosen).await.0, 204);
    let (status, _, me) = app.login_with("wang.li", chosen).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["display_name"], "王丽");
    // Once: the same link again is refused, and the password stays.
    let (status, used) = set_password(app, &token, "another long secret").await;
    assert_eq!(status, 422, "{used}");
    assert!(used["field_errors"]["token"].is_array(), "{used}");
    assert_eq!(app.login_with("wang.li", chosen).await.0, 200);
    // An unknown token, the same answer.
    assert_eq!(set_password(app, "nonsense", chosen).await.0, 422);

    let (status, list) = admin.get(ACCOUNTS).await;
    assert_eq!(status, 200);
    assert!(list["departments"].as_array().expect("departments").len() > 3);
    let row = list["accounts"]
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["username"] == "wang.li")
        .expect("listed")
        .clone();
    assert_eq!(row["live_sessions"], 2, "two logins: {row}");
    assert!(row["last_login"].as_str().is_some(), "{row}");
    assert_eq!(
        actions(app, "staff wang.li").await,
        [
            "staff.add",
            "login.failed",
            "password.set",
            "login",
            "login"
        ]
    );
}

async fn an_administrator_changes_deactivates_and_resets_and_never_locks_the_bureau_out(
    app: &TestApp,
) {
    let admin = app.admin().await;
    let clerk = app.clerk().await;
    let account = |username: &str| format!("{ACCOUNTS}/{username}");

    // Another department: the reviewer's rights follow at once, in the same session.
    let samr = app.reviewer("samr").await;
    let moved = json!({"display_name": "审查员", "role": "reviewer", "department": "psb",
        "active": true});
    let (status, changed) = samr
        .call("PUT", &account("samr"), Some(moved.clone()))
        .await;
    assert_eq!(status, 403, "{changed}");
    let (status, changed) = admin.call("PUT", &account("samr"), Some(moved)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["department"], "psb");
    let (status, me) = samr.get("/api/staff/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["department"], "psb");

    // Deactivated: every session ends now, and no login works.
    let off = json!({"display_name": "窗口", "role": "clerk", "active": false});
    let (status, changed) = admin.call("PUT", &account("clerk"), Some(off)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["active"], false);
    assert_eq!(changed["live_sessions"], 0);
    assert_eq!(clerk.get("/api/staff/me").await.0, 401);
    assert_eq!(app.login_with("clerk", PASSWORD).await.0, 401);
    // A link of a deactivated account does not work either.
    let (status, link) = admin
        .post(&format!("{}/password-link", account("clerk")), json!({}))
        .await;
    assert_eq!(status, 200, "{link}");
    assert_eq!(
        set_password(app, &token_of(&link), "a long enough secret")
            .await
            .0,
        422
    );
    let on = json!({"display_name": "窗口", "role": "clerk", "active": true});
    assert_eq!(admin.call("PUT", &account("clerk"), Some(on)).await.0, 200);
    assert_eq!(app.login_with("clerk", PASSWORD).await.0, 200);

    // A reset: the first link stops working when a second is made; the current password
    // works until the link is used, and using it ends the account's sessions.
    let reset = format!("{}/password-link", account("clerk"));
    let first = token_of(&admin.post(&reset, json!({})).await.1);
    let second = token_of(&admin.post(&reset, json!({})).await.1);
    let clerk = app.clerk().await;
    assert_eq!(
        set_password(app, &first, "the first new secret").await.0,
        422
    );
    assert_eq!(
        set_password(app, &second, "the second new secret").await.0,
        204
    );
    assert_eq!(clerk.get("/api/staff/me").await.0, 401);
    assert_eq!(app.login_with("clerk", PASSWORD).await.0, 401);
    assert_eq!(
        app.login_with("clerk", "the second new secret").await.0,
        200
    );

    // No one demotes or deactivates themselves; the last administrator stays one.
    let demote = json!({"display_name": "root", "role": "clerk", "active": true});
    let (status, own) = admin.call("PUT", &account("root"), Some(demote)).await;
    assert_eq!(status, 409, "{own}");
    app.account("second", "admin", None).await;
    let second = app.staff("second", "admin", None).await;
    let demote = json!({"display_name": "root", "role": "clerk", "active": true});
    let (status, done) = second.call("PUT", &account("root"), Some(demote)).await;
    assert_eq!(status, 200, "{done}");
    let (status, last) = admin
        .call(
            "PUT",
            &account("second"),
            Some(json!({"display_name": "second", "role": "admin", "active": false})),
        )
        .await;
    assert_eq!(status, 403, "root is a clerk now: {last}");
    let (status, last) = second
        .call(
            "PUT",
            &account("second"),
            Some(json!({"display_name": "second", "role": "admin", "active": false})),
        )
        .await;
    assert_eq!(status, 409, "{last}");

    assert_eq!(
        actions(app, "staff clerk").await,
        [
            "staff.add",
            "login",
            "staff.change",
            "login.failed",
            "staff.password_link",
            "staff.change",
            "login",
            "staff.password_link",
            "staff.password_link",
            "login",
            "password.set",
            "login.failed",
            "login",
        ]
    );
}

async fn bad_account_input_is_refused_by_field_and_changes_nothing(app: &TestApp) {
    let admin = app.admin().await;
    let count = || async {
        let (_, list) = admin.get(ACCOUNTS).await;
        list["accounts"].as_array().expect("list").len()
    };
    let before = count().await;
    let cases = [
        (
            json!({"username": "王 丽", "display_name": "王丽", "role": "clerk"}),
            "username",
        ),
        (
            json!({"username": "w", "display_name": " ", "role": "clerk"}),
            "display_name",
        ),
        (
            json!({"username": "w", "display_name": "王丽", "role": "root"}),
            "role",
        ),
        (
            json!({"username": "w", "display_name": "王丽", "role": "reviewer"}),
            "department",
        ),
        (
            json!({"username": "w", "display_name": "王丽", "role": "reviewer", "department": "nasa"}),
            "department",
        ),
        (
            json!({"username": "w", "display_name": "王丽", "role": "clerk", "department": "samr"}),
            "department",
        ),
    ];
    for (body, field) in cases {
        let (status, refused) = admin.post(ACCOUNTS, body.clone()).await;
        assert_eq!(status, 422, "{body}: {refused}");
        assert!(
            refused["field_errors"][field].is_array(),
            "{body}: {refused}"
        );
    }
    assert_eq!(count().await, before);
    let (status, missing) = admin
        .call(
            "PUT",
            &format!("{ACCOUNTS}/nobody"),
            Some(json!({"display_name": "x", "role": "clerk", "active": true})),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    // Only the administrator sees the accounts.
    assert_eq!(app.clerk().await.get(ACCOUNTS).await.0, 403);
    assert_eq!(app.anonymous("GET", ACCOUNTS, None).await.0, 401);
}
