//! Telling the applicant (`domain::notify`): each use case that makes a step queues its
//! messages in its own transaction — with a job for each, so nothing acknowledged is lost —
//! and the job sends one, writes the private link in at the last moment, and marks it sent
//! with an audit entry. A step has one message per channel, however often it is queued.

use serde_json::json;
use shared::i18n::Lang;
use sqlx::{Any, Transaction};

use super::{Ctx, Result};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::clock::{county_date, now_unix};
use crate::domain::jobs::Job;
use crate::domain::notify::{self, Channel, Step};
use crate::domain::records::{Actor, Application, IntakeNotice};
use crate::domain::secret_box;
use crate::notify::Outgoing;

/// What the private token is sealed for.
pub(super) const LINK_CONTEXT: &str = "lianban/notify-link";

/// How many working days ahead an owed material's day is announced.
const OWED_NOTICE_DAYS: u32 = 2;

/// The private token sealed at rest: the messages write it in, and finding an application
/// again (`service::recovery`) gives it back.
pub fn seal_link(ctx: &Ctx, token: &str) -> String {
    secret_box::seal(LINK_CONTEXT, ctx.seal.at_rest(), token)
}

/// Keeps message `m` — unless its recipient has it for its step on its channel already — with
/// the job that sends it, in the caller's transaction; whether it was new. The caller wakes
/// the job worker after its commit.
pub(super) async fn keep(
    tx: &mut Transaction<'static, Any>,
    m: &db::notifications::New<'_>,
    now: i64,
) -> Result<bool> {
    let Some(id) = db::notifications::insert(tx, m, now).await? else {
        return Ok(false);
    };
    db::jobs::queue(
        tx,
        &Job::Notify {
            notification_id: id,
        },
        now,
    )
    .await?;
    Ok(true)
}

/// [`keep`]s e-mail `m` to staff member `username` at `email` for `step`.
async fn keep_for_staff(
    tx: &mut Transaction<'static, Any>,
    (username, email): (&str, &str),
    step: &str,
    m: &notify::Composed,
    now: i64,
) -> Result<bool> {
    let recipient = format!("staff:{username}");
    let new = db::notifications::New {
        recipient: &recipient,
        application_id: None,
        step,
        channel: Channel::Email.as_str(),
        address: email,
        subject: &m.subject,
        body: &m.body,
    };
    keep(tx, &new, now).await
}

