//! The cleanup: drafts never submitted and uploads left half-way go after their time
//! (`domain::retention`), then every content of the store that nothing refers to — never an
//! archive's, never an application's file. Spent login throttles, ended sessions and
//! expired set-password links go too.
//! Safe to run on several instances at once: each step is a conditional delete, and a content
//! is removed only while its row is held (an upload of the same content waits, then stores it
//! anew). On the record as the system's.

use serde_json::json;

use super::{Ctx, Result};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::records::Actor;

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub drafts: u64,
    pub unfinished_uploads: u64,
    pub contents: u64,
    pub throttles: u64,
    pub sessions: u64,
    /// Set-password links expired as long ago as ended sessions are kept.
    pub password_links: u64,
    /// Background jobs done over a week ago.
    pub jobs: u64,
    /// Codes to find an application again, expired as long ago as ended sessions are kept.
    pub recovery_codes: u64,
}

/// One run at `now`.
pub async fn run(ctx: &Ctx, now: i64) -> Result<Report> {
    let cut = ctx.retention.cutoffs(now);
    let mut report = Report::default();
    let mut tx = ctx.db.begin().await?;
    report.drafts = db::materials::forget_drafts(&mut tx, cut.drafts).await?;
    report.unfinished_uploads = db::materials::forget_unfinished(&mut tx, cut.unfinished).await?;
    report.throttles = db::staff::forget_throttles(&mut tx, cut.throttles).await?;
    report.sessions = db::staff::forget_sessions(&mut tx, cut.sessions).await?;
    report.password_links = db::staff::forget_links(&mut tx, cut.sessions).await?;
    report.jobs = db::jobs::forget_done(&mut tx, cut.jobs).await?;
    report.recovery_codes = db::recovery::forget(&mut tx, cut.sessions).await?;
    let after = json!(report);
    let entry = Entry::by(
        &Actor::System,
        "cleanup.records",
        "store",
        json!(null),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;

    let mut removed = Vec::new();
    for (sha, written) in ctx.files.stored().await? {
        if written >= cut.contents {
            continue;
        }
        let mut tx = ctx.db.begin().await?;
        if db::materials::forget_content(&mut tx, &sha, cut.contents).await? {
            ctx.files.delete(&sha).await?;
            removed.push(sha);
        }
        tx.commit().await?;
    }
    report.contents = removed.len() as u64;
    if !removed.is_empty() {
        let after = json!({ "removed": removed });
        let entry = Entry::by(
            &Actor::System,
            "cleanup.contents",
            "store",
            json!(null),
            after,
        );
        audit::record(&ctx.db, &entry, now).await?;
    }
    Ok(report)
}
