//! The bureau's own measurement: each decided item measured in working days by the official
//! calendar (pauses excluded), the tables by item, department, bundle and month, the overdue
//! list, refusals with reasons, 问效于企 ratings, the exports and the pages — for the
//! leadership and the administrator only, on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{StaffClient, TestApp, item};

crate::on_both_databases!(
    decided_items_are_measured_and_counted_by_the_plans_definitions,
    an_applicant_rates_the_service_once_everything_is_decided,
    the_tables_export_and_the_pages_show_them,
    expert_review_and_testing_are_excluded_from_the_clock,
);

/// Moves application `number`'s acceptance to `on` (as if accepted then), due dates with it.
async fn accepted_on(app: &TestApp, number: &str, on: &str, due: Option<&str>) {
    sqlx::query(
        "UPDATE sub_applications SET accepted_on = $2, due_on = $3
         WHERE application_id = (SELECT id FROM applications WHERE number = $1)",
    )
    .bind(number)
    .bind(on)
    .bind(due)
    .execute(&app.db.pool)
    .await
    .expect("backdated");
    sqlx::query("UPDATE applications SET accepted_on = $2 WHERE number = $1")
        .bind(number)
        .bind(on)
        .execute(&app.db.pool)
        .await
        .expect("backdated");
}

/// The rollup the triggers keep agrees with a count of the items themselves.
async fn rollup_agrees(app: &TestApp) {
    backend::db::statistics::fold(&app.db)
        .await
        .expect("folded");
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stat_deltas")
        .fetch_one(&app.db.pool)
        .await
        .expect("deltas");
    assert_eq!(left, 0, "every delta folded");
    type Row = (String, String, String, String, i64, i64, String, i64, i64);
    let raw: Vec<Row> = sqlx::query_as(
        "SELECT s.accepted_on, s.item, a.bundle, s.status, COALESCE(s.actual_days, -1),
             COALESCE(s.on_time, -1), COALESCE(s.due_on, ''), COUNT(*), CAST(SUM(s.rounds) AS BIGINT)
         FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.accepted_on IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("raw");
    let kept: Vec<Row> = sqlx::query_as(
        "SELECT accepted_on, item, bundle, status, actual_days, on_time, due_on,
             CAST(SUM(n) AS BIGINT), CAST(SUM(rounds) AS BIGINT)
         FROM stat_tallies GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(n) > 0 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("kept");
    assert!(!raw.is_empty());
    assert_eq!(kept, raw, "the rollup counts what the items say");
}

fn today() -> time::Date {
    backend::domain::clock::county_date(backend::domain::clock::now_unix())
}

/// Working days from the day after `from` to today, by the server's calendar.
fn worked_since(app: &TestApp, from: &str) -> u64 {
    let from = shared::date::parse_iso_date(from).expect("date");
    let day = time::Duration::DAY;
    u64::from(
        app.state
            .ctx
            .calendar
            .working_days_between(from + day, today() + day),
    )
}

async fn stats(client: &StaffClient<'_>, query: &str) -> Value {
    let (status, s) = client.get(&format!("/api/staff/statistics{query}")).await;
    assert_eq!(status, 200, "{s}");
    s
}

fn row<'v>(rows: &'v Value, key: &str) -> &'v Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {rows}"))
}

