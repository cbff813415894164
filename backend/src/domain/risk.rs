//! Credit records and what they make (信用分类): an enterprise's risk class A–D by the rules
//! of `catalogue/credit.toml`, and how long a record bars approval by commitment. Pure: the
//! records come in as (kind, day recorded).

use shared::catalogue::{CreditCondition, CreditKind, RiskRule};
use time::{Date, Duration};

/// A credit fact of an enterprise: a record of `kind` made on `on` (being on the dishonesty
/// list is the fact `dishonesty_list` of today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: String,
    pub on: Date,
}

/// The kind that stands for being on the imported dishonesty list.
pub const LISTED: &str = "dishonesty_list";

fn holds(c: &CreditCondition, facts: &[Fact], today: Date) -> bool {
    let since = c.within_days.map(|d| today - Duration::days(i64::from(d)));
    let n = facts
        .iter()
        .filter(|f| f.kind == c.kind && since.is_none_or(|s| f.on > s) && f.on <= today)
        .count();
    n >= c.at_least as usize
}

/// The first rule that holds for `facts` on `today` (the catalogue's last rule always holds).
pub fn class<'r>(rules: &'r [RiskRule], facts: &[Fact], today: Date) -> Option<&'r RiskRule> {
    rules.iter().find(|r| {
        (r.any.is_empty() || r.any.iter().any(|c| holds(c, facts, today)))
            && !r.none.iter().any(|c| holds(c, facts, today))
    })
}

/// The last day a record of `kind` made on `on` bars approval by commitment, if it does.
pub fn bars_until(kind: &CreditKind, on: Date) -> Option<Date> {
    kind.bars_commitment_days
        .map(|d| on + Duration::days(i64::from(d)) - Duration::DAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Text;

    fn day(s: &str) -> Date {
        shared::date::parse_iso_date(s).expect("date")
    }

    fn shipped() -> Vec<RiskRule> {
        let text = include_str!("../../../catalogue/credit.toml");
        let c: shared::catalogue::Catalogue = toml::from_str(text).expect("credit.toml");
        c.risk_classes
    }

    fn fact(kind: &str, on: &str) -> Fact {
        Fact {
            kind: kind.into(),
            on: day(on),
        }
    }

    #[test]
    fn the_shipped_rules_give_each_history_its_class() {
        let rules = shipped();
        let today = day("2026-12-03");
        let of = |facts: &[Fact]| class(&rules, facts, today).map(|r| r.class.as_str());
        assert_eq!(of(&[]), Some("B"), "no record: general risk");
        assert_eq!(of(&[fact(LISTED, "2026-12-03")]), Some("D"));
        assert_eq!(of(&[fact("false_commitment", "2024-12-04")]), Some("D"));
        assert_eq!(
            of(&[fact("false_commitment", "2023-12-04")]),
            Some("B"),
            "three years on, the false commitment no longer counts"
        );
        assert_eq!(of(&[fact("inspection_failed", "2026-06-01")]), Some("C"));
        assert_eq!(
            of(&[
                fact("inspection_failed", "2026-06-01"),
                fact("rectified", "2026-07-01")
            ]),
            Some("B")
        );
        assert_eq!(of(&[fact("commitment_fulfilled", "2026-01-05")]), Some("A"));
        assert_eq!(
            of(&[
                fact("commitment_fulfilled", "2026-01-05"),
                fact("inspection_failed", "2025-06-01"),
                fact("rectified", "2025-07-01")
            ]),
            Some("B"),
            "a failed inspection within two years keeps it out of A"
        );
        assert_eq!(
            of(&[fact("commitment_fulfilled", "2027-01-05")]),
            Some("B"),
            "a record dated after today does not count"
        );
    }

    #[test]
    fn at_least_counts_the_records_and_a_bar_runs_its_days() {
        let rules = vec![
            RiskRule {
                class: "C".into(),
                reason: Text::default(),
                any: vec![CreditCondition {
                    kind: "inspection_failed".into(),
                    within_days: None,
                    at_least: 2,
                }],
                none: vec![],
            },
            RiskRule {
                class: "B".into(),
                reason: Text::default(),
                any: vec![],
                none: vec![],
            },
        ];
        let today = day("2026-12-03");
        let one = [fact("inspection_failed", "2020-01-01")];
        assert_eq!(
            class(&rules, &one, today).map(|r| r.class.as_str()),
            Some("B")
        );
        let two = [one[0].clone(), fact("inspection_failed", "2021-01-01")];
        assert_eq!(
            class(&rules, &two, today).map(|r| r.class.as_str()),
            Some("C")
        );
        let kind = CreditKind {
            id: "false_commitment".into(),
            name: Text::default(),
            bars_commitment_days: Some(1095),
        };
        assert_eq!(
            bars_until(&kind, day("2026-12-03")),
            Some(day("2029-12-01"))
        );
        let none = CreditKind {
            bars_commitment_days: None,
            ..kind
        };
        assert_eq!(bars_until(&none, day("2026-12-03")), None);
    }
}