/// Queues `step`'s message on each channel `app`'s applicant chose, in the caller's
/// transaction; how many were new. The caller wakes the job worker after its commit.
pub async fn queue(
    tx: &mut Transaction<'static, Any>,
    app: &Application,
    step: &Step,
    now: i64,
) -> Result<usize> {
    // An addition (增项) tells the holder as they chose on the form that registered them.
    let recipients = match db::notifications::registered_answers(tx, app.id).await? {
        Some(registered) => notify::recipients(&registered),
        None => notify::recipients(&app.answers),
    };
    if recipients.is_empty() {
        return Ok(0);
    }
    let lang = match db::notifications::lang(tx, app.id).await?.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let key = step.key();
    let recipient = format!("application:{}", app.id);
    let mut queued = 0;
    for (channel, address) in &recipients {
        let m = notify::compose(step, &app.number, *channel, lang);
        let new = db::notifications::New {
            recipient: &recipient,
            application_id: Some(app.id),
            step: &key,
            channel: channel.as_str(),
            address,
            subject: &m.subject,
            body: &m.body,
        };
        if keep(tx, &new, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// The job: sends message `id` (nothing if it went already), marks it sent, on the record.
/// A provider's refusal is the job's failure: it is tried again later.
pub async fn send(ctx: &Ctx, id: i64) -> Result<()> {
    let Some(m) = db::notifications::outgoing(&ctx.db, id).await? else {
        return Ok(());
    };
    if m.state == db::notifications::SENT {
        return Ok(());
    }
    let channel = Channel::parse(&m.channel)
        .ok_or_else(|| anyhow::anyhow!("notification {id}: no channel {}", m.channel))?;
    let base = ctx.public_url.trim_end_matches('/');
    // An applicant's private link, written in now (a staff member's list has its links).
    let body = match &m.number {
        Some(number) => {
            let link = match m
                .notify_link
                .as_deref()
                .and_then(|s| secret_box::open(LINK_CONTEXT, ctx.seal.at_rest(), s))
            {
                Some(token) => format!("{base}{}", shared::api::status_page(number, &token)),
                // Sealed under a key this server does not hold (a lost key folder): the page
                // that asks for the number, not a link that fails.
                None => format!("{base}/status/{number}"),
            };
            notify::with_link(&m.body, &link)
        }
        None => m.body.clone(),
    };
    let out = Outgoing {
        id,
        to: &m.address,
        subject: &m.subject,
        body: &body,
    };
    let answer = match ctx.outbox.send(channel, &out).await {
        Ok(answer) => answer,
        Err(e) => {
            db::notifications::failed_try(&ctx.db, id, &e.to_string()).await?;
            return Err(e.into());
        }
    };
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    if db::notifications::mark_sent(&mut tx, id, answer.as_deref(), now).await? {
        let subject = match (&m.number, m.recipient.strip_prefix("staff:")) {
            (Some(number), _) => format!("application {number}"),
            (None, Some(username)) => format!("staff {username}"),
            (None, None) => m.recipient.clone(),
        };
        let after = json!({
            "notification": id,
            "step": m.step,
            "channel": m.channel,
            "to": notify::masked(channel, &m.address),
            "provider": answer,
        });
        let entry = Entry::by(
            &Actor::System,
            "notification.sent",
            &subject,
            json!(null),
            after,
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The periodic job: tells each applicant whose owed materials (容缺) are due within
/// [`OWED_NOTICE_DAYS`] working days — once per material and day.
pub async fn remind_owed(ctx: &Ctx) -> Result<()> {
    let now = now_unix();
    let today = county_date(now);
    let horizon = ctx.calendar.due_date(today, OWED_NOTICE_DAYS);
    let mut woken = false;
    for (id, notice) in db::notifications::owing(&ctx.db).await? {
        let notice = IntakeNotice::from_stored(notice.as_deref());
        let Some(due) = notice
            .bring_by
            .as_deref()
            .and_then(shared::date::parse_iso_date)
        else {
            continue;
        };
        if notice.missing_materials.is_empty() || due > horizon || due < today {
            continue;
        }
        let Some(app) = db::applications::application_by_id(&ctx.db, id).await? else {
            continue;
        };
        let mut tx = ctx.db.begin().await?;
        for material in &notice.missing_materials {
            let name = ctx
                .catalogue
                .material(material)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| shared::i18n::Text::new(material, material));
            let step = Step::OwedDue {
                material: name,
                material_id: material.clone(),
                due_on: shared::date::format_iso_date(due),
            };
            woken |= queue(&mut tx, &app, &step, now).await? > 0;
        }
        tx.commit().await?;
    }
    if woken {
        ctx.jobs_wake.notify_one();
    }
    Ok(())
}

/// The most items one daily list names.
const DIGEST_LIMIT: i64 = 100;

/// Each working day: every active staff member with an address gets their list — a reviewer
/// their department's items, an administrator and the leadership every department's — of
/// open items due by the next working day and overdue; once a day each. How many were queued.
pub async fn digest(ctx: &Ctx, today: time::Date) -> Result<usize> {
    if !ctx.calendar.is_working_day(today) {
        return Ok(0);
    }
    let next = ctx.calendar.next_working_day(today);
    let (today_text, next_text) = (
        shared::date::format_iso_date(today),
        shared::date::format_iso_date(next),
    );
    let base = ctx.public_url.trim_end_matches('/');
    let step = format!("digest:{today_text}");
    let now = now_unix();
    let mut queued = 0;
    for (username, role, department, email) in db::notifications::digest_recipients(&ctx.db).await?
    {
        let scope = match shared::staff::Role::parse(&role) {
            Some(shared::staff::Role::Reviewer) => department.as_deref(),
            Some(shared::staff::Role::Admin | shared::staff::Role::Leader) => None,
            _ => continue,
        };
        let rows = db::notifications::due_by(&ctx.db, scope, &next_text, DIGEST_LIMIT).await?;
        let c = &ctx.catalogue;
        let due: Vec<notify::Due> = rows
            .into_iter()
            .map(|(number, item, dept, due_on)| notify::Due {
                number,
                item: c.item(&item).map_or(item.clone(), |i| i.name.zh.clone()),
                department: c
                    .department(&dept)
                    .map_or(dept.clone(), |d| d.name.zh.clone()),
                due_on,
            })
            .collect();
        let Some(m) = notify::digest(&today_text, &next_text, &due, base) else {
            continue;
        };
        let mut tx = ctx.db.begin().await?;
        if keep_for_staff(&mut tx, (&username, &email), &step, &m, now).await? {
            queued += 1;
        }
        tx.commit().await?;
    }
    if queued > 0 {
        ctx.jobs_wake.notify_one();
    }
    Ok(queued)
}

/// Queues `alert` to every active administrator with an e-mail address, in the caller's
/// transaction (with the change it reports); how many were new — once per administrator for
/// the alert's step. The caller wakes the job worker after its commit.
pub async fn alert_admins(
    ctx: &Ctx,
    tx: &mut Transaction<'static, Any>,
    alert: &notify::Alert<'_>,
    now: i64,
) -> Result<usize> {
    let m = alert.compose(ctx.public_url.trim_end_matches('/'));
    let step = alert.step();
    let mut queued = 0;
    for (username, email) in db::notifications::admin_addresses(tx).await? {
        if keep_for_staff(tx, (&username, &email), &step, &m, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// An application's messages as staff see them (addresses masked).
pub async fn of_application(
    ctx: &Ctx,
    application_id: i64,
) -> Result<Vec<shared::staff::NotificationView>> {
    let rows = db::notifications::of_application(&ctx.db, application_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let channel = Channel::parse(&r.channel).unwrap_or(Channel::Sms);
            shared::staff::NotificationView {
                step: r.step,
                channel: r.channel,
                to: notify::masked(channel, &r.address),
                subject: r.subject,
                state: r.state,
                attempts: r.attempts,
                last_error: r.last_error,
                queued_at: crate::domain::clock::rfc3339(r.created_at),
                sent_at: r.sent_at.map(crate::domain::clock::rfc3339),
            }
        })
        .collect())
}
