//! The staff's one worklist: a page of applications or items as this staff member may see them
//! (a reviewer: their department's), with business names, items and how near each deadline is;
//! saved views; and handing items to reviewers (on the record).

use std::collections::HashMap;

use serde_json::json;
use shared::worklist::{Assign, Kind, Page, Row, RowItem, SavedView};

use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::worklist::Days;
use crate::domain::access::Act;
use crate::domain::clock::{county_start, rfc3339};
use crate::domain::error::{Invalid, Missing};
use crate::domain::records::{Actor, Application, IntakeStatus, Item, StaffMember};
use crate::domain::worklist::{self as rules, Cursor, Query, Sort};

/// One page of the worklist for `staff`.
pub async fn page(ctx: &Ctx, staff: &StaffMember, q: &Query) -> Result<Page> {
    ctx.access(staff).require(Act::SeeApplications)?;
    let f = rules::filter(q, staff)?;
    let (_, today) = now_and_today();
    let days = Days {
        today: shared::date::format_iso_date(today),
        soon: shared::date::format_iso_date(rules::soon(today, &ctx.calendar)),
        filed_from: f.filed_from.map(county_start),
        filed_until: f.filed_to.and_then(|d| d.next_day()).map(county_start),
    };
    let mut found = match f.kind {
        Kind::Items => db::worklist::items(&ctx.db, &f, &days, &staff.username).await?,
        Kind::Applications => {
            db::worklist::applications(&ctx.db, &f, &days, &staff.username).await?
        }
    };
    let more = found.len() > f.limit as usize;
    found.truncate(f.limit as usize);
    let next = found.last().filter(|_| more).map(|(id, _, due, at)| {
        match f.sort {
            Sort::Due => Cursor::Due {
                due: due.clone(),
                id: *id,
            },
            Sort::Filed | Sort::FiledDesc => Cursor::Filed { at: *at, id: *id },
        }
        .text()
    });
    let app_ids: Vec<i64> = found.iter().map(|(_, app, _, _)| *app).collect();
    let apps: HashMap<i64, Application> = db::applications::by_ids(&ctx.db, &app_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let access = ctx.access(staff);
    let items: Vec<Item> = match f.kind {
        Kind::Items => {
            let ids: Vec<i64> = found.iter().map(|(id, _, _, _)| *id).collect();
            db::items::by_ids(&ctx.db, &ids).await?
        }
        Kind::Applications => db::items::of_applications(&ctx.db, &app_ids).await?,
    };
    let visible: Vec<&Item> = items
        .iter()
        .filter(|i| access.item(&i.department))
        .collect();
    let rows = found
        .iter()
        .filter_map(|(id, app, _, _)| {
            let a = apps.get(app)?;
            let of_row: Vec<&Item> = match f.kind {
                Kind::Items => visible.iter().copied().filter(|i| i.id == *id).collect(),
                Kind::Applications => visible
                    .iter()
                    .copied()
                    .filter(|i| i.application_id == a.id)
                    .collect(),
            };
            Some(row(ctx, a, &of_row, today))
        })
        .collect();
    Ok(Page {
        kind: f.kind,
        rows,
        next,
    })
}

fn row(ctx: &Ctx, a: &Application, items: &[&Item], today: time::Date) -> Row {
    Row {
        number: a.number.clone(),
        business_name: a.answer("business.name").to_string(),
        bundle_name: ctx.catalogue.bundle_name(&a.bundle).unwrap_or_default(),
        intake: a.intake,
        returned: a.intake == IntakeStatus::Submitted && a.notice.reply.is_some(),
        submitted_at: rfc3339(a.submitted_at),
        items: items
            .iter()
            .map(|i| {
                let due = views::due(ctx, i);
                let due_date = due.as_deref().and_then(shared::date::parse_iso_date);
                RowItem {
                    id: i.id,
                    name: ctx
                        .catalogue
                        .item(&i.item)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    item: i.item.clone(),
                    department: i.department.clone(),
                    status: i.status,
                    version: i.version,
                    deadline: rules::deadline(i, due_date, today, &ctx.calendar),
                    due_on: due,
                    assignee: i.assignee.clone(),
                }
            })
            .collect(),
    }
}

/// Hands items to a reviewer (`to`), or to nobody: each as the rules allow (a reviewer takes
/// or releases for themself), each on the record, all or none.
pub async fn assign(ctx: &Ctx, staff: &StaffMember, req: &Assign) -> Result<usize> {
    if req.items.is_empty() || req.items.len() > 100 {
        return Err(Invalid::Worklist("items").into());
    }
    let to = match req.to.as_deref() {
        Some(name) => Some(
            db::staff::by_username(&ctx.db, name)
                .await?
                .and_then(|r| r.member())
                .ok_or(Missing::Account)?,
        ),
        None => None,
    };
    let items = db::items::by_ids(&ctx.db, &req.items).await?;
    let access = ctx.access(staff);
    if items.len() != req.items.len() || items.iter().any(|i| !access.item(&i.department)) {
        return Err(Missing::Item.into());
    }
    for i in &items {
        rules::may_assign(staff, &i.department, i.assignee.as_deref(), to.as_ref())?;
    }
    let (now, _) = now_and_today();
    let actor = Actor::Staff(staff);
    let mut tx = ctx.db.begin().await?;
    for i in &items {
        let target = to.as_ref().map(|t| t.username.as_str());
        if !db::worklist::assign(&mut tx, i.id, i.assignee.as_deref(), target).await? {
            return Err(crate::domain::Error::Stale.into());
        }
        let subject = i.subject();
        let entry = Entry::by(
            &actor,
            "item.assign",
            &subject,
            json!({ "assignee": i.assignee }),
            json!({ "assignee": target, "application": i.number }),
        );
        audit::append(&mut tx, &entry, now).await?;
    }
    tx.commit().await?;
    Ok(items.len())
}

/// This staff member's saved views.
pub async fn views_of(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<SavedView>> {
    Ok(db::worklist::views(&ctx.db, staff.id)
        .await?
        .into_iter()
        .map(|(id, name, query)| SavedView { id, name, query })
        .collect())
}

/// Saves a view under its name (replacing one of the same name). The query must be one the
/// worklist takes; twenty views at most.
pub async fn save_view(ctx: &Ctx, staff: &StaffMember, v: &SavedView) -> Result<SavedView> {
    let name = v.name.trim();
    rules::filter(&query_of(&v.query)?, staff)?;
    let existing = db::worklist::views(&ctx.db, staff.id).await?;
    let replaces = existing.iter().any(|(_, n, _)| n == name);
    if name.is_empty() || name.chars().count() > 40 || v.query.len() > 500 {
        return Err(Invalid::SavedView.into());
    }
    if !replaces && existing.len() >= 20 {
        return Err(Invalid::SavedView.into());
    }
    let (now, _) = now_and_today();
    let mut tx = ctx.db.begin().await?;
    let id = db::worklist::save_view(&mut tx, staff.id, name, &v.query, now).await?;
    tx.commit().await?;
    Ok(SavedView {
        id,
        name: name.to_string(),
        query: v.query.clone(),
    })
}

/// Removes one of this staff member's views (anyone else's does not exist for them).
pub async fn delete_view(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    if !db::worklist::delete_view(&mut tx, staff.id, id).await? {
        return Err(Missing::View.into());
    }
    tx.commit().await?;
    Ok(())
}

/// A query string (`kind=items&due=overdue`) read as the worklist reads its query.
fn query_of(text: &str) -> Result<Query> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    Ok(Query::from_pairs(&pairs)?)
}

/// Keeps what the worklist finds and orders by for data from before it: the due date of open
/// items, the name pairs of applications. How many rows it kept.
pub async fn keep_indexes(ctx: &Ctx) -> Result<usize> {
    let ids = db::worklist::without_due(&ctx.db).await?;
    let items = db::items::by_ids(&ctx.db, &ids).await?;
    let names = db::worklist::without_grams(&ctx.db).await?;
    let mut tx = ctx.db.begin().await?;
    for i in &items {
        db::worklist::set_due(&mut tx, i.id, views::due(ctx, i).as_deref()).await?;
    }
    for (id, name) in &names {
        db::worklist::keep_grams(&mut tx, *id, &rules::grams(name)).await?;
    }
    tx.commit().await?;
    Ok(items.len() + names.len())
}
