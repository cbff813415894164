//! Webhooks (`domain::webhooks`): a staff account — in practice a machine client — subscribes
//! an address and gets its secret; every instance's worker, each second, delivers the due
//! subscriptions' events — those the owner may see, as the event feed gives them
//! (`service::events`) — one subscription by one instance at a time, in order, each event
//! acknowledged before the next; a failure waits longer each time, and after
//! `MAX_FAILURES` in a row the subscription is dead until sent again. On the record.

use serde_json::json;
use shared::events::{CreatedWebhook, NewWebhook, Redeliver, Webhook};
use shared::staff::Role;

use super::{Ctx, Result, events};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::access::Act;
use crate::domain::clock::{now_unix, rfc3339};
use crate::domain::error::Missing;
use crate::domain::notify::Alert;
use crate::domain::records::{Actor, StaffMember};
use crate::domain::secret_box;
use crate::domain::webhooks::{self, BATCH, LEASE, MAX_FAILURES};

/// What a webhook's secret is sealed for at rest.
const SECRET: &str = "lianban/webhook-secret";

fn view(w: db::webhooks::Webhook, owner: String) -> Webhook {
    Webhook {
        id: w.id,
        owner,
        url: w.url,
        position: w.position,
        state: if w.dead_at.is_some() { "dead" } else { "live" }.into(),
        failures: w.failures,
        last_error: w.last_error,
        delivered: w.delivered,
        created_at: rfc3339(w.created_at),
    }
}

async fn owner_name(ctx: &Ctx, staff_id: i64) -> Result<String> {
    Ok(db::staff::by_id(&ctx.db, staff_id)
        .await?
        .map(|s| s.username)
        .unwrap_or_default())
}

