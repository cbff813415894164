//! The background jobs (`domain::jobs`): queued in the transaction of the change that calls
//! for them, run by a worker in every instance — each job by one worker at a time, a failed
//! try again later with a growing wait, given up after its tries — and the periodic ones queued
//! once per slot, whichever instance comes first. Every job is idempotent: a worker that dies
//! half-way leaves its job to be taken over when its lease runs out. The administrator sees
//! them and tries a given-up one again.

use std::sync::Arc;

use serde_json::json;
use shared::staff::JobView;
use tokio::sync::Notify;

use super::{Ctx, Result, archive, audit as checkpoints, cleanup};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::jobs::JobRow;
use crate::domain::access::Act;
use crate::domain::clock::{now_unix, rfc3339};
use crate::domain::error::Missing;
use crate::domain::jobs::{self, Job, LEASE_SECS, PERIODIC};
use crate::domain::records::{Actor, StaffMember};

/// Queues each periodic job whose slot has come, once across every instance.
pub async fn schedule_periodic(ctx: &Ctx, now: i64) -> Result<()> {
    let mut conn = ctx.db.pool.acquire().await?;
    for (job, every) in PERIODIC {
        let payload = serde_json::to_string(&job).map_err(anyhow::Error::from)?;
        let dedupe = job.dedupe(Some(jobs::slot(now, every)));
        db::jobs::enqueue(&mut conn, job.kind(), &payload, dedupe.as_deref(), now, now).await?;
    }
    Ok(())
}

/// Takes the next due job and runs it; `None` when nothing is due.
pub async fn run_next(ctx: &Ctx, worker: &str) -> Result<Option<JobRow>> {
    let now = now_unix();
    let Some(row) = db::jobs::claim(&ctx.db, worker, now, LEASE_SECS).await? else {
        return Ok(None);
    };
    let outcome = match serde_json::from_str::<Job>(&row.payload) {
        Ok(job) => execute(ctx, &job).await,
        Err(e) => Err(anyhow::anyhow!("unreadable job: {e}").into()),
    };
    let now = now_unix();
    match outcome {
        Ok(()) => {
            let mut conn = ctx.db.pool.acquire().await?;
            db::jobs::finish(&mut conn, row.id, worker, now).await?;
        }
        Err(e) => {
            let retry_at = jobs::retry_in(row.attempts).map(|wait| now + wait);
            tracing::warn!(job = row.id, kind = %row.kind, attempts = row.attempts, error = %e,
                given_up = retry_at.is_none(), "background job failed");
            db::jobs::fail(&ctx.db, row.id, worker, &e.to_string(), retry_at, now).await?;
        }
    }
    Ok(db::jobs::get(&ctx.db, row.id).await?)
}

async fn execute(ctx: &Ctx, job: &Job) -> Result<()> {
    match job {
        Job::Archive { application_id } => {
            archive::when_complete(ctx, *application_id).await?;
        }
        Job::Cleanup => {
            cleanup::run(ctx, now_unix()).await?;
        }
        Job::AuditCheckpoint => {
            checkpoints::checkpoint(ctx, now_unix()).await?;
        }
        Job::FollowUpsOverdue => {
            super::follow_ups::flag_overdue(ctx).await?;
        }
        Job::StatisticsFold => {
            crate::db::statistics::fold(&ctx.db).await?;
        }
        Job::ArchiveRefile { application_id } => {
            archive::refile(ctx, *application_id).await?;
        }
        Job::Notify { notification_id } => {
            super::notifications::send(ctx, *notification_id).await?;
        }
        Job::OwedReminders => {
            super::notifications::remind_owed(ctx).await?;
        }
        Job::StaffDigest => {
            let today = crate::domain::clock::county_date(now_unix());
            super::notifications::digest(ctx, today).await?;
        }
        Job::CreditSync => {
            super::credit::sync(ctx).await?;
        }
    }
    Ok(())
}

/// Runs every due job now (tests, and a command-line run); how many ran.
pub async fn run_until_idle(ctx: &Ctx, worker: &str) -> Result<usize> {
    let mut n = 0;
    while run_next(ctx, worker).await?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// An instance's worker, until the process ends: queues the periodic jobs when their slot
/// comes, runs whatever is due, and sleeps a second — or less, when this instance queued a
/// job (`wake`).
pub async fn worker(ctx: Ctx, wake: Arc<Notify>) {
    let name = format!(
        "{}-{}-{:08x}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "lianban".into()),
        std::process::id(),
        rand::random::<u32>()
    );
    loop {
        if let Err(e) = schedule_periodic(&ctx, now_unix()).await {
            tracing::warn!(error = %e, "periodic jobs not queued");
        }
        loop {
            match run_next(&ctx, &name).await {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "job queue unreachable");
                    break;
                }
            }
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), wake.notified()).await;
    }
}

fn view(row: JobRow, about: Option<String>) -> JobView {
    JobView {
        id: row.id,
        kind: row.kind,
        about,
        state: row.state,
        attempts: row.attempts,
        at: rfc3339(row.finished_at.unwrap_or(row.run_at)),
        last_error: row.last_error,
    }
}

async fn about(ctx: &Ctx, row: &JobRow) -> Result<Option<String>> {
    Ok(match serde_json::from_str::<Job>(&row.payload) {
        Ok(Job::Archive { application_id } | Job::ArchiveRefile { application_id }) => {
            db::applications::application_by_id(&ctx.db, application_id)
                .await?
                .map(|a| a.number)
        }
        _ => None,
    })
}

/// The newest jobs (of one state), for the administrator.
pub async fn list(ctx: &Ctx, staff: &StaffMember, state: Option<&str>) -> Result<Vec<JobView>> {
    ctx.access(staff).require(Act::ManageJobs)?;
    let mut out = Vec::new();
    for row in db::jobs::list(&ctx.db, state, 200).await? {
        let about = about(ctx, &row).await?;
        out.push(view(row, about));
    }
    Ok(out)
}

/// The administrator tries a given-up job again (a running or done one stays as it is: 409).
pub async fn retry(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<JobView> {
    ctx.access(staff).require(Act::ManageJobs)?;
    let row = db::jobs::get(&ctx.db, id).await?.ok_or(Missing::Job)?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    if !db::jobs::retry(&mut tx, id, now).await? {
        return Err(crate::domain::error::Conflict::JobNotFailed.into());
    }
    let subject = format!("job {id}");
    let before = json!({ "state": row.state, "attempts": row.attempts, "error": row.last_error });
    let actor = Actor::Staff(staff);
    let entry = Entry::by(&actor, "job.retry", &subject, before, json!({}));
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    ctx.jobs_wake.notify_one();
    let row = db::jobs::get(&ctx.db, id).await?.ok_or(Missing::Job)?;
    let about = about(ctx, &row).await?;
    Ok(view(row, about))
}
