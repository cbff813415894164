//! The event feed (`domain::events`): the audit log — written with every change, in its
//! transaction — read after a position, as the caller may see it: each application the entries
//! touch is read through the access policy, and its history (`service::history`, the very
//! filter of the history page) gives the events. A machine client follows its department's
//! items this way; a long poll waits for the next one.

use std::time::Duration;

use shared::events::{CloudEvent, EventPage};

use super::{Ctx, Result, backoffice, history};
use crate::db;
use crate::domain::access::Act;
use crate::domain::error::Error as Refusal;
use crate::domain::events::{self, MAX_WAIT, SCAN, Subject};
use crate::domain::records::StaffMember;

/// The application number an entry's subject belongs to, if the feed follows it.
async fn number_of(ctx: &Ctx, subject: &str) -> Result<Option<String>> {
    Ok(match Subject::of(subject) {
        Subject::Application(n) => Some(n.to_string()),
        Subject::Item(id) => db::items::item(&ctx.db, id).await?.map(|i| i.number),
        Subject::Inspection(id) => db::items::of_inspection(&ctx.db, id)
            .await?
            .pop()
            .map(|i| i.number),
        Subject::Other => None,
    })
}

/// The events after `after` that `staff` may see, at most `limit`, and where to go on from.
pub async fn page(ctx: &Ctx, staff: &StaffMember, after: i64, limit: i64) -> Result<EventPage> {
    let access = ctx.access(staff);
    access.require(Act::SeeApplications)?;
    let limit = limit.clamp(1, events::MAX_PAGE) as usize;
    let rows = db::audit::after(&ctx.db, after, SCAN).await?;
    let scanned_to = rows.last().map_or(after, |r| r.0);
    // The applications the entries touch, once each (the events are put in order below).
    let mut subjects: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut numbers = Vec::new();
    for s in subjects {
        if let Some(n) = number_of(ctx, s).await?
            && !numbers.contains(&n)
        {
            numbers.push(n);
        }
    }
    let source = format!("{}/api/events", ctx.public_url.trim_end_matches('/'));
    let mut given: Vec<CloudEvent> = Vec::new();
    for n in numbers {
        let (app, items) = match backoffice::load(ctx, &access, &n).await {
            Ok(found) => found,
            // Not theirs to see: none of its events.
            Err(super::Error::Refused(Refusal::NotFound(_))) => continue,
            Err(e) => return Err(e),
        };
        let entries = history::entries(ctx, &app, &items, Some(&access)).await?;
        given.extend(
            entries
                .into_iter()
                .filter(|e| e.seq > after && e.seq <= scanned_to)
                .map(|e| events::cloud_event(&source, &n, e)),
        );
    }
    given.sort_by_key(|e| e.position);
    given.truncate(limit);
    let next = events::next(&given, limit, scanned_to);
    Ok(EventPage {
        events: given,
        next,
    })
}

/// `page`, waiting up to `wait` seconds (at most [`MAX_WAIT`]) for an event when there is none
/// yet — asking the database each second, so an event committed by any instance is seen.
pub async fn wait_for(
    ctx: &Ctx,
    staff: &StaffMember,
    after: i64,
    limit: i64,
    wait: u64,
) -> Result<EventPage> {
    let until = tokio::time::Instant::now() + Duration::from_secs(wait.min(MAX_WAIT));
    let mut from = after;
    loop {
        let p = page(ctx, staff, from, limit).await?;
        if !p.events.is_empty() || tokio::time::Instant::now() >= until {
            return Ok(p);
        }
        from = p.next;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
