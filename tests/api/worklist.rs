//! The staff's one worklist on SQLite and PostgreSQL: search by number, business name, credit
//! code and ID number; filters; a department's items nearest deadline first with how near each
//! is; pages that neither repeat nor skip rows while new applications arrive; taking and
//! handing items; saved views.

use serde_json::{Value, json};

use crate::helpers::{StaffClient, TestApp, item, restaurant_with};

crate::on_both_databases!(
    the_window_finds_an_application_by_number_name_credit_code_or_id_number,
    a_department_sees_its_items_nearest_deadline_first_with_overdue_ones_marked,
    pages_neither_repeat_nor_skip_while_applications_arrive,
    a_departments_pages_hold_every_open_item_once_the_paused_ones_last,
    reviewers_take_and_release_items_and_the_administrator_hands_them_out,
    saved_views_are_each_staff_members_own,
);

fn numbers(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["number"].as_str().expect("number").to_string())
        .collect()
}

async fn list(staff: &StaffClient<'_>, query: &str) -> Value {
    let (status, page) = staff.get(&format!("/api/staff/worklist?{query}")).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

fn named(name: &str, id: &str) -> Value {
    let mut body = restaurant_with("business.name", json!(name));
    body["answers"]["legal_rep.id_number"] = json!(id);
    body
}

async fn the_window_finds_an_application_by_number_name_credit_code_or_id_number(app: &TestApp) {
    let clerk = app.clerk().await;
    let a = app
        .file(&named("睢县老张家常菜馆", "11010519491231002X"))
        .await;
    let b = app
        .file(&named("睢县小李烧烤店", "411422198512123455"))
        .await;
    let c = app.file(&named("睢县老王面馆", "11010519491231002X")).await;
    assert_eq!(
        numbers(&list(&clerk, "q=烧烤").await),
        vec![b.number.clone()]
    );
    assert_eq!(
        numbers(&list(&clerk, &format!("q={}", a.number)).await),
        vec![a.number.clone()]
    );
    let by_id = list(&clerk, "q=11010519491231002x").await;
    assert_eq!(
        numbers(&by_id),
        [a.number.clone(), c.number.clone()],
        "exact, any case"
    );
    assert_eq!(
        numbers(&list(&clerk, "q=%25").await),
        Vec::<String>::new(),
        "% is itself"
    );
    // The credit code once the licence is issued.
    let accepted = clerk.accept(&b.number).await;
    let samr = app.reviewer("samr").await;
    let (status, reg) = samr
        .review(
            item(&accepted, "business_registration"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{reg}");
    let uscc = reg["decision"]["certificate"].as_str().expect("code");
    assert_eq!(
        numbers(&list(&clerk, &format!("q={uscc}")).await),
        vec![b.number.clone()]
    );
    // Filters: the window's state, a bundle, the filing days.
    assert_eq!(
        numbers(&list(&clerk, "state=submitted").await),
        [a.number.clone(), c.number.clone()]
    );
    assert_eq!(
        numbers(&list(&clerk, "state=accepted").await),
        vec![b.number.clone()]
    );
    assert_eq!(
        numbers(&list(&clerk, "bundle=pharmacy").await),
        Vec::<String>::new()
    );
    assert_eq!(
        numbers(&list(&clerk, "filed_to=2020-01-01").await),
        Vec::<String>::new()
    );
    let page = list(&clerk, "sort=filed_desc").await;
    assert_eq!(numbers(&page)[0], c.number);
    assert_eq!(page["rows"][0]["business_name"], "睢县老王面馆");
    let (status, err) = clerk.get("/api/staff/worklist?due=later").await;
    assert_eq!(status, 422);
    assert!(err["field_errors"]["due"].is_array(), "{err}");
}

async fn a_department_sees_its_items_nearest_deadline_first_with_overdue_ones_marked(
    app: &TestApp,
) {
    let clerk = app.clerk().await;
    let first = app.file(&named("睢县一号店", "11010519491231002X")).await;
    let second = app.file(&named("睢县二号店", "11010519491231002X")).await;
    clerk.accept(&first.number).await;
    clerk.accept(&second.number).await;
    // The first was accepted long ago: its clock ran out.
    sqlx::query(
        "UPDATE sub_applications SET accepted_on = '2026-01-05', due_on = '2026-01-12'
         WHERE application_id = (SELECT id FROM applications WHERE number = $1)",
    )
    .bind(&first.number)
    .execute(&app.db.pool)
    .await
    .expect("backdated");
    let psb = app.reviewer("psb").await;
    let page = list(&psb, "").await;
    assert_eq!(page["kind"], "items");
    let rows = page["rows"].as_array().expect("rows");
    assert_eq!(
        rows.len(),
        2,
        "the seal filing of each, nothing else: {page}"
    );
    assert!(rows.iter().all(|r| r["items"][0]["department"] == "psb"));
    assert_eq!(rows[0]["number"], first.number.as_str(), "overdue first");
    assert_eq!(rows[0]["items"][0]["deadline"], "overdue");
    let later = rows[1]["items"][0]["deadline"].as_str().expect("deadline");
    assert!(["today", "soon", "on_time"].contains(&later), "{later}");
    assert_eq!(
        numbers(&list(&psb, "due=overdue").await),
        vec![first.number.clone()]
    );
    // Asking for another department changes nothing for a reviewer.
    let page = list(&psb, "department=samr").await;
    assert!(
        page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["items"][0]["department"] == "psb")
    );
    // The administrator sees any department's items.
    let root = app.admin().await;
    let page = list(&root, "kind=items&department=tax&due=overdue").await;
    assert_eq!(numbers(&page), vec![first.number.clone()]);
}

async fn pages_neither_repeat_nor_skip_while_applications_arrive(app: &TestApp) {
    let clerk = app.clerk().await;
    let mut filed = Vec::new();
    for n in 0..7 {
        filed.push(
            app.file(&named(&format!("睢县{n}号店"), "11010519491231002X"))
                .await
                .number,
        );
    }
    for sort in ["filed", "filed_desc"] {
        let mut seen = Vec::new();
        let mut query = format!("limit=3&sort={sort}");
        loop {
            let page = list(&clerk, &query).await;
            seen.extend(numbers(&page));
            // New applications arrive between two pages.
            app.file(&named("睢县新来的店", "11010519491231002X")).await;
            match page["next"].as_str() {
                Some(next) => query = format!("limit=3&sort={sort}&after={next}"),
                None => break,
            }
            assert!(seen.len() < 100, "the pages end");
        }
        let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: no row twice");
        for n in &filed {
            assert!(seen.contains(n), "{sort}: {n} is on a page");
        }
    }
}

async fn reviewers_take_and_release_items_and_the_administrator_hands_them_out(app: &TestApp) {
    let clerk = app.clerk().await;
    let filed = app.file(&named("睢县一号店", "11010519491231002X")).await;
    let accepted = clerk.accept(&filed.number).await;
    let food = item(&accepted, "food_business_permit")["id"].clone();
    let a = app.staff("samr_a", "reviewer", Some("samr")).await;
    let b = app.staff("samr_b", "reviewer", Some("samr")).await;
    let assign = |to: Option<&str>| json!({"items": [food], "to": to});
    assert_eq!(
        a.post("/api/staff/worklist/assign", assign(Some("samr_a")))
            .await
            .0,
        200
    );
    let mine = list(&a, "assigned=mine").await;
    assert_eq!(mine["rows"][0]["items"][0]["assignee"], "samr_a");
    assert_eq!(
        numbers(&list(&b, "assigned=unassigned").await),
        vec![filed.number.clone()],
        "the registration is still free"
    );
    assert_eq!(
        b.post("/api/staff/worklist/assign", assign(Some("samr_b")))
            .await
            .0,
        403,
        "taken"
    );
    assert_eq!(
        b.post("/api/staff/worklist/assign", assign(None)).await.0,
        403,
        "not theirs"
    );
    assert_eq!(
        a.post("/api/staff/worklist/assign", assign(None)).await.0,
        200,
        "released"
    );
    let root = app.admin().await;
    assert_eq!(
        root.post("/api/staff/worklist/assign", assign(Some("samr_b")))
            .await
            .0,
        200
    );
    assert_eq!(
        list(&b, "assigned=mine").await["rows"][0]["items"][0]["assignee"],
        "samr_b"
    );
    let history = backend::db::audit::history(&app.db, &format!("item {food}"))
        .await
        .expect("history");
    let holders: Vec<&str> = history
        .iter()
        .filter(|e| e.action == "item.assign")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(holders, ["samr_a", "samr_a", "root"]);
}

async fn saved_views_are_each_staff_members_own(app: &TestApp) {
    let clerk = app.clerk().await;
    let root = app.admin().await;
    let view = json!({"name": "超期", "query": "kind=items&due=overdue"});
    let (status, saved) = clerk.post("/api/staff/views", view).await;
    assert_eq!(status, 201, "{saved}");
    let (_, replaced) = clerk
        .post(
            "/api/staff/views",
            json!({"name": "超期", "query": "kind=items&due=today"}),
        )
        .await;
    assert_eq!(replaced["id"], saved["id"], "one name, one view");
    let (_, views) = clerk.get("/api/staff/views").await;
    assert_eq!(views.as_array().expect("views").len(), 1);
    assert_eq!(views[0]["query"], "kind=items&due=today");
    let (status, err) = clerk
        .post(
            "/api/staff/views",
            json!({"name": "坏", "query": "due=later"}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    let (_, others) = root.get("/api/staff/views").await;
    assert_eq!(others, json!([]));
    let path = format!("/api/staff/views/{}", saved["id"]);
    assert_eq!(root.call("DELETE", &path, None).await.0, 404, "not theirs");
    assert_eq!(clerk.call("DELETE", &path, None).await.0, 204);
    for n in 0..20 {
        let v = json!({"name": format!("视图{n}"), "query": "state=submitted"});
        assert_eq!(clerk.post("/api/staff/views", v).await.0, 201);
    }
    let v = json!({"name": "第21个", "query": "state=submitted"});
    assert_eq!(
        clerk.post("/api/staff/views", v).await.0,
        422,
        "twenty at most"
    );
}

async fn a_departments_pages_hold_every_open_item_once_the_paused_ones_last(app: &TestApp) {
    let clerk = app.clerk().await;
    let samr = app.reviewer("samr").await;
    for n in 0..4 {
        let filed = app
            .file(&named(&format!("睢县{n}号店"), "11010519491231002X"))
            .await;
        let accepted = clerk.accept(&filed.number).await;
        if n == 1 {
            // The food permit's clock stops for an inspection.
            let visit = json!({"action": "schedule_inspection", "inspection_on": "2099-01-05"});
            let (status, body) = samr
                .review(item(&accepted, "food_business_permit"), visit)
                .await;
            assert_eq!(status, 200, "{body}");
        }
    }
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut query = "limit=3".to_string();
    loop {
        let page = list(&samr, &query).await;
        for r in page["rows"].as_array().expect("rows") {
            let i = &r["items"][0];
            seen.push((
                i["id"].as_i64().expect("id"),
                i["deadline"].as_str().expect("d").to_string(),
            ));
        }
        match page["next"].as_str() {
            Some(next) => query = format!("limit=3&after={next}"),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        8,
        "two samr items of four applications: {seen:?}"
    );
    let ids: std::collections::BTreeSet<i64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 8, "each once");
    assert_eq!(
        seen.last().map(|(_, d)| d.as_str()),
        Some("paused"),
        "paused last"
    );
    assert!(seen[..7].iter().all(|(_, d)| d != "paused"));
}