/// Subscribes `req.url` to `staff`'s events from `req.after` (default: from now on).
pub async fn subscribe(ctx: &Ctx, staff: &StaffMember, req: &NewWebhook) -> Result<CreatedWebhook> {
    ctx.access(staff).require(Act::SeeApplications)?;
    let url = webhooks::allowed_address(&req.url, &ctx.webhook_hosts)?;
    let now = now_unix();
    let position = match req.after {
        Some(after) => after.max(0),
        None => db::audit::head(&ctx.db).await?.0,
    };
    let secret = webhooks::new_secret();
    let sealed = secret_box::seal(SECRET, ctx.seal.at_rest(), &secret);
    let mut tx = ctx.db.begin().await?;
    let id = db::webhooks::insert(&mut tx, staff.id, url, &sealed, position, now).await?;
    let subject = format!("webhook {id}");
    let after = json!({ "url": url, "position": position });
    let actor = Actor::Staff(staff);
    let entry = Entry::by(&actor, "webhook.subscribe", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let w = db::webhooks::get(&ctx.db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("webhook {id} vanished"))?;
    Ok(CreatedWebhook {
        webhook: view(w, staff.username.clone()),
        secret,
    })
}

/// One's own subscriptions; an administrator's are everyone's (the dead-letter list too).
pub async fn list(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<Webhook>> {
    ctx.access(staff).require(Act::SeeApplications)?;
    let whose = (staff.role != Role::Admin).then_some(staff.id);
    let mut out = Vec::new();
    for w in db::webhooks::list(&ctx.db, whose).await? {
        let owner = owner_name(ctx, w.staff_id).await?;
        out.push(view(w, owner));
    }
    Ok(out)
}

/// The subscription `id` if `staff` owns it or is an administrator (404 otherwise).
async fn owned(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<db::webhooks::Webhook> {
    ctx.access(staff).require(Act::SeeApplications)?;
    Ok(db::webhooks::get(&ctx.db, id)
        .await?
        .filter(|w| w.staff_id == staff.id || staff.role == Role::Admin)
        .ok_or(Missing::Webhook)?)
}

/// Ends a subscription.
pub async fn remove(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<()> {
    let w = owned(ctx, staff, id).await?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    db::webhooks::remove(&mut tx, w.id).await?;
    let (subject, before) = (format!("webhook {id}"), json!({ "url": w.url }));
    let actor = Actor::Staff(staff);
    let entry = Entry::by(&actor, "webhook.remove", &subject, before, json!(null));
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a subscription again — a dead one alive, from where it stopped or from `after`.
pub async fn redeliver(
    ctx: &Ctx,
    staff: &StaffMember,
    id: i64,
    req: &Redeliver,
) -> Result<Webhook> {
    let w = owned(ctx, staff, id).await?;
    // Sent again only where webhooks may still go (else it would only die again).
    webhooks::allowed_address(&w.url, &ctx.webhook_hosts)?;
    let now = now_unix();
    let position = req.after.map_or(w.position, |a| a.max(0));
    let mut tx = ctx.db.begin().await?;
    db::webhooks::revive(&mut tx, w.id, position, now).await?;
    let subject = format!("webhook {id}");
    let before = json!({ "position": w.position, "dead": w.dead_at.is_some() });
    let after = json!({ "position": position });
    let actor = Actor::Staff(staff);
    let entry = Entry::by(&actor, "webhook.redeliver", &subject, before, after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let w = db::webhooks::get(&ctx.db, id)
        .await?
        .ok_or(Missing::Webhook)?;
    let owner = owner_name(ctx, w.staff_id).await?;
    Ok(view(w, owner))
}

/// Delivers every subscription due at `now` that no other instance holds; how many events
/// were acknowledged.
pub async fn deliver_due(ctx: &Ctx, now: i64) -> Result<usize> {
    let mut sent = 0;
    for w in db::webhooks::due(&ctx.db, now).await? {
        if db::webhooks::claim(&ctx.db, &w, now + LEASE).await? {
            sent += deliver(ctx, &w, now).await?;
        }
    }
    Ok(sent)
}

/// How a batch ended.
enum Batch {
    /// Every event of the page acknowledged; `more` when the page was full.
    Sent { n: usize, more: bool },
    /// Stopped, the next try already set (a failure, the time).
    Stopped { n: usize },
}

/// One subscription's next events, in order, each acknowledged before the next — batch after
/// batch while there are more, within half the lease; its owner, secret and host checked once
/// for the run. The lease is given back only at the
/// end (given back between batches, another instance would send the same events).
async fn deliver(ctx: &Ctx, w: &db::webhooks::Webhook, now: i64) -> Result<usize> {
    let owner = db::staff::by_id(&ctx.db, w.staff_id).await?;
    let Some(staff) = owner.filter(|s| s.active == 1).and_then(|s| s.member()) else {
        // A deactivated account's subscription waits (it goes on if the account comes back).
        db::webhooks::next_try(&ctx.db, w.id, now + webhooks::MAX_WAIT).await?;
        return Ok(0);
    };
    let Some(secret) = secret_box::open(SECRET, ctx.seal.at_rest(), &w.secret_sealed) else {
        let why = "the secret cannot be opened with this server's keys";
        fail(ctx, w, &staff, why, now).await?;
        return Ok(0);
    };
    // The host taken off the administrator's list since: nothing more goes there.
    if !ctx.webhook_hosts.allows(&w.url) {
        let why = "the address's host is no longer among the allowed webhook hosts";
        fail(ctx, w, &staff, why, now).await?;
        return Ok(0);
    }
    let mut w = w.clone();
    let mut sent = 0;
    loop {
        match deliver_batch(ctx, &w, (&staff, &secret), now).await? {
            Batch::Stopped { n } => return Ok(sent + n),
            Batch::Sent { n, more } => {
                sent += n;
                if !more || now_unix() > now + LEASE / 2 {
                    // More waiting: at once, by whichever instance comes first.
                    let next = if more { now_unix() } else { now + 1 };
                    db::webhooks::next_try(&ctx.db, w.id, next).await?;
                    return Ok(sent);
                }
            }
        }
        w = match db::webhooks::get(&ctx.db, w.id).await? {
            Some(again) => again,
            None => return Ok(sent),
        };
    }
}

/// One batch of `w`'s events, as its owner `staff` may see them, signed with `secret`.
async fn deliver_batch(
    ctx: &Ctx,
    w: &db::webhooks::Webhook,
    (staff, secret): (&StaffMember, &str),
    now: i64,
) -> Result<Batch> {
    let page = events::page(ctx, staff, w.position, BATCH).await?;
    let mut n = 0;
    for e in &page.events {
        // Within half the lease: a slow receiver never lets the lease run out mid-run (another
        // instance would take the subscription and send the same events again).
        if now_unix() > now + LEASE / 2 {
            db::webhooks::next_try(&ctx.db, w.id, now_unix()).await?;
            return Ok(Batch::Stopped { n });
        }
        let body = serde_json::to_string(e).map_err(anyhow::Error::from)?;
        let stamp = now_unix();
        let headers = [
            ("webhook-id", e.id.clone()),
            ("webhook-timestamp", stamp.to_string()),
            (
                "webhook-signature",
                webhooks::signature(secret, &e.id, stamp, &body),
            ),
        ];
        // Each acknowledged event is recorded before the next goes: a stop in between sends
        // that one event again (its `webhook-id` the same), never skips one.
        if let Err(error) = crate::notify::post_event(&w.url, &headers, body).await {
            fail(ctx, w, staff, &error, now).await?;
            return Ok(Batch::Stopped { n });
        }
        n += 1;
        db::webhooks::advanced(&ctx.db, w.id, e.position, 1).await?;
    }
    // Everything sent: go on from past what the owner may not see too.
    db::webhooks::advanced(&ctx.db, w.id, page.next.max(w.position), 0).await?;
    let more = page.events.len() as i64 >= BATCH;
    Ok(Batch::Sent { n, more })
}

/// A failed try: the next after a growing wait, or — after `MAX_FAILURES` in a row — dead,
/// on the record and e-mailed to the administrators.
async fn fail(
    ctx: &Ctx,
    w: &db::webhooks::Webhook,
    staff: &StaffMember,
    error: &str,
    now: i64,
) -> Result<()> {
    let failures = w.failures + 1;
    let dead = (failures >= MAX_FAILURES).then_some(now);
    tracing::warn!(
        webhook = w.id,
        failures,
        error,
        dead = dead.is_some(),
        "webhook delivery failed"
    );
    let mut tx = ctx.db.begin().await?;
    db::webhooks::failed(
        &mut tx,
        w.id,
        error,
        now + webhooks::backoff(failures),
        dead,
    )
    .await?;
    let mut told = 0;
    if dead.is_some() {
        let subject = format!("webhook {}", w.id);
        let after = json!({ "failures": failures, "error": error, "owner": staff.username });
        let entry = Entry::by(&Actor::System, "webhook.dead", &subject, json!(null), after);
        audit::append(&mut tx, &entry, now).await?;
        // The administrators told at once, with the console's address to send it again.
        let alert = Alert::WebhookDead {
            id: w.id,
            owner: &staff.username,
            url: &w.url,
            error,
            failures,
            at: now,
        };
        told = super::notifications::alert_admins(ctx, &mut tx, &alert, now).await?;
    }
    tx.commit().await?;
    if told > 0 {
        ctx.jobs_wake.notify_one();
    }
    Ok(())
}

/// An instance's webhook deliverer, until the process ends: each second, the due ones.
pub async fn worker(ctx: Ctx) {
    loop {
        if let Err(e) = deliver_due(&ctx, now_unix()).await {
            tracing::warn!(error = %e, "webhooks not delivered");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
