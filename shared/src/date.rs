//! Calendar dates as the forms and the API write them: `YYYY-MM-DD`.

use time::{Date, Month};

/// Parses a strict `YYYY-MM-DD` into a real calendar date (no 30 February).
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
    Date::from_calendar_date(digits(0..4)? as i32, month, digits(8..10)? as u8).ok()
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
