//! The follow-up of an approval by commitment (告知承诺事后核查): every such approval owes one,
//! due on the day the reviewer set. The department records what it found, once: the commitment
//! fulfilled, or false — which revokes the permit and writes a credit record that bars the
//! commitment path (`risk`). Past its day an open follow-up is overdue, counted in working days.

use shared::calendar::Calendar;
use time::Date;

use super::error::{Conflict, Error, Invalid, message};

/// The states of a follow-up.
pub mod state {
    pub const OPEN: &str = "open";
    pub const FULFILLED: &str = "fulfilled";
    pub const FALSE_COMMITMENT: &str = "false_commitment";
}

/// A follow-up as stored, with what its list and its outcome need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: i64,
    pub sub_application_id: i64,
    pub application_id: i64,
    pub number: String,
    pub department: String,
    pub item: String,
    pub due_on: String,
    pub state: String,
    pub overdue_since: Option<String>,
    pub note: Option<String>,
    pub done_by: Option<String>,
    pub done_on: Option<String>,
    pub business_name: String,
    pub legal_rep_id: String,
    /// The permit the approval made, once issued (with the business licence).
    pub permit_id: Option<i64>,
    pub certificate: Option<String>,
}

/// What the department found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The commitment holds: a record of it fulfilled.
    Fulfilled,
    /// It was false: the permit is revoked, a record bars the commitment path.
    False,
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            state::FULFILLED => Some(Outcome::Fulfilled),
            state::FALSE_COMMITMENT => Some(Outcome::False),
            _ => None,
        }
    }

    /// The follow-up's state afterwards.
    pub fn state(self) -> &'static str {
        match self {
            Outcome::Fulfilled => state::FULFILLED,
            Outcome::False => state::FALSE_COMMITMENT,
        }
    }

    /// The kind of credit record it writes (`catalogue/credit.toml`).
    pub fn credit_kind(self) -> &'static str {
        match self {
            Outcome::Fulfilled => "commitment_fulfilled",
            Outcome::False => "false_commitment",
        }
    }
}

/// A checked finding on `f`: only an open follow-up takes one; a false commitment needs the
/// facts found (the note), anything else may have one (≤ 2000 characters).
pub fn finding(
    f: &FollowUp,
    outcome: &str,
    note: Option<&str>,
) -> Result<(Outcome, Option<String>), Error> {
    if f.state != state::OPEN {
        return Err(Conflict::FollowUpDone.into());
    }
    let outcome = Outcome::parse(outcome).ok_or(Invalid::FollowUpOutcome)?;
    let written = note.is_some_and(|n| !n.trim().is_empty());
    let note = message(note);
    if written && note.is_none() {
        return Err(Invalid::NoteTooLong.into());
    }
    if outcome == Outcome::False && note.is_none() {
        return Err(Invalid::FollowUpNote.into());
    }
    Ok((outcome, note.map(str::to_string)))
}

/// Working days an open follow-up due on `due_on` is late on `today` (`None` when not late or
/// done): the working days after its day up to today included.
pub fn overdue_days(f: &FollowUp, today: Date, calendar: &Calendar) -> Option<u32> {
    let due = shared::date::parse_iso_date(&f.due_on)?;
    (f.state == state::OPEN)
        .then(|| super::clock::days_late(due, today, calendar))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(due_on: &str) -> FollowUp {
        FollowUp {
            id: 1,
            sub_application_id: 2,
            application_id: 3,
            number: "LB-20261201-0001".into(),
            department: "samr".into(),
            item: "food_business_permit".into(),
            due_on: due_on.into(),
            state: state::OPEN.into(),
            overdue_since: None,
            note: None,
            done_by: None,
            done_on: None,
            business_name: "某某面馆".into(),
            legal_rep_id: "11010519491231002X".into(),
            permit_id: None,
            certificate: None,
        }
    }

    #[test]
    fn a_false_commitment_needs_the_facts_and_a_done_follow_up_takes_no_more() {
        let f = open("2026-12-10");
        assert_eq!(
            finding(&f, "fulfilled", None),
            Ok((Outcome::Fulfilled, None))
        );
        assert_eq!(
            finding(&f, "false_commitment", Some("  ")),
            Err(Invalid::FollowUpNote.into())
        );
        assert_eq!(
            finding(&f, "false_commitment", Some(" 无健康证明 ")),
            Ok((Outcome::False, Some("无健康证明".into())))
        );
        assert_eq!(
            finding(&f, "fulfilled", Some(&"字".repeat(2001))),
            Err(Invalid::NoteTooLong.into())
        );
        assert_eq!(
            finding(&f, "passed", None),
            Err(Invalid::FollowUpOutcome.into())
        );
        let done = FollowUp {
            state: state::FULFILLED.into(),
            ..f
        };
        assert_eq!(
            finding(&done, "false_commitment", Some("x")),
            Err(Conflict::FollowUpDone.into())
        );
    }

    #[test]
    fn overdue_counts_the_working_days_after_the_due_day() {
        let calendar = Calendar::new(&[]).expect("calendar");
        let day = |s| shared::date::parse_iso_date(s).expect("date");
        // Friday 2026-12-04 is due; the weekend does not count.
        let f = open("2026-12-04");
        assert_eq!(overdue_days(&f, day("2026-12-04"), &calendar), None);
        assert_eq!(overdue_days(&f, day("2026-12-05"), &calendar), Some(0));
        assert_eq!(overdue_days(&f, day("2026-12-07"), &calendar), Some(1));
        assert_eq!(overdue_days(&f, day("2026-12-09"), &calendar), Some(3));
        let done = FollowUp {
            state: state::FULFILLED.into(),
            ..f
        };
        assert_eq!(overdue_days(&done, day("2026-12-09"), &calendar), None);
    }
}
