//! The bureau's own measurement: the statistics of a period (for the leadership and the
//! administrator, every department's), the same tables exported, the county's public reform
//! figures, and the applicant's rating of the service (问效于企).

use serde_json::json;
use shared::Lang;
use shared::date::{format_iso_date, parse_iso_date};
use shared::statistics::{
    DeliverySummary, OverdueItem, RatingComment, RatingRequest, RatingSummary, RefusalRow,
    Statistics, StatisticsQuery,
};
use time::{Date, Duration};

use super::{Ctx, Result, now_and_today};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::statistics::Filter;
use crate::domain::access::Act;
use crate::domain::clock::{county_date, days_late};
use crate::domain::error::{Conflict, Invalid};
use crate::domain::records::{Actor, StaffMember};
use crate::domain::statistics::tables;

/// The longest lists a view shows.
const OVERDUE_LIMIT: i64 = 100;
const REFUSALS_LIMIT: i64 = 50;
const COMMENTS_LIMIT: i64 = 20;
/// The longest comment of a rating, in characters.
pub const COMMENT_MAX: usize = 500;

/// The first day of the month eleven months before `today`'s: a year of months by default.
fn year_back(today: Date) -> Date {
    let (mut y, mut m) = (today.year(), today.month() as i32 - 11);
    if m < 1 {
        m += 12;
        y -= 1;
    }
    time::Month::try_from(m as u8)
        .ok()
        .and_then(|m| Date::from_calendar_date(y, m, 1).ok())
        .unwrap_or(today - Duration::days(365))
}

/// The query checked against the catalogue, its period filled in (a year of months to today
/// by default), as the database's filter.
pub fn filter(ctx: &Ctx, q: &StatisticsQuery, today: Date) -> Result<(StatisticsQuery, Filter)> {
    let day = |v: &Option<String>, field, default: Date| match v.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => parse_iso_date(s).ok_or(Invalid::Statistics(field)),
    };
    let from = day(&q.from, "from", year_back(today))?;
    let to = day(&q.to, "to", today)?;
    if from > to {
        return Err(Invalid::Statistics("from").into());
    }
    let known = |v: &Option<String>, field, ok: &dyn Fn(&str) -> bool| match v
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(String::new()),
        Some(s) if ok(s) => Ok(s.to_string()),
        Some(_) => Err(Invalid::Statistics(field)),
    };
    let department = known(&q.department, "department", &|s| {
        ctx.catalogue.department(s).is_some()
    })?;
    let bundle = known(&q.bundle, "bundle", &|s| ctx.view(s).is_some())?;
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let query = StatisticsQuery {
        from: Some(format_iso_date(from)),
        to: Some(format_iso_date(to)),
        department: opt(&department),
        bundle: opt(&bundle),
    };
    let f = Filter {
        from: format_iso_date(from),
        to: format_iso_date(to),
        department,
        bundle,
    };
    Ok((query, f))
}

/// Everything measured in a period, by anyone (the public page) or staff (checked first).
async fn measure(ctx: &Ctx, q: &StatisticsQuery, lang: Lang) -> Result<Statistics> {
    let (_, today) = now_and_today();
    let (query, f) = filter(ctx, q, today)?;
    let today_text = format_iso_date(today);
    // What changed since the last reading, into the totals first: the figures are current.
    db::statistics::fold(&ctx.db).await?;
    let tallies = db::statistics::tallies(&ctx.db, &f, &today_text).await?;
    let mut t = tables(&tallies, &ctx.catalogue, lang);
    // The window's correction notices are no department's: not counted for one.
    if f.department.is_empty() {
        let mut all = 0;
        for (bundle, n) in db::statistics::corrections(&ctx.db, &f).await? {
            let n = u64::try_from(n).unwrap_or(0);
            all += n;
            if let Some(row) = t.by_bundle.iter_mut().find(|r| r.key == bundle) {
                row.correction_rounds = Some(n);
            }
        }
        t.overall.correction_rounds = Some(all);
    }
    let overdue = db::statistics::overdue(&ctx.db, &f, &today_text, OVERDUE_LIMIT)
        .await?
        .into_iter()
        .map(|r| OverdueItem {
            days_late: parse_iso_date(&r.day)
                .and_then(|due| days_late(due, today, &ctx.calendar))
                .unwrap_or(0),
            application: r.number,
            item: r.item,
            department: r.department,
            due_on: r.day,
        })
        .collect();
    let refusals = db::statistics::refusals(&ctx.db, &f, REFUSALS_LIMIT)
        .await?
        .into_iter()
        .map(|r| RefusalRow {
            reason: r.reason(),
            application: r.number,
            item: r.item,
            department: r.department,
            decided_on: r.day,
        })
        .collect();
    let mut deliveries = DeliverySummary::default();
    let mut days = std::collections::BTreeMap::<u32, u64>::new();
    for (way, d, n) in
        db::deliveries::tally(&ctx.db, &f.from, &f.to, &f.department, &f.bundle).await?
    {
        let n = u64::try_from(n).unwrap_or(0);
        deliveries.delivered += n;
        match way.as_str() {
            "paper" => deliveries.paper += n,
            _ => deliveries.electronic += n,
        }
        *days.entry(u32::try_from(d).unwrap_or(0)).or_default() += n;
    }
    deliveries.median_days = crate::domain::statistics::median(&days);
    deliveries.p90_days = crate::domain::statistics::nearest_rank(&days, 90);
    Ok(Statistics {
        deliveries,
        query,
        today: today_text,
        overall: t.overall,
        by_item: t.by_item,
        by_department: t.by_department,
        by_bundle: t.by_bundle,
        by_month: t.by_month,
        against_promise: t.against_promise,
        overdue,
        refusals,
        ratings: ratings(ctx, &f).await?,
    })
}

