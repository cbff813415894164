//! The county's time: the bureau works in China Standard Time (UTC+8), so "today" and the day
//! in an application number are Beijing dates, whatever the server's timezone.

use time::{Date, OffsetDateTime, UtcOffset};

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

#[cfg(test)]
mod tests {
    use super::*;

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
