//! The bureau's measurement, on plain types: an item's measure when it is decided (actual
//! working days by the official calendar, the days its clock stood still excluded; on time or
//! not), and the tables built from the database's tallies — volumes, medians and 90th
//! percentiles, on-time shares, the plan's cut measured next to the promised one.

use std::collections::BTreeMap;

use shared::Lang;
use shared::calendar::Calendar;
use shared::catalogue::Catalogue;
use shared::figures::{average_cut, floor_percent};
use shared::statistics::{DaysAgainstPromise, StatRow};
use shared::status::SubStatus;
use time::{Date, Duration};

/// A decided item's measure, kept with its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub decided_on: Date,
    /// Working days from the working day after acceptance to the day of decision (both
    /// included), less the working days the clock stood still.
    pub actual_days: u32,
    /// Within the committed limit: decided no later than the due date.
    pub on_time: bool,
}

/// The measure of an item accepted on `accepted`, decided on `decided`, its clock stopped for
/// `paused_days` working days in all, under a limit of `limit_days` working days. Counted as
/// the due date is (行政许可法 art. 82: the day of acceptance does not count), so an item decided
/// on its due date took exactly its limit.
pub fn measure(
    accepted: Date,
    decided: Date,
    paused_days: u32,
    limit_days: u32,
    calendar: &Calendar,
) -> Measure {
    let worked = calendar.working_days_between(accepted + Duration::DAY, decided + Duration::DAY);
    let actual_days = worked.saturating_sub(paused_days);
    Measure {
        decided_on: decided,
        actual_days,
        on_time: actual_days <= limit_days,
    }
}

/// One group of items as the database counts them: alike in every column here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub item: String,
    pub department: String,
    pub bundle: String,
    /// The month of acceptance, `YYYY-MM`.
    pub month: String,
    pub status: SubStatus,
    pub actual_days: Option<u32>,
    pub on_time: Option<bool>,
    pub overdue: bool,
    pub by_commitment: bool,
    pub tolerated: bool,
    pub count: u64,
    /// Supplement rounds of the group's items, summed.
    pub rounds: u64,
}

/// What one line adds up.
#[derive(Debug, Default, Clone)]
struct Acc {
    row: StatRow,
    /// Measured items by actual days.
    days: BTreeMap<u32, u64>,
}

impl Acc {
    fn add(&mut self, t: &Tally) {
        let r = &mut self.row;
        r.accepted += t.count;
        match t.status {
            SubStatus::Approved => r.approved += t.count,
            SubStatus::Rejected => r.rejected += t.count,
            _ => {}
        }
        if let Some(d) = t.actual_days {
            r.measured += t.count;
            *self.days.entry(d).or_default() += t.count;
            if t.on_time == Some(true) {
                r.on_time += t.count;
            }
        }
        r.overdue_now += if t.overdue { t.count } else { 0 };
        r.by_commitment += if t.by_commitment { t.count } else { 0 };
        r.tolerated += if t.tolerated { t.count } else { 0 };
        r.supplement_rounds += t.rounds;
    }

    fn finish(mut self, key: &str, label: String) -> StatRow {
        self.row.key = key.to_string();
        self.row.label = label;
        self.row.median_days = median(&self.days);
        self.row.p90_days = nearest_rank(&self.days, 90);
        self.row.on_time_percent = (self.row.measured > 0)
            .then(|| floor_percent(self.row.on_time as f64 / self.row.measured as f64));
        self.row
    }
}

/// The value at percentile `p` by nearest rank: the smallest `v` with at least `p`% of the
/// values at or below it.
pub fn nearest_rank(counts: &BTreeMap<u32, u64>, p: u64) -> Option<u32> {
    let n: u64 = counts.values().sum();
    if n == 0 {
        return None;
    }
    let rank = (p * n).div_ceil(100).max(1);
    let mut seen = 0;
    counts.iter().find_map(|(v, c)| {
        seen += c;
        (seen >= rank).then_some(*v)
    })
}

/// The median: the middle value, or the mean of the two middle ones.
pub fn median(counts: &BTreeMap<u32, u64>) -> Option<f32> {
    let n: u64 = counts.values().sum();
    if n == 0 {
        return None;
    }
    let at = |rank: u64| {
        let mut seen = 0;
        counts
            .iter()
            .find_map(|(v, c)| {
                seen += c;
                (seen >= rank).then_some(*v)
            })
            .unwrap_or(0)
    };
    let (lo, hi) = (at(n.div_ceil(2)), at(n / 2 + 1));
    Some((lo as f32 + hi as f32) / 2.0)
}