/// 问效于企: the period's ratings.
async fn ratings(ctx: &Ctx, f: &Filter) -> Result<RatingSummary> {
    let mut s = RatingSummary::default();
    let mut total = 0u64;
    for (score, n) in db::statistics::scores(&ctx.db, f).await? {
        let (Ok(i), Ok(n)) = (usize::try_from(score - 1), u64::try_from(n)) else {
            continue;
        };
        if let Some(slot) = s.by_score.get_mut(i) {
            *slot += n;
            s.count += n;
            total += n * (i as u64 + 1);
        }
    }
    // Floored to two decimals: never rounded up.
    s.average = (s.count > 0).then(|| (total * 100 / s.count) as f32 / 100.0);
    s.comments = db::statistics::comments(&ctx.db, f, COMMENTS_LIMIT)
        .await?
        .into_iter()
        .map(|(score, at, comment)| RatingComment {
            score: u8::try_from(score).unwrap_or(0),
            rated_on: format_iso_date(county_date(at)),
            comment,
        })
        .collect();
    Ok(s)
}

/// The statistics of a period, for those who may see them.
pub async fn statistics(
    ctx: &Ctx,
    staff: &StaffMember,
    q: &StatisticsQuery,
    lang: Lang,
) -> Result<Statistics> {
    ctx.access(staff).require(Act::SeeStatistics)?;
    measure(ctx, q, lang).await
}

/// The statistics for an export: the same, and the export on the record (who took what).
pub async fn export(
    ctx: &Ctx,
    staff: &StaffMember,
    q: &StatisticsQuery,
    table: &str,
    lang: Lang,
) -> Result<Statistics> {
    let s = statistics(ctx, staff, q, lang).await?;
    let actor = Actor::Staff(staff);
    let entry = Entry::by(
        &actor,
        "statistics.export",
        "statistics",
        json!(null),
        json!({ "table": table, "query": s.query }),
    );
    audit::record(&ctx.db, &entry, crate::domain::clock::now_unix()).await?;
    Ok(s)
}

/// The county's figures for the public results page: every bundle, a year of months, no
/// application named (the lists stay empty).
pub async fn public(ctx: &Ctx, lang: Lang) -> Result<Statistics> {
    let mut s = measure(ctx, &StatisticsQuery::default(), lang).await?;
    s.overdue.clear();
    s.refusals.clear();
    s.ratings.comments.clear();
    Ok(s)
}

/// The applicant rates the service once every item is decided (again: the new rating
/// replaces the old).
pub async fn rate(ctx: &Ctx, number: &str, token: Option<&str>, req: &RatingRequest) -> Result<()> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    if !(1..=5).contains(&req.score) {
        return Err(Invalid::Rating("score").into());
    }
    let comment = req.comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        return Err(Invalid::Rating("comment").into());
    }
    let items = db::items::of_application(&ctx.db, app.id).await?;
    if items.is_empty() || !items.iter().all(|i| i.status.is_final()) {
        return Err(Conflict::NotAllDecided.into());
    }
    let departments: Vec<&str> = items.iter().map(|i| i.department.as_str()).collect();
    let now = crate::domain::clock::now_unix();
    let mut tx = ctx.db.begin().await?;
    db::statistics::rate(&mut tx, app.id, &departments, req.score, comment, now).await?;
    let subject = app.subject();
    let entry = Entry::by(
        &Actor::Applicant,
        "application.rated",
        &subject,
        json!(null),
        json!({ "score": req.score }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_period_is_a_year_of_whole_months() {
        let d = |s| parse_iso_date(s).expect("date");
        assert_eq!(year_back(d("2026-12-04")), d("2026-01-01"));
        assert_eq!(year_back(d("2026-03-31")), d("2025-04-01"));
        assert_eq!(year_back(d("2026-11-01")), d("2025-12-01"));
    }
}