async fn decided_items_are_measured_and_counted_by_the_plans_definitions(app: &TestApp) {
    let leader = app.staff("boss", "leader", None).await;
    let (applicant, accepted) = app.accepted_restaurant().await;
    let number = applicant.number.clone();
    // Accepted on Tue 29 Sep 2026, before National Day: its items run past it.
    accepted_on(app, &number, "2026-09-29", None).await;
    let samr = app.reviewer("samr").await;
    let view = samr.application(&number).await;
    let food = item(&view, "food_business_permit").clone();
    // One supplement round on the food permit, answered the same day (no day paused).
    let ask = json!({"action": "request_supplement", "message": "请补充平面图"});
    let (status, food) = samr.review(&food, ask).await;
    assert_eq!(status, 200, "{food}");
    let (status, body) = applicant
        .reply(json!({"item": "food_business_permit", "message": "已补充"}))
        .await;
    assert_eq!(status, 200, "{body}");
    for (id, action) in [
        ("business_registration", json!({"action": "approve"})),
        (
            "food_business_permit",
            json!({"action": "approve", "certificate": "JY-1"}),
        ),
        (
            "seal_filing",
            json!({"action": "approve", "certificate": "S-1"}),
        ),
        (
            "first_invoice",
            json!({"action": "reject", "message": "发票种类与经营范围不符"}),
        ),
    ] {
        let view = app.admin().await.application(&number).await;
        let i = item(&view, id).clone();
        let reviewer = app.reviewer(i["department"].as_str().expect("dept")).await;
        let (status, body) = reviewer.review(&i, action).await;
        assert_eq!(status, 200, "{id}: {body}");
    }
    // Another application, corrected once at the window, accepted long ago and left open:
    // overdue now.
    let late = app.file(&app.fresh_restaurant().await).await;
    let clerk = app.clerk().await;
    let full = clerk.application(&late.number).await;
    let notice = json!({"decision": "correct", "version": full["version"], "notice": "请核对地址"});
    let intake = format!("/api/staff/applications/{}/intake", late.number);
    let (status, body) = clerk.post(&intake, notice).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = late.reply(json!({"message": "地址无误"})).await;
    assert_eq!(status, 200, "{body}");
    clerk.accept(&late.number).await;
    accepted_on(app, &late.number, "2026-09-01", Some("2026-09-08")).await;

    let s = stats(&leader, "?from=2026-09-01&to=2026-09-30").await;
    let o = &s["overall"];
    let items = accepted["items"].as_array().expect("items").len() as u64;
    assert_eq!(o["accepted"], 2 * items, "{o}");
    assert_eq!(
        (o["approved"].as_u64(), o["rejected"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(o["measured"], 4, "decided items are measured");
    // Every decided item took the working days from 30 Sep to today (no day paused).
    let took = worked_since(app, "2026-09-29");
    let food = row(&s["by_item"], "food_business_permit");
    assert_eq!(food["median_days"], took as f64, "{food}");
    assert_eq!(food["p90_days"], took);
    assert_eq!(food["supplement_rounds"], 1);
    assert_eq!(food["statutory_days"], 10.0);
    assert_eq!(food["committed_days"], 5.0);
    assert_eq!(food["promised_cut_percent"], 50);
    // Months late: more days than the statutory limit, so no cut at all.
    assert_eq!(food["measured_cut_percent"], 0);
    assert_eq!(food["on_time"], 0);
    assert_eq!(food["on_time_percent"], 0);
    assert_eq!(o["overdue_now"], items, "the other application's items");
    assert_eq!(
        s["overdue"].as_array().expect("overdue").len() as u64,
        items
    );
    assert_eq!(s["overdue"][0]["application"], late.number.as_str());
    assert_eq!(s["overdue"][0]["due_on"], "2026-09-08");
    assert!(s["overdue"][0]["days_late"].as_u64() > Some(40));
    let refusal = &s["refusals"][0];
    assert_eq!(refusal["item"], "first_invoice");
    assert_eq!(refusal["reason"], "发票种类与经营范围不符");
    assert_eq!(
        refusal["decided_on"],
        shared::date::format_iso_date(today())
    );
    assert_eq!(row(&s["by_month"], "2026-09")["accepted"], 2 * items);
    assert_eq!(row(&s["by_bundle"], "restaurant")["accepted"], 2 * items);
    assert_eq!(row(&s["by_bundle"], "restaurant")["correction_rounds"], 1);
    assert_eq!(o["correction_rounds"], 1);
    assert_eq!(row(&s["by_department"], "psb")["accepted"], 2);
    // The plan's measure for the whole selection: the promised one by the catalogue.
    assert!(o["promised_cut_percent"].as_u64() > Some(0));
    // Late items sit right of zero in the distribution against the promise.
    let against = s["against_promise"].as_array().expect("against");
    assert!(
        against.iter().all(|b| b["days_over"].as_i64() > Some(0)),
        "{against:?}"
    );
    assert_eq!(
        against
            .iter()
            .map(|b| b["items"].as_u64().unwrap_or(0))
            .sum::<u64>(),
        4
    );

    // Filters: one department, another bundle, another period.
    let psb = stats(&leader, "?from=2026-09-01&to=2026-09-30&department=psb").await;
    assert_eq!(psb["overall"]["accepted"], 2);
    assert_eq!(psb["by_department"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        psb["overall"]["correction_rounds"],
        Value::Null,
        "the window's notices are no department's"
    );
    let shops = stats(&leader, "?from=2026-09-01&to=2026-09-30&bundle=small_shop").await;
    assert_eq!(shops["overall"]["accepted"], 0);
    assert_eq!(shops["overall"]["median_days"], Value::Null);
    let october = stats(&leader, "?from=2026-10-01&to=2026-10-31").await;
    assert_eq!(october["overall"]["accepted"], 0);
    // The default period: a year of whole months to today.
    let default = stats(&leader, "").await;
    assert_eq!(
        default["query"]["to"],
        shared::date::format_iso_date(today())
    );

    // Bad filters are field errors; nothing is measured.
    for (query, field) in [
        ("?from=2026-13-01", "from"),
        ("?from=2026-10-02&to=2026-10-01", "from"),
        ("?department=nowhere", "department"),
        ("?bundle=casino", "bundle"),
    ] {
        let (status, body) = leader.get(&format!("/api/staff/statistics{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["field_errors"][field].is_array(), "{query}: {body}");
    }
    // Only the leadership and the administrator.
    let (status, _) = samr.get("/api/staff/statistics").await;
    assert_eq!(status, 403);
    let (status, _) = app.admin().await.get("/api/staff/statistics").await;
    assert_eq!(status, 200);
    // The leadership sees no application.
    let (status, _) = leader
        .get(&format!("/api/staff/applications/{number}"))
        .await;
    assert_eq!(status, 403);
}

async fn an_applicant_rates_the_service_once_everything_is_decided(app: &TestApp) {
    let leader = app.staff("boss", "leader", None).await;
    let (applicant, accepted) = app.accepted_restaurant().await;
    let rate = |score: Value, comment: &str| {
        let body = json!({"score": score, "comment": comment});
        let a = &applicant;
        async move { a.call("POST", "/rating", Some(body)).await }
    };
    let (status, body) = rate(json!(5), "").await;
    assert_eq!(status, 409, "not everything is decided: {body}");
    for i in accepted["items"].as_array().expect("items") {
        let reviewer = app.reviewer(i["department"].as_str().expect("dept")).await;
        let decision =
            json!({"action": "approve", "certificate": "X-0001", "before_licence": true});
        let (status, body) = reviewer.review(i, decision).await;
        assert_eq!(status, 200, "{body}");
    }
    for (score, comment, field) in [
        (json!(0), "", "score"),
        (json!(6), "", "score"),
        (json!(3), &"很".repeat(501)[..], "comment"),
    ] {
        let (status, body) = rate(score, comment).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["field_errors"][field].is_array(), "{body}");
    }
    let (status, _) = applicant
        .call_as(Some("wrong"), "POST", "/rating", Some(json!({"score": 5})))
        .await;
    assert_eq!(status, 404, "another's token rates nothing");
    let (status, body) = rate(json!(3), "").await;
    assert_eq!(status, 204, "{body}");
    // A second rating replaces the first.
    let (status, _) = rate(json!(2), "  慢  ").await;
    assert_eq!(status, 204);
    assert_eq!(applicant.status().await["rating"], 2);
    // The status page's plain form: the token in the body, back to the status page.
    let form = |body: String| {
        let req = Request::post(format!("/status/{}/rating", applicant.number))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept-language", "zh-CN")
            .body(Body::from(body))
            .expect("request");
        app.router.clone().oneshot(req)
    };
    let res = form(format!("token={}&score=9&comment=", applicant.token))
        .await
        .expect("infallible");
    assert_eq!(res.status(), 422);
    let page = res.into_body().collect().await.expect("body").to_bytes();
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("请选择 1 到 5 分"), "{page}");
    assert!(
        page.contains(&format!("/status/{}#t=", applicant.number)),
        "the way back"
    );
    let res = form("token=nope&score=5".to_string())
        .await
        .expect("infallible");
    assert_eq!(res.status(), 404);
    let res = form(format!(
        "token={}&score=4&comment=%E4%B8%80%E7%AA%97%E5%8A%9E%E5%AE%8C%EF%BC%8C%E5%BE%88%E5%BF%AB",
        applicant.token
    ))
    .await
    .expect("infallible");
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        shared::api::status_page(&applicant.number, &applicant.token).as_str()
    );
    assert_eq!(applicant.status().await["rating"], 4);
    let s = stats(&leader, "").await;
    let r = &s["ratings"];
    assert_eq!(r["count"], 1, "{r}");
    assert_eq!(r["average"], 4.0);
    assert_eq!(r["by_score"], json!([0, 0, 0, 1, 0]));
    assert_eq!(r["comments"][0]["comment"], "一窗办完，很快");
    assert_eq!(r["comments"][0]["score"], 4);
    // Counted for each department the application went to, not for one it did not.
    let samr = stats(&leader, "?department=samr").await;
    assert_eq!(samr["ratings"]["count"], 1, "{}", samr["ratings"]);
    assert_eq!(samr["ratings"]["comments"][0]["comment"], "一窗办完，很快");
    let health = stats(&leader, "?department=health").await;
    assert_eq!(health["ratings"]["count"], 0, "{}", health["ratings"]);
    assert_eq!(health["ratings"]["comments"], json!([]));
}

/// The raw answer to a GET with `cookie`: status, content type, bytes.
async fn raw(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut req = Request::get(path).header("accept-language", "zh-CN");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, kind, bytes.to_vec())
}

async fn the_tables_export_and_the_pages_show_them(app: &TestApp) {
    let leader = app.staff("boss", "leader", None).await;
    let number = app.archived_restaurant(&[]).await;
    let (status, kind, csv) = raw(
        app,
        "/api/staff/statistics/export?format=csv&table=items",
        Some(&leader.cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let text = String::from_utf8(csv).expect("utf-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte order mark for spreadsheets");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("名称,受理（件）,准予,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("承诺压减（%）,实际压减（%）"),
        "{}",
        lines[0]
    );
    let food = lines
        .iter()
        .find(|l| l.starts_with("食品经营许可,"))
        .expect("the food permit's line");
    // Accepted 1, approved 1, refused 0, decided the day accepted: 0 days, on time.
    assert!(food.starts_with("食品经营许可,1,1,0,0,0,100,0,"), "{food}");
    let (status, _, _) = raw(
        app,
        "/api/staff/statistics/export?format=csv&table=nothing",
        Some(&leader.cookie),
    )
    .await;
    assert_eq!(status, 400);
    let (status, kind, book) = raw(
        app,
        "/api/staff/statistics/export?format=xlsx",
        Some(&leader.cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert!(book.starts_with(b"PK\x03\x04"), "an XLSX is a zip");
    // The exports are on the record.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'statistics.export' AND actor = 'boss'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    assert_eq!(n, 2);

    // The dashboard: server-rendered, charts as SVG, no script; the login without a session.
    let (status, kind, page) = raw(app, "/staff/statistics", Some(&leader.cookie)).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"));
    let page = String::from_utf8(page).expect("utf-8");
    for id in [
        "chart-volumes",
        "chart-on-time",
        "chart-promise",
        "t-items",
        "k-on-time",
    ] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(!page.contains("<script"));
    let (status, _, _) = raw(app, "/staff/statistics", None).await;
    assert_eq!(status, 303);
    let clerk = app.clerk().await;
    let (status, _, page) = raw(app, "/staff/statistics", Some(&clerk.cookie)).await;
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&page).contains("您的角色不能执行此操作"));
    let (status, _, page) = raw(app, "/staff/statistics?from=x", Some(&leader.cookie)).await;
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&page).contains("请填写有效的日期"));

    // The public results: small, per bundle, no application named.
    let (status, kind, page) = raw(app, "/results", None).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"));
    assert!(page.len() <= 30 * 1024, "{} bytes", page.len());
    let page = String::from_utf8(page).expect("utf-8");
    assert!(page.contains("data-bundle=\"restaurant\""));
    assert!(
        page.contains("data-bundle=\"pharmacy\""),
        "every bundle, filed or not"
    );
    assert!(!page.contains(&number));
    assert!(!page.contains("<script"));
    let (status, results) = leader.get("/api/results").await;
    assert_eq!(status, 200);
    assert_eq!(results["overdue"], json!([]));
    assert!(results["overall"]["accepted"].as_u64() >= Some(1));
}

async fn expert_review_and_testing_are_excluded_from_the_clock(app: &TestApp) {
    let (applicant, _) = app.accepted_restaurant().await;
    let number = applicant.number.clone();
    accepted_on(app, &number, "2026-09-29", None).await;
    let samr = app.reviewer("samr").await;
    let food = item(&samr.application(&number).await, "food_business_permit").clone();
    let testing = json!({"action": "pause", "pause_kind": "tasting", "message": "送检"});
    let (status, body) = samr.review(&food, testing).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["field_errors"]["pause_kind"].is_array());
    let testing = json!({"action": "pause", "pause_kind": "testing", "message": "水质送检"});
    let (status, food) = samr.review(&food, testing).await;
    assert_eq!(status, 200, "{food}");
    assert_eq!(food["status"], "paused");
    // The applicant sees why the clock stands still.
    let s = applicant.status().await;
    let mine = item(&s, "food_business_permit");
    assert_eq!(mine["pause"]["kind"], "testing");
    assert_eq!(mine["pause"]["reason"], "水质送检");
    assert_eq!(mine["due_on"], Value::Null, "no due date while paused");
    // As if the test had begun on Thu 8 Oct 2026: the days since do not count.
    sqlx::query("UPDATE sub_applications SET paused_since = '2026-10-08' WHERE id = $1")
        .bind(food["id"].as_i64())
        .execute(&app.db.pool)
        .await
        .expect("backdated");
    let food = item(&samr.application(&number).await, "food_business_permit").clone();
    let (status, food) = samr.review(&food, json!({"action": "resume"})).await;
    assert_eq!(status, 200, "{food}");
    assert_eq!(food["status"], "accepted");
    let approve = json!({"action": "approve", "certificate": "JY-2", "before_licence": true});
    let (status, food) = samr.review(&food, approve).await;
    assert_eq!(status, 200, "{food}");
    // Worked: 30 Sep, then 8 Oct to today; paused: 8 Oct to the day before today.
    let cal = &app.state.ctx.calendar;
    let oct8 = shared::date::parse_iso_date("2026-10-08").expect("date");
    let paused = u64::from(cal.working_days_between(oct8, today()));
    let expected = worked_since(app, "2026-09-29") - paused;
    let (actual, stood): (Option<i64>, i64) =
        sqlx::query_as("SELECT actual_days, paused_days FROM sub_applications WHERE id = $1")
            .bind(food["id"].as_i64())
            .fetch_one(&app.db.pool)
            .await
            .expect("measure");
    assert_eq!(stood, paused as i64, "paused");
    assert_eq!(actual, Some(expected as i64));
    let today_counts = u64::from(cal.is_working_day(today()));
    assert_eq!(
        expected,
        1 + today_counts,
        "30 Sep, and today if it is a working day"
    );
    let history = &food["decision"]["pauses"][0];
    // (The record keeps the day the pause was entered; only the clock was moved back.)
    assert_eq!(history["from"], shared::date::format_iso_date(today()));
    assert_eq!(history["to"], shared::date::format_iso_date(today()));
    rollup_agrees(app).await;
}
