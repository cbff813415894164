//! The authorisation matrix: every route of the router × every kind of caller — anonymous, the
//! record's own token (an application's status token, a draft's token), the window's clerk, a
//! reviewer of the record's department, a reviewer of another department, the administrator —
//! and a machine client of the record's department (its access token as bearer), which is
//! answered as that department's reviewer is.
//! A route the router has and the matrix lacks fails the test. Write attempts carry a stale
//! version or a refused input, so whoever may is told 412/409/422 and nothing changes. Then
//! the two leaks that once were: the archive and the history of another department — on
//! SQLite and on PostgreSQL.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{
    Applicant, StaffClient, TestApp, item, pdf, restaurant, restaurant_by_commitment,
};

crate::on_both_databases!(
    every_route_answers_each_kind_of_caller_as_the_policy_says,
    a_reviewer_sees_only_their_departments_history_and_never_the_archive,
);

/// The callers, in the matrix's column order.
const CALLERS: [&str; 6] = ["anonymous", "owner", "clerk", "samr", "psb", "admin"];

/// A restaurant application, accepted, with a licence issued (the registration approved by the
/// market regulator), a joint inspection of the food permit scheduled, a pending holder request,
/// a layout plan uploaded, a material announced, and a draft with a file on its way.
struct World<'a> {
    applicant: Applicant<'a>,
    food: Value,
    inspection: i64,
    registration_permit: i64,
    uscc: String,
    verify_token: String,
    request: i64,
    plan_file: String,
    app_upload: String,
    draft: (String, String),
    draft_upload: String,
}

async fn world<'a>(app: &'a TestApp, samr: &StaffClient<'a>) -> World<'a> {
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    let (_, plan) = app
        .upload(&base, &token, "layout_plan", "平面图.pdf", &pdf(900, 3))
        .await;
    let mut body = restaurant();
    body["draft"] = json!({"id": id, "token": token});
    let applicant = app.file(&body).await;
    let accepted = app.clerk().await.accept(&applicant.number).await;
    let registered = json!({"action": "approve"});
    let (status, reg) = samr
        .review(item(&accepted, "business_registration"), registered)
        .await;
    assert_eq!(status, 200, "{reg}");
    let uscc = reg["decision"]["certificate"]
        .as_str()
        .expect("code")
        .to_string();
    let food = item(&accepted, "food_business_permit").clone();
    let visit = json!({"action": "schedule_inspection", "inspection_on": "2099-01-05"});
    let (status, food) = samr.review(&food, visit).await;
    assert_eq!(status, 200, "{food}");
    let inspection = food["inspection"].as_i64().expect("inspection");
    let rename =
        json!({"kind": "change", "field": "name", "value": "睢县老张私房菜馆", "reason": "更名"});
    let (status, request) = applicant.request(rename).await;
    assert_eq!(status, 201, "{request}");
    let view = samr.application(&applicant.number).await;
    let registration_permit = view["permits"][0]["id"].as_i64().expect("permit");
    let verify_url = view["licence"]["verify_url"].as_str().expect("url");
    let verify_token = verify_url.rsplit('/').next().expect("token").to_string();
    let announce = json!({"material": "food_safety_rules", "name": "制度.pdf", "size": 600});
    let (status, app_upload) = applicant
        .call("POST", "/files", Some(announce.clone()))
        .await;
    assert_eq!(status, 201, "{app_upload}");
    let (draft_id, draft_token) = app.draft("restaurant").await;
    let draft_files = format!("/api/drafts/{draft_id}/files");
    let (status, draft_upload) = app
        .with_token("POST", &draft_files, &draft_token, Some(announce))
        .await;
    assert_eq!(status, 201, "{draft_upload}");
    World {
        applicant,
        food,
        inspection,
        registration_permit,
        uscc,
        verify_token,
        request: request["id"].as_i64().expect("id"),
        plan_file: plan["id"].as_str().expect("id").to_string(),
        app_upload: app_upload["id"].as_str().expect("id").to_string(),
        draft: (draft_id, draft_token),
        draft_upload: draft_upload["id"].as_str().expect("id").to_string(),
    }
}

