//! Delivery (送达) of a decision: each permit's certificate and each refusal decision reaches
//! the applicant once — electronically (they confirm receipt on the status page, where they
//! downloaded it) or on paper (collected at the window, the clerk records it). Days to
//! delivery are working days from the decision's day to the delivery's, by the official
//! calendar (the statistics count them).

use shared::calendar::Calendar;
use shared::records::PermitState;
use time::Date;

use super::clock::county_date;
use super::documents::DocumentId;
use super::error::{Conflict, Error, Invalid, Missing};
use super::records::{Item, Permit};
use shared::status::SubStatus;

/// How a document reached the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// Downloaded from the status page, receipt confirmed there.
    Electronic,
    /// Collected on paper at the window (出件窗口).
    Paper,
}

impl Way {
    pub fn as_str(self) -> &'static str {
        match self {
            Way::Electronic => "electronic",
            Way::Paper => "paper",
        }
    }

    pub fn parse(s: &str) -> Option<Way> {
        match s {
            "electronic" => Some(Way::Electronic),
            "paper" => Some(Way::Paper),
            _ => None,
        }
    }
}

/// A decision to deliver: the document, its day, the department that decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliverable {
    pub document: DocumentId,
    pub decided_on: Date,
    pub department: String,
}

/// The decisions an application has to deliver now: every permit in force (its issue day)
/// and every refused item (the day it was refused).
pub fn deliverable(items: &[Item], permits: &[Permit], today: &str) -> Vec<Deliverable> {
    let mut out: Vec<Deliverable> = items
        .iter()
        .filter(|i| i.status == SubStatus::Rejected)
        .map(|i| Deliverable {
            document: DocumentId::Refusal(i.item.clone()),
            decided_on: county_date(i.updated_at),
            department: i.department.clone(),
        })
        .collect();
    out.extend(
        permits
            .iter()
            .filter(|p| p.state_on(today) == PermitState::Valid)
            .filter(|p| super::documents::own(items, p))
            .filter_map(|p| {
                Some(Deliverable {
                    document: DocumentId::Certificate(p.id),
                    decided_on: shared::date::parse_iso_date(&p.issued_on)?,
                    department: p.department.clone(),
                })
            }),
    );
    out
}

/// A delivery to record: which document (as its address names it), decided on which day, by
/// which department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub document: String,
    pub decided_on: Date,
    pub department: String,
    pub way: Way,
}

/// Checks a delivery of `document` by `way`: a decision the application has, not delivered
/// yet (`delivered`: the documents delivered already). A paper delivery is the window's.
pub fn check(
    document: &str,
    way: &str,
    deliverable: &[Deliverable],
    delivered: &[String],
) -> Result<Delivery, Error> {
    let way = Way::parse(way).ok_or(Invalid::DeliveryWay)?;
    let id = DocumentId::parse(document).ok_or(Missing::Document)?;
    let found = deliverable
        .iter()
        .find(|d| d.document == id)
        .ok_or(Missing::Document)?;
    let document = id.path();
    if delivered.contains(&document) {
        return Err(Conflict::AlreadyDelivered.into());
    }
    Ok(Delivery {
        document,
        decided_on: found.decided_on,
        department: found.department.clone(),
        way,
    })
}

/// Working days from the decision to the delivery (0: delivered the day it was decided).
pub fn days(calendar: &Calendar, decided_on: Date, delivered_on: Date) -> u32 {
    if delivered_on <= decided_on {
        return 0;
    }
    // The working days after the decision's, up to the delivery's included.
    let next = time::Duration::DAY;
    calendar.working_days_between(decided_on + next, delivered_on + next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::date::parse_iso_date;

    fn calendar() -> Calendar {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        Calendar::new(&c.calendar).expect("calendar")
    }

    fn day(s: &str) -> Date {
        parse_iso_date(s).expect("date")
    }

    #[test]
    fn a_decision_is_delivered_once_and_only_one_it_has() {
        let have = [Deliverable {
            document: DocumentId::Certificate(7),
            decided_on: day("2026-12-01"),
            department: "samr".into(),
        }];
        let ok = check("certificate-7", "paper", &have, &[]).expect("deliverable");
        assert_eq!(ok.way, Way::Paper);
        assert_eq!(ok.decided_on, day("2026-12-01"));
        assert_eq!(ok.department, "samr");
        assert_eq!(
            check(
                "certificate-7",
                "electronic",
                &have,
                &["certificate-7".into()]
            ),
            Err(Conflict::AlreadyDelivered.into())
        );
        assert_eq!(
            check("certificate-8", "paper", &have, &[]),
            Err(Missing::Document.into())
        );
        assert_eq!(
            check("acceptance", "paper", &have, &[]),
            Err(Missing::Document.into())
        );
        assert_eq!(
            check("certificate-7", "pigeon", &have, &[]),
            Err(Invalid::DeliveryWay.into())
        );
    }

    #[test]
    fn days_to_delivery_are_working_days_over_holidays() {
        let c = calendar();
        // Decided on Wednesday, collected on Friday: two working days.
        assert_eq!(days(&c, day("2026-12-02"), day("2026-12-04")), 2);
        assert_eq!(days(&c, day("2026-12-02"), day("2026-12-02")), 0);
        // Decided on Friday, downloaded on Sunday: no working day has passed.
        assert_eq!(days(&c, day("2026-12-04"), day("2026-12-06")), 0);
        assert_eq!(days(&c, day("2026-12-04"), day("2026-12-07")), 1);
        // Decided on 30 September 2026, collected on 9 October: the National Day week and its
        // make-up Saturday (10 October is after) — 1 October to 7 October are holidays.
        assert_eq!(days(&c, day("2026-09-30"), day("2026-10-09")), 2);
    }
}
