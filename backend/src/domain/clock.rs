//! The county's time: the bureau works in China Standard Time (UTC+8), so "today" and the day
//! in an application number are Beijing dates, whatever the server's timezone. And an item's
//! clock: its limit in working days from acceptance, the days it stood still added.

use shared::calendar::Calendar;
use time::{Date, OffsetDateTime, UtcOffset};

use super::records::Item;

/// China Standard Time.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The Beijing date at a Unix time.
pub fn county_date(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(CST)
        .date()
}

/// The Unix time at which `date` begins in the county.
pub fn county_start(date: Date) -> i64 {
    date.midnight().assume_offset(CST).unix_timestamp()
}

/// RFC 3339 in UTC, e.g. `2026-11-28T01:02:03Z`.
pub fn rfc3339(unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        shared::date::format_iso_date(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Beijing time to the minute, as people read it: `2026-11-28 14:15 (UTC+8)`.
pub fn county_minute(unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(CST);
    format!(
        "{} {:02}:{:02} (UTC+8)",
        shared::date::format_iso_date(t.date()),
        t.hour(),
        t.minute()
    )
}

/// Working days something due on `due` (the last day allowed) is late on `today`: the working
/// days after it up to today included; `None` when not late (a weekend after a Friday due day
/// is late by 0 working days).
pub fn days_late(due: Date, today: Date, calendar: &Calendar) -> Option<u32> {
    (today > due).then(|| {
        calendar.working_days_between(due + time::Duration::DAY, today + time::Duration::DAY)
    })
}

/// The last working day of an item's limit of `limit_days`: counted from acceptance, the
/// working days it stood still added. `None` before acceptance, while paused, and once decided.
pub fn due_on(item: &Item, limit_days: u32, calendar: &Calendar) -> Option<Date> {
    if item.paused_since.is_some() || item.status.is_final() {
        return None;
    }
    let accepted = item.accepted_on?;
    Some(calendar.due_date(accepted, limit_days + item.paused_days))
}

/// Working days an item's clock has stood still up to `today`: those counted before and, while
/// it is paused, those since.
pub fn paused_total(item: &Item, calendar: &Calendar, today: Date) -> u32 {
    let pending = item
        .paused_since
        .map_or(0, |since| calendar.working_days_between(since, today));
    item.paused_days + pending
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use shared::records::Decision;
    use shared::status::SubStatus;

    pub(crate) fn date(s: &str) -> Date {
        shared::date::parse_iso_date(s).expect("date")
    }

    /// The shipped calendar (2025 and 2026).
    pub(crate) fn calendar() -> Calendar {
        let text = include_str!("../../../catalogue/calendar.toml");
        #[derive(serde::Deserialize)]
        struct File {
            calendar: Vec<shared::calendar::YearArrangement>,
        }
        let file: File = toml::from_str(text).expect("calendar.toml");
        Calendar::new(&file.calendar).expect("calendar")
    }

    pub(crate) fn item(status: SubStatus) -> Item {
        Item {
            id: 7,
            application_id: 1,
            number: "LB-20260924-0001".into(),
            item: "food_business_permit".into(),
            department: "samr".into(),
            status,
            version: 3,
            accepted_on: Some(date("2026-09-24")),
            paused_since: None,
            paused_days: 0,
            decision: Decision::default(),
            inspection_id: None,
            updated_at: 0,
            assignee: None,
        }
    }

    #[test]
    fn an_items_limit_runs_in_working_days_and_stands_still_while_paused() {
        let cal = calendar();
        let mut i = item(SubStatus::Accepted);
        // Accepted on Thursday 24 September 2026, five working days: across Mid-Autumn
        // (25–27 September) and National Day (1–7 October).
        let due = due_on(&i, 5, &cal).expect("due");
        assert_eq!(shared::date::format_iso_date(due), "2026-10-09");
        // Paused on the 29th, resumed on 9 October: 29 and 30 September and 8 October stood
        // still; the make-up Saturday of 10 October counts.
        i.paused_since = Some(date("2026-09-29"));
        assert_eq!(due_on(&i, 5, &cal), None, "no date while paused");
        let stood = paused_total(&i, &cal, date("2026-10-09"));
        assert_eq!(stood, 3);
        i.paused_since = None;
        i.paused_days = stood;
        assert_eq!(
            due_on(&i, 5, &cal)
                .map(shared::date::format_iso_date)
                .as_deref(),
            Some("2026-10-13")
        );
        i.status = SubStatus::Approved;
        assert_eq!(due_on(&i, 5, &cal), None, "no date once decided");
        i.status = SubStatus::Submitted;
        i.accepted_on = None;
        assert_eq!(due_on(&i, 5, &cal), None, "no date before acceptance");
    }

    #[test]
    fn a_minute_in_beijing() {
        assert_eq!(county_minute(1_795_850_100), "2026-11-28 15:15 (UTC+8)");
    }

    #[test]
    fn the_county_day_turns_at_beijing_midnight() {
        // 2026-11-27T16:00:00Z is midnight in Beijing.
        let midnight = 1_795_795_200;
        assert_eq!(
            shared::date::format_iso_date(county_date(midnight - 1)),
            "2026-11-27"
        );
        assert_eq!(
            shared::date::format_iso_date(county_date(midnight)),
            "2026-11-28"
        );
        assert_eq!(rfc3339(midnight), "2026-11-27T16:00:00Z");
    }
}
