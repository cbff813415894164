//! Calendar dates as the forms and the API write them: `YYYY-MM-DD`.

use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

/// The county's offset from UTC: China Standard Time, UTC+8, all year.
pub const COUNTY_OFFSET_HOURS: i8 = 8;

/// The years the service counts in: a date outside them is refused as any impossible date is
/// (no working-day arithmetic runs off the end of the calendar type).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Parses a strict `YYYY-MM-DD` into a real calendar date (no 30 February) within [`YEARS`].
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let month = Month::try_from(digits(5..7)? as u8).ok()?;
    let year = digits(0..4)? as i32;
    if !YEARS.contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, month, digits(8..10)? as u8).ok()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The same day `years` later — the last day of a permit's validity; 29 February becomes
/// 28 February in a common year.
pub fn years_later(d: Date, years: u32) -> Option<Date> {
    let year = d.year().checked_add(i32::try_from(years).ok()?)?;
    d.replace_year(year)
        .or_else(|_| Date::from_calendar_date(year, d.month(), d.day() - 1))
        .ok()
}

/// A time the API gives (`2026-11-28T07:15:00Z`, RFC 3339 in UTC) as people in the county read
/// it, whatever the reader's own clock says: `2026-11-28 15:15`. `None` for any other text.
pub fn county_time(rfc3339: &str) -> Option<String> {
    let b = rfc3339.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u8> {
        let part = &rfc3339[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let time = Time::from_hms(n(11..13)?, n(14..16)?, n(17..19)?).ok()?;
    let offset = UtcOffset::from_hms(COUNTY_OFFSET_HOURS, 0, 0).ok()?;
    let local = PrimitiveDateTime::new(parse_iso_date(&rfc3339[..10])?, time)
        .assume_utc()
        .to_offset(offset);
    Some(format!(
        "{} {:02}:{:02}",
        format_iso_date(local.date()),
        local.hour(),
        local.minute()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_times_read_in_the_county_s_time() {
        assert_eq!(
            county_time("2026-11-28T07:15:09Z").as_deref(),
            Some("2026-11-28 15:15")
        );
        // Past Beijing midnight the date turns.
        assert_eq!(
            county_time("2026-12-31T16:00:00Z").as_deref(),
            Some("2027-01-01 00:00")
        );
        assert_eq!(county_time("2026-11-28 07:15:09"), None);
        assert_eq!(county_time("2026-02-30T07:15:09Z"), None);
    }

    #[test]
    fn a_validity_in_years_keeps_the_day_or_the_end_of_february() {
        let d = |s| parse_iso_date(s).expect("date");
        assert_eq!(years_later(d("2026-11-28"), 5), Some(d("2031-11-28")));
        assert_eq!(years_later(d("2028-02-29"), 5), Some(d("2033-02-28")));
        assert_eq!(years_later(d("2028-02-29"), 4), Some(d("2032-02-29")));
    }

    #[test]
    fn only_real_dates_parse() {
        let d = parse_iso_date("2026-02-28").expect("valid");
        assert_eq!(format_iso_date(d), "2026-02-28");
        assert!(parse_iso_date("2026-02-29").is_none());
        assert!(parse_iso_date("2026-2-28").is_none());
        assert!(parse_iso_date("2026-13-01").is_none());
        assert!(parse_iso_date("2026/02/28").is_none());
        assert!(
            parse_iso_date("9999-12-31").is_none(),
            "beyond the years counted"
        );
        assert!(parse_iso_date("1899-12-31").is_none());
        assert!(parse_iso_date("2199-12-31").is_some());
    }
}
