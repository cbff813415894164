//! The background jobs on SQLite and PostgreSQL: queued with the change that calls for them,
//! each run once however many workers take from the queue, a failed one tried again later and
//! given up after its tries, then tried again by the administrator; the periodic ones queued
//! once per slot.

use backend::db::jobs;
use backend::domain::jobs::{MAX_ATTEMPTS, state};
use serde_json::json;

use crate::helpers::{TestApp, pdf};

crate::on_both_databases!(
    the_last_decision_queues_the_archive_and_workers_run_each_job_once,
    a_failing_job_is_tried_again_later_then_given_up_then_retried_by_the_administrator,
    periodic_jobs_are_queued_once_per_slot_whichever_instance_comes_first,
);

async fn the_last_decision_queues_the_archive_and_workers_run_each_job_once(app: &TestApp) {
    // Four applications decided in full: four archive jobs, nothing built yet.
    let mut numbers = Vec::new();
    for n in 0..4u8 {
        let (id, token) = app.draft("restaurant").await;
        app.upload(
            &format!("/api/drafts/{id}"),
            &token,
            "id_card",
            "身份证.pdf",
            &pdf(600, n),
        )
        .await;
        let mut body = app.fresh_restaurant().await;
        body["draft"] = json!({"id": id, "token": token});
        let applicant = app.file(&body).await;
        let accepted = app.clerk().await.accept(&applicant.number).await;
        let items = accepted["items"].as_array().expect("items");
        for (k, i) in items.iter().enumerate() {
            let reviewer = app
                .reviewer(i["department"].as_str().expect("department"))
                .await;
            let decision = json!({"action": "approve", "certificate": "X-1"});
            assert_eq!(reviewer.review(i, decision).await.0, 200);
            let queued = jobs::list(&app.db, Some(state::QUEUED), 100)
                .await
                .expect("jobs");
            let expected = numbers.len() + usize::from(k + 1 == items.len());
            assert_eq!(queued.len(), expected, "queued only with the last decision");
        }
        numbers.push(applicant.number.clone());
    }
    // Three workers (three instances) take from one queue at once.
    let ctx = &app.state.ctx;
    let (a, b, c) = tokio::join!(
        backend::service::jobs::run_until_idle(ctx, "instance-a"),
        backend::service::jobs::run_until_idle(ctx, "instance-b"),
        backend::service::jobs::run_until_idle(ctx, "instance-c"),
    );
    let ran = a.expect("a") + b.expect("b") + c.expect("c");
    assert_eq!(ran, 4, "each job once");
    let all = jobs::list(&app.db, None, 100).await.expect("jobs");
    assert!(
        all.iter()
            .all(|j| j.state == state::DONE && j.attempts == 1),
        "{all:?}"
    );
    for number in &numbers {
        let application = backend::db::applications::application(&app.db, number)
            .await
            .expect("query")
            .expect("application");
        assert!(
            backend::db::materials::archive(&app.db, application.id)
                .await
                .expect("query")
                .is_some(),
            "{number} is filed"
        );
    }
}

async fn a_failing_job_is_tried_again_later_then_given_up_then_retried_by_the_administrator(
    app: &TestApp,
) {
    let now = backend::domain::clock::now_unix();
    let mut conn = app.db.pool.acquire().await.expect("conn");
    // A job no worker can read fails every try.
    jobs::enqueue(
        &mut conn,
        "archive",
        "{\"kind\":\"nothing\"}",
        None,
        now,
        now,
    )
    .await
    .expect("queued");
    drop(conn);
    let ctx = &app.state.ctx;
    let first = backend::service::jobs::run_next(ctx, "w")
        .await
        .expect("ran")
        .expect("a job");
    assert_eq!((first.state.as_str(), first.attempts), (state::QUEUED, 1));
    assert!(
        first.run_at >= now + 30,
        "tried again in half a minute at the earliest"
    );
    assert!(
        first
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("unreadable job")
    );
    assert!(
        backend::service::jobs::run_next(ctx, "w")
            .await
            .expect("ran")
            .is_none(),
        "not due yet"
    );
    for _ in 1..MAX_ATTEMPTS {
        sqlx::query("UPDATE jobs SET run_at = 0 WHERE state = 'queued'")
            .execute(&app.db.pool)
            .await
            .expect("due now");
        backend::service::jobs::run_next(ctx, "w")
            .await
            .expect("ran");
    }
    let given_up = jobs::get(&app.db, first.id)
        .await
        .expect("job")
        .expect("job");
    assert_eq!(
        (given_up.state.as_str(), given_up.attempts),
        (state::FAILED, MAX_ATTEMPTS)
    );

    let root = app.admin().await;
    let clerk = app.clerk().await;
    let (status, failed) = root.get("/api/staff/jobs?state=failed").await;
    assert_eq!(status, 200);
    assert_eq!(failed[0]["id"], first.id);
    assert!(
        failed[0]["last_error"]
            .as_str()
            .expect("error")
            .contains("unreadable job")
    );
    assert_eq!(clerk.get("/api/staff/jobs").await.0, 403);
    let retry = format!("/api/staff/jobs/{}/retry", first.id);
    let (status, again) = root.post(&retry, json!({})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["state"].as_str(), again["attempts"].as_i64()),
        (Some("queued"), Some(0))
    );
    let (status, _) = root.post(&retry, json!({})).await;
    assert_eq!(status, 409, "only a given-up job");
    let history = backend::db::audit::history(&app.db, &format!("job {}", first.id))
        .await
        .expect("history");
    assert_eq!(history[0].action, "job.retry");
}

async fn periodic_jobs_are_queued_once_per_slot_whichever_instance_comes_first(app: &TestApp) {
    let ctx = &app.state.ctx;
    // The start of the last full hour: both its slots are due by now.
    let at = (backend::domain::clock::now_unix() / 3600 - 1) * 3600;
    for _ in 0..3 {
        backend::service::jobs::schedule_periodic(ctx, at)
            .await
            .expect("scheduled");
    }
    let queued = jobs::list(&app.db, None, 100).await.expect("jobs");
    let kinds: Vec<&str> = queued.iter().map(|j| j.kind.as_str()).collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    for kind in [
        "cleanup",
        "audit_checkpoint",
        "follow_ups_overdue",
        "statistics_fold",
        "owed_reminders",
        "staff_digest",
        "credit_sync",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    // Ten minutes on: the next slot of the ten-minute ones, the same hour of the hourly ones.
    backend::service::jobs::schedule_periodic(ctx, at + 600)
        .await
        .expect("scheduled");
    let queued = jobs::list(&app.db, None, 100).await.expect("jobs");
    assert_eq!(queued.len(), 9);
    assert_eq!(app.run_jobs().await, 9);
}