/// One row: method, the route's template, the concrete path, the body, and the status each
/// caller gets (in `CALLERS` order). `owner`: whose token the owner column carries.
struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<Value>,
    owner: Owner,
    expect: [u16; 6],
}

#[derive(Clone, Copy)]
enum Owner {
    Application,
    Draft,
}

fn row(
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 6],
) -> Row {
    Row {
        method,
        template,
        path,
        body,
        owner: Owner::Application,
        expect,
    }
}

fn draft_row(
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 6],
) -> Row {
    Row {
        owner: Owner::Draft,
        ..row(method, template, path, body, expect)
    }
}

fn rows(w: &World) -> Vec<Row> {
    use shared::api::paths as p;
    let n = &w.applicant.number;
    let staff_app = format!("/api/staff/applications/{n}");
    let (draft, draft_file) = (
        format!("/api/drafts/{}", w.draft.0),
        format!("/api/drafts/{}/files/{}", w.draft.0, w.draft_upload),
    );
    let app_file = format!("/api/applications/{n}/files/{}", w.app_upload);
    let v = format!("/v/{}", w.verify_token);
    let everyone = |s: u16| [s; 6];
    let owner_only = |s: u16| [401, s, 401, 401, 401, 401];
    let draft_owner = |s: u16| [404, s, 404, 404, 404, 404];
    let signed_in = |s: u16| [401, 401, s, s, s, s];
    vec![
        row("GET", p::HEALTH, p::HEALTH.into(), None, everyone(200)),
        row("GET", p::READY, p::READY.into(), None, everyone(200)),
        // Only the addresses allowed to scrape (loopback): these callers have none.
        row("GET", p::METRICS, p::METRICS.into(), None, everyone(404)),
        row("GET", p::OPENAPI, p::OPENAPI.into(), None, everyone(200)),
        row("GET", p::DOCS, p::DOCS.into(), None, everyone(200)),
        row(
            "GET",
            p::DOCS_FILE,
            "/api/docs/swagger-ui.css".into(),
            None,
            everyone(200),
        ),
        row("GET", p::BUNDLES, p::BUNDLES.into(), None, everyone(200)),
        row(
            "GET",
            p::BUNDLE,
            "/api/bundles/restaurant".into(),
            None,
            everyone(200),
        ),
        row(
            "GET",
            p::BUNDLE_GUIDE,
            "/api/bundles/restaurant/guide".into(),
            None,
            everyone(200),
        ),
        // Anyone may file; an unknown bundle is refused for all alike.
        row(
            "POST",
            p::APPLICATIONS,
            p::APPLICATIONS.into(),
            Some(json!({"bundle": "none", "answers": {}})),
            everyone(422),
        ),
        row(
            "GET",
            p::APPLICATION,
            format!("/api/applications/{n}"),
            None,
            owner_only(200),
        ),
        row(
            "POST",
            p::APPLICATION_REPLY,
            format!("/api/applications/{n}/reply"),
            Some(json!({"message": "x"})),
            owner_only(409),
        ),
        // Rated once every item is decided: this one's are not.
        row(
            "POST",
            p::APPLICATION_RATING,
            format!("/api/applications/{n}/rating"),
            Some(json!({"score": 5})),
            owner_only(409),
        ),
        // The form carries its token in the body: none here, so nobody is let in.
        row(
            "POST",
            p::RATING_FORM,
            format!("/status/{n}/rating"),
            None,
            everyone(401),
        ),
        row(
            "GET",
            p::APPLICATION_DOCUMENT,
            format!("/api/applications/{n}/documents/acceptance"),
            None,
            owner_only(200),
        ),
        row(
            "POST",
            p::DOCUMENT_FORM,
            format!(
                "/status/{n}/documents/certificate-{}",
                w.registration_permit
            ),
            None,
            everyone(401),
        ),
        // The holder confirms the licence's receipt (送达)…
        row(
            "POST",
            p::APPLICATION_DELIVERIES,
            format!("/api/applications/{n}/deliveries"),
            Some(json!({"document": format!("certificate-{}", w.registration_permit)})),
            owner_only(200),
        ),
        // 增项: what the licence knows for an addition's form; the status page's form.
        row(
            "GET",
            p::APPLICATION_KNOWN,
            format!("/api/applications/{n}/known?bundle=add.outdoor_sign_permit"),
            None,
            owner_only(200),
        ),
        row(
            "POST",
            p::ADDITION_FORM,
            format!("/status/{n}/add"),
            None,
            everyone(401),
        ),
        row(
            "GET",
            p::NAMES,
            "/api/names?name=%E7%9D%A2%E5%8E%BF".into(),
            None,
            everyone(200),
        ),
        // Only the clerk's browser is the counter's; anyone may ask.
        row("GET", p::COUNTER, p::COUNTER.into(), None, everyone(200)),
        // Finding an application again: anyone may ask; an empty form is a field's problem,
        // a code without its challenge is spent.
        row(
            "GET",
            p::FIND_PAGE,
            p::FIND_PAGE.into(),
            None,
            everyone(200),
        ),
        row(
            "POST",
            p::FIND_PAGE,
            p::FIND_PAGE.into(),
            None,
            everyone(422),
        ),
        row(
            "POST",
            p::FIND_CODE,
            p::FIND_CODE.into(),
            None,
            everyone(410),
        ),
        row(
            "POST",
            p::FIND_DRAFTS,
            p::FIND_DRAFTS.into(),
            None,
            everyone(422),
        ),
        row(
            "POST",
            p::APPLICATION_REQUESTS,
            format!("/api/applications/{n}/requests"),
            Some(json!({"kind": "change", "field": "scope", "value": "x", "reason": "y"})),
            owner_only(422),
        ),
        row(
            "POST",
            p::APPLICATION_FILES,
            format!("/api/applications/{n}/files"),
            Some(json!({"material": "none", "name": "x.pdf", "size": 1})),
            owner_only(422),
        ),
        row(
            "GET",
            p::APPLICATION_FILE,
            app_file.clone(),
            None,
            owner_only(200),
        ),
        // No Upload-Offset: the owner is told so; nothing is appended.
        row(
            "PATCH",
            p::APPLICATION_FILE,
            app_file,
            None,
            owner_only(400),
        ),
        row(
            "DELETE",
            p::APPLICATION_FILE,
            format!("/api/applications/{n}/files/none"),
            None,
            owner_only(404),
        ),
        row(
            "POST",
            p::DRAFTS,
            p::DRAFTS.into(),
            Some(json!({"bundle": "none"})),
            everyone(422),
        ),
        draft_row("GET", p::DRAFT, draft.clone(), None, draft_owner(200)),
        draft_row(
            "GET",
            p::DRAFT_QR,
            format!("{draft}/qr.svg"),
            None,
            draft_owner(200),
        ),
        draft_row(
            "PUT",
            p::DRAFT,
            draft.clone(),
            Some(json!({"answers": {}})),
            draft_owner(200),
        ),
        draft_row(
            "POST",
            p::DRAFT_FILES,
            format!("{draft}/files"),
            Some(json!({"material": "none", "name": "x.pdf", "size": 1})),
            draft_owner(422),
        ),
        draft_row(
            "GET",
            p::DRAFT_FILE,
            draft_file.clone(),
            None,
            draft_owner(200),
        ),
        draft_row("PATCH", p::DRAFT_FILE, draft_file, None, draft_owner(400)),
        draft_row(
            "DELETE",
            p::DRAFT_FILE,
            format!("{draft}/files/none"),
            None,
            draft_owner(404),
        ),
        row(
            "POST",
            p::STAFF_LOGIN,
            p::STAFF_LOGIN.into(),
            Some(json!({"username": "nobody", "password": "x"})),
            everyone(401),
        ),
        // The token endpoint takes a form, not JSON: no grant named, 400 for everyone.
        row(
            "POST",
            p::OAUTH_TOKEN,
            p::OAUTH_TOKEN.into(),
            Some(json!({"grant_type": "client_credentials"})),
            everyone(400),
        ),
        row("GET", p::STAFF_ME, p::STAFF_ME.into(), None, signed_in(200)),
        row(
            "GET",
            p::EVENTS,
            format!("{}?after=0", p::EVENTS),
            None,
            signed_in(200),
        ),
        row("GET", p::WEBHOOKS, p::WEBHOOKS.into(), None, signed_in(200)),
        row(
            "POST",
            p::WEBHOOKS,
            p::WEBHOOKS.into(),
            Some(json!({"url": "ftp://tax"})),
            signed_in(422),
        ),
        row(
            "DELETE",
            p::WEBHOOK,
            "/api/webhooks/999999".into(),
            None,
            signed_in(404),
        ),
        row(
            "POST",
            p::WEBHOOK_REDELIVER,
            "/api/webhooks/999999/redeliver".into(),
            Some(json!({})),
            signed_in(404),
        ),
        // Each sets their own daily list's address (none here: no list).
        row(
            "PUT",
            p::STAFF_ME_EMAIL,
            p::STAFF_ME_EMAIL.into(),
            Some(json!({"email": null})),
            signed_in(200),
        ),
        row(
            "GET",
            p::STAFF_ACCOUNTS,
            p::STAFF_ACCOUNTS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // The role is asked first; then the administrator's input is refused.
        row(
            "POST",
            p::STAFF_ACCOUNTS,
            p::STAFF_ACCOUNTS.into(),
            Some(json!({"username": "x y", "display_name": "x", "role": "clerk"})),
            [401, 401, 403, 403, 403, 422],
        ),
        row(
            "PUT",
            p::STAFF_ACCOUNT,
            "/api/staff/accounts/nobody".into(),
            Some(json!({"display_name": "x", "role": "clerk", "active": true})),
            [401, 401, 403, 403, 403, 404],
        ),
        row(
            "POST",
            p::STAFF_PASSWORD_LINK,
            "/api/staff/accounts/nobody/password-link".into(),
            None,
            [401, 401, 403, 403, 403, 404],
        ),
        // Public: the link is the credential.
        row(
            "POST",
            p::STAFF_SET_PASSWORD,
            p::STAFF_SET_PASSWORD.into(),
            Some(json!({"token": "unknown", "password": "a long enough secret"})),
            everyone(422),
        ),
        row(
            "POST",
            p::STAFF_REVOKE_SESSIONS,
            "/api/staff/accounts/nobody/revoke-sessions".into(),
            None,
            [401, 401, 403, 403, 403, 404],
        ),
        row(
            "GET",
            p::STAFF_APPLICATION,
            staff_app.clone(),
            None,
            signed_in(200),
        ),
        row(
            "POST",
            p::STAFF_INTAKE,
            format!("{staff_app}/intake"),
            Some(json!({"decision": "accept", "version": -1})),
            [401, 401, 412, 403, 403, 403],
        ),
        row(
            "GET",
            p::STAFF_HISTORY,
            format!("{staff_app}/history"),
            None,
            signed_in(200),
        ),
        // Not every item is decided: the window is told so; a reviewer has no archive at all.
        row(
            "GET",
            p::STAFF_ARCHIVE,
            format!("{staff_app}/archive"),
            None,
            [401, 401, 409, 404, 404, 409],
        ),
        row(
            "POST",
            p::STAFF_RECEIVED,
            format!("{staff_app}/received"),
            Some(json!({"material": "food_safety_rules"})),
            [401, 401, 409, 403, 403, 409],
        ),
        row(
            "POST",
            p::STAFF_REVIEW,
            format!("/api/staff/items/{}/review", w.food["id"]),
            Some(json!({"action": "approve", "version": -1})),
            [401, 401, 403, 412, 404, 403],
        ),
        row(
            "POST",
            p::STAFF_INSPECTIONS,
            format!("{staff_app}/inspections"),
            Some(json!({"on": "2099-01-05", "items": [{"id": w.food["id"], "version": -1}]})),
            [401, 401, 403, 412, 412, 403],
        ),
        row(
            "POST",
            p::STAFF_INSPECTION_RECORD,
            format!("/api/staff/inspections/{}/record", w.inspection),
            Some(json!({"result": ""})),
            [401, 401, 403, 422, 404, 403],
        ),
        // The layout plan is the food permit's (market regulation), not the seal filing's.
        row(
            "GET",
            p::STAFF_FILE,
            format!("/api/staff/files/{}", w.plan_file),
            None,
            [401, 401, 200, 200, 404, 200],
        ),
        row(
            "GET",
            p::STAFF_REQUESTS,
            p::STAFF_REQUESTS.into(),
            None,
            [401, 401, 403, 200, 200, 403],
        ),
        row(
            "POST",
            p::STAFF_REQUEST,
            format!("/api/staff/requests/{}", w.request),
            Some(json!({"approve": false})),
            [401, 401, 403, 422, 404, 403],
        ),
        row(
            "POST",
            p::STAFF_PERMIT_STATE,
            format!("/api/staff/permits/{}/state", w.registration_permit),
            Some(json!({"state": "expired"})),
            [401, 401, 403, 422, 404, 403],
        ),
        // Whoever sees the application prints its documents (this one has a psb item too).
        row(
            "GET",
            p::STAFF_DOCUMENT,
            format!("{staff_app}/documents/acceptance"),
            None,
            signed_in(200),
        ),
        // …so the window, the only one who records a paper collection, is told it was
        // delivered already.
        row(
            "POST",
            p::STAFF_DELIVERIES,
            format!("{staff_app}/deliveries"),
            Some(json!({"document": format!("certificate-{}", w.registration_permit)})),
            [401, 401, 409, 403, 403, 403],
        ),
        // The window prints any certificate; a reviewer their department's.
        row(
            "GET",
            p::STAFF_CERTIFICATE,
            format!("/api/staff/permits/{}/certificate", w.registration_permit),
            None,
            [401, 401, 200, 200, 404, 200],
        ),
        row(
            "POST",
            p::STAFF_LICENCE_CHANGES,
            format!("/api/staff/enterprises/{}/changes", w.uscc),
            Some(json!({"field": "scope", "value": "x", "reason": "y"})),
            [401, 401, 403, 422, 403, 403],
        ),
        row(
            "POST",
            p::STAFF_DISHONESTY_LIST,
            p::STAFF_DISHONESTY_LIST.into(),
            Some(json!("kind,value,name,source")),
            [401, 401, 403, 403, 403, 415],
        ),
        row(
            "GET",
            p::STAFF_WORKLIST,
            p::STAFF_WORKLIST.into(),
            None,
            signed_in(200),
        ),
        // Handing the food permit to a reviewer of another department: refused to all who
        // see it (a reviewer takes only for themself, the administrator only to its
        // department); the other department does not see it.
        row(
            "POST",
            p::STAFF_ASSIGN,
            p::STAFF_ASSIGN.into(),
            Some(json!({"items": [w.food["id"]], "to": "psb"})),
            [401, 401, 403, 403, 404, 403],
        ),
        row(
            "GET",
            p::STAFF_VIEWS,
            p::STAFF_VIEWS.into(),
            None,
            signed_in(200),
        ),
        row(
            "POST",
            p::STAFF_VIEWS,
            p::STAFF_VIEWS.into(),
            Some(json!({"name": "", "query": "due=overdue"})),
            [401, 401, 422, 422, 422, 422],
        ),
        row(
            "DELETE",
            p::STAFF_VIEW,
            "/api/staff/views/999999".into(),
            None,
            [401, 401, 404, 404, 404, 404],
        ),
        // The window's: not owed (409); a reviewer may not (403).
        row(
            "POST",
            p::STAFF_OWED_WITHDRAWN,
            format!("{staff_app}/owed-withdrawn"),
            Some(json!({"material": "id_card", "reason": "误选"})),
            [401, 401, 409, 403, 403, 403],
        ),
        row(
            "GET",
            p::STAFF_JOBS,
            p::STAFF_JOBS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // The role is asked first; then there is no such job.
        row(
            "POST",
            p::STAFF_JOB_RETRY,
            "/api/staff/jobs/999999/retry".into(),
            None,
            [401, 401, 403, 403, 403, 404],
        ),
        row(
            "GET",
            p::STAFF_PLANS,
            p::STAFF_PLANS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // A bad plan: the role is asked before the body is looked at.
        row(
            "POST",
            p::STAFF_PLANS,
            p::STAFF_PLANS.into(),
            Some(json!({"name": "", "departments": [], "ratios": [], "per_department": 2})),
            [401, 401, 403, 403, 403, 422],
        ),
        row(
            "POST",
            p::STAFF_PLAN_DRAW,
            "/api/staff/supervision/plans/999999/draw".into(),
            None,
            [401, 401, 403, 403, 403, 404],
        ),
        row(
            "GET",
            p::STAFF_OBJECTS,
            p::STAFF_OBJECTS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        row(
            "GET",
            p::STAFF_CONFLICTS,
            p::STAFF_CONFLICTS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // No such inspector: the role is asked first.
        row(
            "POST",
            p::STAFF_CONFLICTS,
            p::STAFF_CONFLICTS.into(),
            Some(json!({"inspector": "nobody", "uscc": "x", "reason": "亲属"})),
            [401, 401, 403, 403, 403, 422],
        ),
        row(
            "GET",
            p::STAFF_INSPECTION_ITEMS,
            p::STAFF_INSPECTION_ITEMS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // An inspector's own tasks: no one else's (tests/api/supervision.rs signs inspectors in).
        row(
            "GET",
            p::STAFF_TASKS,
            p::STAFF_TASKS.into(),
            None,
            [401, 401, 403, 403, 403, 403],
        ),
        row(
            "POST",
            p::STAFF_TASK,
            "/api/staff/supervision/tasks/999999".into(),
            Some(json!({"result": "passed", "checks": []})),
            [401, 401, 403, 403, 403, 403],
        ),
        row(
            "POST",
            p::STAFF_TASK_PHOTOS,
            "/api/staff/supervision/tasks/999999/photos".into(),
            Some(json!({})),
            [401, 401, 403, 403, 403, 403],
        ),
        // Administrators read any photo (there is none); inspectors their tasks' only.
        row(
            "GET",
            p::STAFF_TASK_PHOTO,
            "/api/staff/supervision/tasks/999999/photos/abc".into(),
            None,
            [401, 401, 403, 403, 403, 404],
        ),
        row(
            "GET",
            p::STAFF_FOLLOW_UPS,
            p::STAFF_FOLLOW_UPS.into(),
            None,
            [401, 401, 403, 200, 200, 200],
        ),
        // Reviewers record findings; no such follow-up for them (404).
        row(
            "POST",
            p::STAFF_FOLLOW_UP,
            "/api/staff/follow-ups/999999".into(),
            Some(json!({"outcome": "fulfilled"})),
            [401, 401, 403, 404, 404, 403],
        ),
        // The statistics: leadership and administrators (no leader among the columns).
        row(
            "GET",
            p::STAFF_STATISTICS,
            p::STAFF_STATISTICS.into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        row(
            "GET",
            p::STAFF_STATISTICS_EXPORT,
            "/api/staff/statistics/export?format=csv&table=items".into(),
            None,
            [401, 401, 403, 403, 403, 200],
        ),
        // The dashboard page: without a session to the login (303), a page saying no (403).
        row(
            "GET",
            p::STATISTICS_PAGE,
            p::STATISTICS_PAGE.into(),
            None,
            [303, 303, 403, 403, 403, 200],
        ),
        row("GET", p::RESULTS, p::RESULTS.into(), None, everyone(200)),
        row(
            "GET",
            p::RESULTS_PAGE,
            p::RESULTS_PAGE.into(),
            None,
            everyone(200),
        ),
        row(
            "GET",
            p::PLAN,
            "/api/supervision/plans/999999".into(),
            None,
            everyone(404),
        ),
        row(
            "GET",
            p::PLAN_PAGE,
            "/supervision/plans/999999".into(),
            None,
            everyone(404),
        ),
        row("GET", p::VERIFY, v.clone(), None, everyone(200)),
        row(
            "GET",
            p::VERIFY_SIGNED,
            format!("{v}/licence.json"),
            None,
            everyone(200),
        ),
        row(
            "GET",
            p::VERIFY_PRINT,
            format!("{v}/print"),
            None,
            everyone(200),
        ),
        row(
            "GET",
            p::VERIFY_IMAGE,
            format!("{v}/qr.svg"),
            None,
            everyone(200),
        ),
        row("GET", p::KEYS, p::KEYS.into(), None, everyone(200)),
        row(
            "GET",
            p::AUDIT_CHECKPOINTS,
            p::AUDIT_CHECKPOINTS.into(),
            None,
            everyone(200),
        ),
        // Last: it ends each session.
        row(
            "POST",
            p::STAFF_LOGOUT,
            p::STAFF_LOGOUT.into(),
            None,
            [401, 401, 204, 204, 204, 204],
        ),
    ]
}

async fn every_route_answers_each_kind_of_caller_as_the_policy_says(app: &TestApp) {
    let (clerk, samr, psb, admin) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
        app.admin().await,
    );
    let w = world(app, &samr).await;
    let rows = rows(&w);
    // The market regulator's own system, as a machine client.
    let secret = app.register_client("samr-system", "samr").await;
    let system = app.machine_client("samr-system", &secret).await;

    // Every route of the router has its row, and no row names a route it does not have.
    let table: BTreeSet<(String, &str)> = app.route_table().into_iter().collect();
    let covered: BTreeSet<(String, &str)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template))
        .collect();
    assert_eq!(table, covered, "the matrix must cover every route, once");

    let before = clerk.application(&w.applicant.number).await;
    for r in &rows {
        for (who, want) in CALLERS.iter().zip(r.expect) {
            let (status, body) = match *who {
                "anonymous" => app.anonymous(r.method, &r.path, r.body.clone()).await,
                "owner" => {
                    let token = match r.owner {
                        Owner::Application => &w.applicant.token,
                        Owner::Draft => &w.draft.1,
                    };
                    app.with_token(r.method, &r.path, token, r.body.clone())
                        .await
                }
                "clerk" => clerk.call(r.method, &r.path, r.body.clone()).await,
                "samr" => samr.call(r.method, &r.path, r.body.clone()).await,
                "psb" => psb.call(r.method, &r.path, r.body.clone()).await,
                _ => admin.call(r.method, &r.path, r.body.clone()).await,
            };
            assert_eq!(
                status.as_u16(),
                want,
                "{who} {} {}: {body}",
                r.method,
                r.path
            );
        }
        // Where only the record's own token opens (the reviewer is 401, the owner is not), the
        // client's bearer is a token — the wrong one: 404, as for any wrong token.
        let want = match (r.expect[1], r.expect[3]) {
            (owner, 401) if owner != 401 => 404,
            (_, reviewer) => reviewer,
        };
        let (status, body) = system.call(r.method, &r.path, r.body.clone()).await;
        assert_eq!(
            status.as_u16(),
            want,
            "samr's system as samr's reviewer: {} {}: {body}",
            r.method,
            r.path
        );
    }

    // A department with no item in the application does not see it at all.
    let health = app.reviewer("health").await;
    let staff_app = format!("/api/staff/applications/{}", w.applicant.number);
    for path in [
        staff_app.clone(),
        format!("{staff_app}/history"),
        format!("{staff_app}/archive"),
        format!("/api/staff/files/{}", w.plan_file),
    ] {
        let (status, _) = health.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }
    // Nothing above changed the application.
    let after = app.clerk().await.application(&w.applicant.number).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["items"], before["items"]);
}

async fn a_reviewer_sees_only_their_departments_history_and_never_the_archive(app: &TestApp) {
    let (clerk, samr, psb) = (
        app.clerk().await,
        app.reviewer("samr").await,
        app.reviewer("psb").await,
    );
    let root = app.admin().await;
    let (status, _) = root
        .import_list("kind,value,name,source\n", "text/csv")
        .await;
    assert_eq!(status, 200);
    let mut body = restaurant_by_commitment();
    let (id, token) = app.draft("restaurant").await;
    let base = format!("/api/drafts/{id}");
    app.upload(&base, &token, "layout_plan", "平面图.pdf", &pdf(900, 5))
        .await;
    body["draft"] = json!({"id": id, "token": token});
    let applicant = app.file(&body).await;
    let number = applicant.number.clone();
    let accepted = clerk.accept(&number).await;

    // Every department decides its items; the market regulator reads the layout plan and
    // approves the food permit by commitment (a credit check on record).
    let view = samr.application(&number).await;
    let plan = view["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .find(|m| m["id"] == "layout_plan")
        .expect("plan")["files"][0]["id"]
        .as_str()
        .expect("file")
        .to_string();
    let (status, _) = samr.get(&format!("/api/staff/files/{plan}")).await;
    assert_eq!(status, 200);
    let commitment = json!({"action": "approve_by_commitment", "certificate": "JY1", "before_licence": true, "follow_up_on": "2099-03-01"});
    let (status, body) = samr
        .review(item(&accepted, "food_business_permit"), commitment)
        .await;
    assert_eq!(status, 200, "{body}");
    let approve = |certificate: &str| json!({"action": "approve", "certificate": certificate, "before_licence": true});
    for (who, id) in [
        (&samr, "business_registration"),
        (&psb, "seal_filing"),
        (&app.reviewer("tax").await, "first_invoice"),
        (&app.reviewer("hrss").await, "social_insurance_registration"),
    ] {
        let (status, body) = who.review(item(&accepted, id), approve("X-1")).await;
        assert_eq!(status, 200, "{id}: {body}");
    }

    // The police see their own decision and what concerns the whole application — not the
    // market regulator's decisions, its credit check, nor its reads of the layout plan.
    let history = format!("/api/staff/applications/{number}/history");
    let (status, theirs) = psb.get(&history).await;
    assert_eq!(status, 200);
    let entries = theirs.as_array().expect("history");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert!(actions.contains(&"intake.accepted"), "{actions:?}");
    assert!(
        actions.contains(&"review.approve"),
        "their own approval: {actions:?}"
    );
    for hidden in [
        "review.approve_by_commitment",
        "credit.check",
        "material.download",
        "view",
    ] {
        assert!(
            entries
                .iter()
                .all(|e| e["action"] != hidden || e["actor"] == "psb"),
            "{hidden} of another department in {actions:?}"
        );
    }
    let seal = item(&accepted, "seal_filing")["id"].clone();
    for e in entries {
        if let Some(id) = e["subject"].as_str().and_then(|s| s.strip_prefix("item ")) {
            assert_eq!(id, seal.to_string(), "only their item: {e}");
        }
    }
    // The window sees everything, in words.
    let (_, all) = clerk.get(&history).await;
    let all = all.as_array().expect("history");
    assert!(all.len() > entries.len());
    let commitment = all
        .iter()
        .find(|e| e["action"] == "review.approve_by_commitment")
        .expect("the commitment approval");
    assert_eq!(commitment["who"]["zh"], "睢县市场监督管理局 samr");
    assert_eq!(commitment["what"]["zh"], "告知承诺审批");
    assert_eq!(commitment["about"]["zh"], "食品经营许可");
    assert!(all.iter().any(|e| e["action"] == "credit.check"));

    // The archive (every answer, every material) is the window's and the administrator's.
    let archive = format!("/api/staff/applications/{number}/archive");
    for reviewer in [&samr, &psb] {
        let (status, _) = reviewer.get(&archive).await;
        assert_eq!(status, 404, "{}", reviewer.username);
    }
    for staff in [&clerk, &root] {
        let (status, _) = staff.get(&archive).await;
        assert_eq!(status, 200, "{}", staff.username);
    }
    assert_eq!(samr.application(&number).await["archived"], false);
    assert_eq!(clerk.application(&number).await["archived"], true);
}