/// The tables of a statistics view.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tables {
    pub overall: StatRow,
    pub by_item: Vec<StatRow>,
    pub by_department: Vec<StatRow>,
    pub by_bundle: Vec<StatRow>,
    pub by_month: Vec<StatRow>,
    pub against_promise: Vec<DaysAgainstPromise>,
}

/// The plan's measure over items `(id, median)`: promised by their committed limits, and
/// measured by their medians (only items with a median count in the measured one).
fn cuts<'a>(
    catalogue: &Catalogue,
    items: impl Iterator<Item = (&'a str, Option<f32>)> + Clone,
) -> (Option<u32>, Option<u32>) {
    let known = items.filter_map(|(id, m)| catalogue.item(id).map(|i| (i, m)));
    let promised = average_cut(
        known
            .clone()
            .map(|(i, _)| (i.id.as_str(), i.statutory_days, i.committed_days)),
    );
    let measured: Vec<_> = known
        .filter_map(|(i, m)| m.map(|m| (i.id.as_str(), i.statutory_days, m)))
        .collect();
    (
        (!promised.items.is_empty()).then_some(promised.average_cut_percent),
        (!measured.is_empty()).then(|| average_cut(measured).average_cut_percent),
    )
}

/// Builds every table from the tallies, names in `lang`.
pub fn tables(tallies: &[Tally], catalogue: &Catalogue, lang: Lang) -> Tables {
    let mut overall = Acc::default();
    let mut by: [BTreeMap<String, Acc>; 4] = Default::default();
    // Per bundle and item, for the bundle's measured cut.
    let mut bundle_items: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let mut against: BTreeMap<i64, u64> = BTreeMap::new();
    for t in tallies {
        overall.add(t);
        for (map, key) in by
            .iter_mut()
            .zip([&t.item, &t.department, &t.bundle, &t.month])
        {
            map.entry(key.clone()).or_default().add(t);
        }
        bundle_items
            .entry((t.bundle.clone(), t.item.clone()))
            .or_default()
            .add(t);
        if let (Some(d), Some(i)) = (t.actual_days, catalogue.item(&t.item)) {
            *against
                .entry(i64::from(d) - i64::from(i.limit_working_days()))
                .or_default() += t.count;
        }
    }
    let [items, departments, bundles, months] = by;
    let by_item: Vec<StatRow> = items
        .into_iter()
        .map(|(id, acc)| item_row(&id, acc, catalogue, lang))
        .collect();
    let mut overall = overall.finish("all", String::new());
    (overall.promised_cut_percent, overall.measured_cut_percent) = cuts(
        catalogue,
        by_item.iter().map(|r| (r.key.as_str(), r.median_days)),
    );
    let medians: BTreeMap<(String, String), Option<f32>> = bundle_items
        .into_iter()
        .map(|(k, acc)| (k, acc.finish("", String::new()).median_days))
        .collect();
    let name = |id: &str, found: Option<&shared::Text>| {
        found.map_or_else(|| id.to_string(), |t| t.get(lang).to_string())
    };
    Tables {
        overall,
        by_item,
        by_department: departments
            .into_iter()
            .map(|(id, acc)| {
                let label = name(&id, catalogue.department(&id).map(|d| &d.name));
                acc.finish(&id, label)
            })
            .collect(),
        by_bundle: bundles
            .into_iter()
            .map(|(id, acc)| {
                let label = name(
                    &id,
                    catalogue
                        .bundles
                        .iter()
                        .find(|b| b.id == id)
                        .map(|b| &b.name),
                );
                let mut row = acc.finish(&id, label);
                let of_bundle = medians
                    .iter()
                    .filter(|((b, _), _)| *b == id)
                    .map(|((_, i), m)| (i.as_str(), *m));
                (row.promised_cut_percent, row.measured_cut_percent) = cuts(catalogue, of_bundle);
                row
            })
            .collect(),
        by_month: months
            .into_iter()
            .map(|(m, acc)| acc.finish(&m, m.clone()))
            .collect(),
        against_promise: against
            .into_iter()
            .map(|(days_over, items)| DaysAgainstPromise { days_over, items })
            .collect(),
    }
}

