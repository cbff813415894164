//! Working days: Monday to Friday, minus official public holidays, plus the weekends declared
//! make-up working days (调休). The arrangement is data (`catalogue/calendar.toml`), one entry
//! a year, added by an administrator when the State Council publishes it each November.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

use crate::date::parse_iso_date;

/// One year's official arrangement, as the data file writes it. Each entry of `holidays` is a
/// date (`2026-04-04`) or an inclusive range (`2026-02-15..2026-02-23`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearArrangement {
    pub year: i32,
    /// Where it was published (the State Council notice).
    #[serde(default)]
    pub source: String,
    pub holidays: Vec<String>,
    #[serde(default)]
    pub make_up_workdays: Vec<String>,
}

/// The working-day calendar of the years it knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
    years: BTreeSet<i32>,
}

/// A malformed or contradictory arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError(pub String);

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_days(entry: &str, year: i32) -> Result<Vec<Date>, CalendarError> {
    let bad = |why: &str| CalendarError(format!("year {year}: `{entry}`: {why}"));
    let (from, to) = match entry.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (entry.trim(), entry.trim()),
    };
    let from = parse_iso_date(from).ok_or_else(|| bad("not a date (YYYY-MM-DD)"))?;
    let to = parse_iso_date(to).ok_or_else(|| bad("not a date (YYYY-MM-DD)"))?;
    if to < from || (to - from).whole_days() > 31 {
        return Err(bad("a range runs forwards and spans at most a month"));
    }
    let mut days = Vec::new();
    let mut d = from;
    while d <= to {
        days.push(d);
        d += Duration::DAY;
    }
    Ok(days)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl Calendar {
    /// Builds the calendar, refusing duplicates, a make-up workday on a weekday and a day that
    /// is both a holiday and a make-up workday.
    pub fn new(years: &[YearArrangement]) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        for y in years {
            if !cal.years.insert(y.year) {
                return Err(CalendarError(format!("year {} is listed twice", y.year)));
            }
            for entry in &y.holidays {
                cal.holidays.extend(parse_days(entry, y.year)?);
            }
            for entry in &y.make_up_workdays {
                for d in parse_days(entry, y.year)? {
                    if !is_weekend(d) {
                        return Err(CalendarError(format!(
                            "year {}: make-up workday {entry} is not a weekend day",
                            y.year
                        )));
                    }
                    if cal.holidays.contains(&d) {
                        return Err(CalendarError(format!(
                            "year {}: {entry} is both a holiday and a workday",
                            y.year
                        )));
                    }
                    cal.workdays.insert(d);
                }
            }
        }
        Ok(cal)
    }

    /// Does the calendar know the official arrangement of `year`?
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        self.workdays.contains(&d) || (!is_weekend(d) && !self.holidays.contains(&d))
    }

    /// The next working day strictly after `d`.
    pub fn next_working_day(&self, mut d: Date) -> Date {
        loop {
            d += Duration::DAY;
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// The last day of a limit of `days` working days counted from the working day after
    /// `accepted` (行政许可法 art. 82: the day of acceptance does not count). A limit of zero
    /// days (on the spot) is due on the day of acceptance.
    pub fn due_date(&self, accepted: Date, days: u32) -> Date {
        let mut d = accepted;
        for _ in 0..days {
            d = self.next_working_day(d);
        }
        d
    }

    /// Working days in `from..to` (`from` included, `to` not): how long a clock stood still
    /// when it was paused on `from` and resumed on `to`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            if self.is_working_day(d) {
                n += 1;
            }
            d += Duration::DAY;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y2026() -> YearArrangement {
        YearArrangement {
            year: 2026,
            source: String::new(),
            holidays: [
                "2026-01-01..2026-01-03",
                "2026-02-15..2026-02-23",
                "2026-04-04..2026-04-06",
                "2026-05-01..2026-05-05",
                "2026-06-19..2026-06-21",
                "2026-09-25..2026-09-27",
                "2026-10-01..2026-10-07",
            ]
            .map(String::from)
            .to_vec(),
            make_up_workdays: [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    fn d(s: &str) -> Date {
        parse_iso_date(s).expect("date")
    }

    #[test]
    fn a_five_day_limit_runs_through_the_national_day_week_and_the_make_up_saturday() {
        let cal = Calendar::new(&[y2026()]).expect("calendar");
        // Accepted Thursday 24 September: Fri 25 – Sun 27 holiday, Mon 28, Tue 29, Wed 30,
        // 1–7 October holiday, Thu 8, Fri 9: the fifth working day is Friday 9 October.
        assert_eq!(cal.due_date(d("2026-09-24"), 5), d("2026-10-09"));
        // A sixth day falls on the make-up Saturday 10 October.
        assert_eq!(cal.due_date(d("2026-09-24"), 6), d("2026-10-10"));
        assert!(cal.is_working_day(d("2026-09-20")), "make-up Sunday");
        assert!(!cal.is_working_day(d("2026-10-05")));
        assert_eq!(cal.due_date(d("2026-09-24"), 0), d("2026-09-24"));
    }

    #[test]
    fn the_spring_festival_pauses_a_limit() {
        let cal = Calendar::new(&[y2026()]).expect("calendar");
        // Accepted Friday 13 February: Sat 14 is a make-up workday, then 15–23 off.
        assert_eq!(cal.due_date(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(cal.due_date(d("2026-02-13"), 2), d("2026-02-24"));
    }

    #[test]
    fn a_pause_counts_only_working_days_across_holidays_and_make_up_days() {
        let cal = Calendar::new(&[y2026()]).expect("calendar");
        // Paused Wed 30 Sep, resumed Mon 12 Oct: 30 Sep, 8, 9 and the make-up Sat 10 Oct.
        assert_eq!(
            cal.working_days_between(d("2026-09-30"), d("2026-10-12")),
            4
        );
        assert_eq!(
            cal.working_days_between(d("2026-10-01"), d("2026-10-08")),
            0
        );
        assert_eq!(
            cal.working_days_between(d("2026-10-12"), d("2026-10-12")),
            0
        );
        // A 5-day limit from 24 Sep paused for those 4 days is due 4 working days later.
        assert_eq!(cal.due_date(d("2026-09-24"), 5 + 4), d("2026-10-14"));
    }

    #[test]
    fn contradictions_are_refused() {
        let mut y = y2026();
        y.make_up_workdays.push("2026-03-03".into());
        assert!(
            Calendar::new(&[y])
                .expect_err("weekday")
                .0
                .contains("not a weekend day")
        );
        let mut y = y2026();
        y.holidays.push("2026-02-14".into());
        assert!(Calendar::new(&[y]).expect_err("both").0.contains("both"));
        assert!(Calendar::new(&[y2026(), y2026()]).is_err());
        let mut y = y2026();
        y.holidays.push("2026-02-30".into());
        assert!(Calendar::new(&[y]).is_err());
    }
}
