//! Delivery (送达) of decisions: the applicant confirms receipt of a certificate or refusal on
//! the status page (electronic), the window records one collected on paper; each document once,
//! in its own transaction with its audit entry. The rule is `domain::delivery`'s.

use serde_json::json;
use shared::api::{ApplicationStatus, ReceiptRequest};
use shared::staff::StaffApplication;

use super::{Ctx, Result, backoffice, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::clock::county_date;
use crate::domain::delivery::{self, Way};
use crate::domain::error::Conflict;
use crate::domain::jobs::Job;
use crate::domain::records::{Actor, Application, StaffMember};

/// Records the delivery of `document` of `app` by `way`, on the record as `actor`.
async fn deliver(
    ctx: &Ctx,
    app: &Application,
    document: &str,
    way: Way,
    actor: &Actor<'_>,
) -> Result<()> {
    let (now, today) = now_and_today();
    let today_text = shared::date::format_iso_date(today);
    let items = db::items::of_application(&ctx.db, app.id).await?;
    let permits = match db::enterprises::of_application(&ctx.db, app.id).await? {
        Some(e) => db::enterprises::permits_of(&ctx.db, e.id).await?,
        None => Vec::new(),
    };
    let done: Vec<String> = db::deliveries::of_application(&ctx.db, app.id)
        .await?
        .into_iter()
        .map(|d| d.document)
        .collect();
    let deliverable = delivery::deliverable(&items, &permits, &today_text);
    let d = delivery::check(document, way.as_str(), &deliverable, &done)?;
    let days = delivery::days(&ctx.calendar, d.decided_on, county_date(now));
    let decided_on = shared::date::format_iso_date(d.decided_on);
    let (by, _) = actor.names();
    let new = db::deliveries::New {
        application_id: app.id,
        bundle: &app.bundle,
        department: &d.department,
        document: &d.document,
        way: way.as_str(),
        recorded_by: by,
        decided_on: &decided_on,
        delivered_on: &today_text,
        days: i64::from(days),
    };
    let mut tx = ctx.db.begin().await?;
    // Two at once: the unique key lets one in.
    if !db::deliveries::insert(&mut tx, &new, now).await? {
        return Err(Conflict::AlreadyDelivered.into());
    }
    let after = json!({ "document": d.document, "way": way.as_str(), "decided_on": decided_on,
        "delivered_on": today_text, "working_days": days });
    let action = format!("delivery.{}", way.as_str());
    let subject = app.subject();
    let entry = Entry::by(actor, &action, &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    // The archive, if filed already, is filed again with the delivery.
    let refile = Job::ArchiveRefile {
        application_id: app.id,
    };
    db::jobs::queue(&mut tx, &refile, now).await?;
    tx.commit().await?;
    ctx.jobs_wake.notify_one();
    Ok(())
}

/// The applicant confirms receipt of a document downloaded from the status page.
pub async fn confirm(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
    req: &ReceiptRequest,
) -> Result<ApplicationStatus> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    deliver(ctx, &app, &req.document, Way::Electronic, &Actor::Applicant).await?;
    views::status(ctx, app).await
}

/// The window records a document collected on paper (出件窗口).
pub async fn collected(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    req: &ReceiptRequest,
) -> Result<StaffApplication> {
    let access = ctx.access(staff);
    access.require(Act::RecordDelivery)?;
    let (app, _) = backoffice::load(ctx, &access, number).await?;
    deliver(ctx, &app, &req.document, Way::Paper, &Actor::Staff(staff)).await?;
    backoffice::reread(ctx, &access, number).await
}