/// One item's line: its limits, and the plan's measure of it promised and measured.
fn item_row(id: &str, acc: Acc, catalogue: &Catalogue, lang: Lang) -> StatRow {
    let def = catalogue.item(id);
    let label = def.map_or_else(|| id.to_string(), |i| i.name.get(lang).to_string());
    let mut row = acc.finish(id, label);
    if let Some(i) = def {
        row.statutory_days = Some(i.statutory_days);
        row.committed_days = Some(i.committed_days);
        let share = |d: f32| average_cut([(id, i.statutory_days, d)]).average_cut_percent;
        row.promised_cut_percent = Some(share(i.committed_days));
        row.measured_cut_percent = row.median_days.map(share);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::tests::{calendar, date};

    #[test]
    fn a_measure_counts_working_days_by_the_official_calendar_less_the_pauses() {
        let cal = calendar();
        // Accepted Tue 29 Sep 2026; working days after it: Wed 30 Sep, then National Day
        // (1–7 Oct) off, Thu 8, Fri 9, Sat 10 (a make-up workday), Mon 12, Tue 13, Wed 14.
        // The clock stood still for an inspection from Fri 9 to Mon 12: Fri 9 and Sat 10.
        let m = measure(date("2026-09-29"), date("2026-10-14"), 2, 5, &cal);
        assert_eq!(m.actual_days, 5);
        assert!(m.on_time, "decided on its due date: within the limit");
        // One day later is late by one.
        let late = measure(date("2026-09-29"), date("2026-10-15"), 2, 5, &cal);
        assert_eq!((late.actual_days, late.on_time), (6, false));
        // Without the make-up Saturday it would have been a day less: the calendar counts it.
        assert!(cal.is_working_day(date("2026-10-10")));
        // Decided the day it was accepted: zero days, on time even for a half-day promise.
        let same = measure(date("2026-10-12"), date("2026-10-12"), 0, 1, &cal);
        assert_eq!((same.actual_days, same.on_time), (0, true));
    }

    #[test]
    fn medians_and_the_90th_percentile_come_from_counts() {
        let counts: BTreeMap<u32, u64> = [(1, 2), (3, 1), (10, 1)].into_iter().collect();
        // 1 1 3 10: the median is (1 + 3) / 2, the 90th percentile by nearest rank the 4th.
        assert_eq!(median(&counts), Some(2.0));
        assert_eq!(nearest_rank(&counts, 90), Some(10));
        let odd: BTreeMap<u32, u64> = [(2, 3), (5, 2)].into_iter().collect();
        assert_eq!(median(&odd), Some(2.0));
        assert_eq!(nearest_rank(&odd, 90), Some(5));
        assert_eq!(median(&BTreeMap::new()), None);
    }

    fn tally(item: &str, department: &str, days: Option<u32>, count: u64) -> Tally {
        Tally {
            item: item.into(),
            department: department.into(),
            bundle: "restaurant".into(),
            month: "2026-10".into(),
            status: if days.is_some() {
                SubStatus::Approved
            } else {
                SubStatus::Accepted
            },
            actual_days: days,
            on_time: days.map(|d| d <= 5),
            overdue: false,
            by_commitment: false,
            tolerated: false,
            count,
            rounds: 0,
        }
    }

    #[test]
    fn tables_show_the_measured_cut_next_to_the_promised_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let cat = crate::catalogue::load(&dir).expect("the shipped catalogue");
        let tallies = [
            tally("food_business_permit", "samr", Some(4), 3),
            tally("food_business_permit", "samr", Some(8), 1),
            tally("food_business_permit", "samr", None, 2),
            tally("seal_filing", "psb", Some(1), 2),
        ];
        let t = tables(&tallies, &cat, Lang::En);
        let food = t
            .by_item
            .iter()
            .find(|r| r.key == "food_business_permit")
            .expect("food");
        assert_eq!((food.accepted, food.approved, food.measured), (6, 4, 4));
        assert_eq!(food.median_days, Some(4.0));
        assert_eq!(food.p90_days, Some(8));
        assert_eq!((food.on_time, food.on_time_percent), (3, Some(75)));
        // 10 statutory days: promised 5 (−50%), measured median 4 (−60%).
        assert_eq!(food.promised_cut_percent, Some(50));
        assert_eq!(food.measured_cut_percent, Some(60));
        // The seal: 1 statutory day, promised 0.5 (−50%), measured 1 day (no cut).
        let seal = t
            .by_item
            .iter()
            .find(|r| r.key == "seal_filing")
            .expect("seal");
        assert_eq!(seal.measured_cut_percent, Some(0));
        // Overall, by the plan's measure: the average of the items' cuts.
        assert_eq!(t.overall.promised_cut_percent, Some(50));
        assert_eq!(t.overall.measured_cut_percent, Some(30));
        assert_eq!(t.by_department.len(), 2);
        assert_eq!(t.by_month[0].key, "2026-10");
        let bundle = &t.by_bundle[0];
        assert_eq!(
            (bundle.key.as_str(), bundle.measured_cut_percent),
            ("restaurant", Some(30))
        );
        // Against the promise: the food permit's limit is 5 days, the seal's 1.
        assert_eq!(
            t.against_promise,
            vec![
                DaysAgainstPromise {
                    days_over: -1,
                    items: 3
                },
                DaysAgainstPromise {
                    days_over: 0,
                    items: 2
                },
                DaysAgainstPromise {
                    days_over: 3,
                    items: 1
                },
            ]
        );
    }
}
