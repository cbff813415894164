//! The reform's figures by the plan's own definitions, one home for the browser, the server and
//! the statistics alike.
//!
//! 措施 8 of the plan: "办理时限按照整合压减后单项许可的最长时限确定，平均压减法定时限的85%以上" —
//! a bundle's limit is the longest of its items' (they run in parallel), and the cut is measured
//! **per item** (its limit against its own statutory limit) and then **averaged** over the items.
//! Comparing the sum of statutory limits (as if handled one after another) with the parallel
//! promise is a different figure; where it is shown it says so.
//!
//! Percentages are floored (never rounded in our favour), and whether the target is met is
//! decided on the exact average, not on the floored figure.

use serde::{Deserialize, Serialize};

/// The plan's target for the average cut of statutory limits, in percent (措施 8: 85%以上).
pub const TARGET_CUT_PERCENT: u32 = 85;

/// The share by which `after` is below `before` (0.0..=1.0; 0 when `before` is not positive,
/// and never negative: a limit exceeded is no cut).
pub fn cut(before: f64, after: f64) -> f64 {
    if before <= 0.0 {
        0.0
    } else {
        ((before - after) / before).clamp(0.0, 1.0)
    }
}

/// A share as a whole percent, floored: 0.8333 → 83. A hair of tolerance keeps an exact 0.58
/// (stored as 0.57999…) at 58.
pub fn floor_percent(share: f64) -> u32 {
    (share * 100.0 + 1e-9).floor().max(0.0) as u32
}

/// One item's limit against its statutory limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCut {
    pub item: String,
    /// The law's limit, working days.
    pub statutory_days: f32,
    /// This county's promise (or, in the statistics, the measured median), working days.
    pub days: f32,
    /// `cut(statutory_days, days)`, floored to a whole percent.
    pub cut_percent: u32,
}

/// The plan's measure over a set of items: the average of their cuts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AverageCut {
    pub items: Vec<ItemCut>,
    /// The average of the items' cuts (the exact ones), floored to a whole percent.
    pub average_cut_percent: u32,
    /// The plan's target (85) and whether the exact average reaches it.
    pub target_percent: u32,
    pub target_met: bool,
}

/// The plan's measure (措施 8) over `items` — each `(item, statutory days, days)`: every item's
/// own cut, and their average against the 85% target. No items: nothing cut, target not met.
pub fn average_cut<'a>(items: impl IntoIterator<Item = (&'a str, f32, f32)>) -> AverageCut {
    let mut sum = 0.0;
    let items: Vec<ItemCut> = items
        .into_iter()
        .map(|(item, statutory_days, days)| {
            let share = cut(f64::from(statutory_days), f64::from(days));
            sum += share;
            ItemCut {
                item: item.to_string(),
                statutory_days,
                days,
                cut_percent: floor_percent(share),
            }
        })
        .collect();
    let average = if items.is_empty() {
        0.0
    } else {
        sum / items.len() as f64
    };
    AverageCut {
        average_cut_percent: floor_percent(average),
        target_percent: TARGET_CUT_PERCENT,
        target_met: !items.is_empty() && average * 100.0 + 1e-9 >= f64::from(TARGET_CUT_PERCENT),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_is_cut_against_its_own_limit_and_the_cuts_are_averaged() {
        // The restaurant's base items by hand: registration 3 → 0.5 (83.33%), food permit
        // 10 → 5 (50%), seal 1 → 0.5 (50%), invoice 1 → 0.5 (50%), social insurance 1 → 0.5
        // (50%): (83.33 + 4 × 50) / 5 = 56.67% — not the 66% of "15 days serial → 5".
        let a = average_cut([
            ("business_registration", 3.0, 0.5),
            ("food_business_permit", 10.0, 5.0),
            ("seal_filing", 1.0, 0.5),
            ("first_invoice", 1.0, 0.5),
            ("social_insurance_registration", 1.0, 0.5),
        ]);
        assert_eq!(
            a.items.iter().map(|i| i.cut_percent).collect::<Vec<_>>(),
            [83, 50, 50, 50, 50]
        );
        assert_eq!(a.average_cut_percent, 56);
        assert_eq!(a.target_percent, 85);
        assert!(!a.target_met);
    }

    #[test]
    fn the_target_is_judged_on_the_exact_average_and_percentages_are_floored() {
        // 20 → 3 is 85% exactly: met.
        let a = average_cut([("x", 20.0, 3.0)]);
        assert_eq!(a.average_cut_percent, 85);
        assert!(a.target_met);
        // 85.0% and 84.9%: the average 84.95% floors to 84 and is not met.
        let b = average_cut([("x", 20.0, 3.0), ("y", 1000.0, 151.0)]);
        assert_eq!(b.items[1].cut_percent, 84);
        assert_eq!(b.average_cut_percent, 84);
        assert!(!b.target_met);
        // 0.58 in binary is 0.5799…: still 58.
        assert_eq!(floor_percent(0.58), 58);
        assert_eq!(floor_percent(2.0 / 3.0), 66);
    }

    #[test]
    fn a_limit_exceeded_is_no_cut_and_nothing_to_average_meets_nothing() {
        assert_eq!(cut(5.0, 7.0), 0.0);
        assert_eq!(cut(0.0, 0.0), 0.0);
        let none = average_cut(std::iter::empty());
        assert_eq!(none.average_cut_percent, 0);
        assert!(!none.target_met);
    }
}
