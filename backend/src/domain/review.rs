//! What a department's action does to one of its items (并联审批): the state machine
//! (`SubStatus::after`) says whether the action is possible; this says what it needs and what
//! it changes — the decision's parts, and the clock, which stands still while a supplement or
//! an inspection is awaited (the working days it stood still are added to the limit).

use shared::Text;
use shared::calendar::Calendar;
use shared::catalogue::Item as CatalogueItem;
use shared::records::Decision;
use shared::staff::{ItemVersion, ReviewRequest};
use shared::status::{ReviewAction, SubStatus};
use time::Date;

use super::access::Access;
use super::clock::paused_total;
use super::error::{Conflict, Error, Invalid, message};
use super::licence::REGISTRATION;
use super::records::Item;

/// An item's new state, clock and decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub status: SubStatus,
    pub paused_since: Option<Date>,
    pub paused_days: u32,
    pub decision: Decision,
    pub inspection_id: Option<i64>,
}

/// What an item's row keeps besides its change: its due date (the worklist's order) and, once
/// decided, its measure (the statistics); and whether the change is one more supplement round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept {
    pub due_on: Option<String>,
    pub measure: Option<super::statistics::Measure>,
    pub supplement_round: bool,
}

/// What `change` adds to `item`'s row on `today`: `due_on` is its new due date; an item
/// decided now is measured against its limit of `limit_days`.
pub fn kept(
    item: &Item,
    change: &Change,
    due_on: Option<String>,
    limit_days: u32,
    calendar: &Calendar,
    today: Date,
) -> Kept {
    let decided_now = change.status.is_final() && !item.status.is_final();
    Kept {
        due_on,
        measure: item.accepted_on.filter(|_| decided_now).map(|accepted| {
            super::statistics::measure(accepted, today, change.paused_days, limit_days, calendar)
        }),
        supplement_round: change.status == SubStatus::SupplementRequested
            && item.status != SubStatus::SupplementRequested,
    }
}

/// What an action comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Schedule a visit for this item alone (as a joint inspection of one).
    Inspect { on: Date },
    /// Record the visit the item is part of, once for every item of it.
    Record { inspection: i64, result: String },
    /// The item's new state, clock and decision. An approval by commitment is given only after
    /// the credit check (`decision.by_commitment`).
    Change(Box<Change>),
}

/// What the rule needs to know besides the item and the request.
pub struct Facts<'a> {
    /// The catalogue's item (limits, validity, commitment path, materials).
    pub rules: &'a CatalogueItem,
    /// Materials owed (容缺) that the item needs, by name: an approval waits for them.
    pub owed: Vec<Text>,
    /// The applicant chose the commitment path for this item.
    pub commitment_chosen: bool,
    /// The application's business licence is still to be issued (its registration is an item
    /// not yet approved, and not this one).
    pub licence_pending: bool,
    /// The catalogue numbers this item's certificates: an approval without a number gets the
    /// next one (assigned with the change).
    pub numbered: bool,
    pub today: Date,
    pub calendar: &'a Calendar,
}

/// Whether approving `item` would come before the business licence: the application has a
/// registration item, not yet approved, and `item` is not it.
pub fn licence_pending(item: &Item, all: &[Item]) -> bool {
    item.item != REGISTRATION
        && all
            .iter()
            .any(|i| i.item == REGISTRATION && i.status != SubStatus::Approved)
}

/// A certificate number as kept: trimmed, 1–40 characters; none (to be assigned by the
/// numbering rule) when the item is `numbered` and none was sent.
fn certificate(c: Option<&str>, numbered: bool) -> Result<Option<String>, Error> {
    match c.map(str::trim).filter(|c| !c.is_empty()) {
        None if numbered => Ok(None),
        Some(c) if c.chars().count() <= shared::catalogue::numbering::MAX_CHARS => {
            Ok(Some(c.to_string()))
        }
        _ => Err(Error::Invalid(Invalid::Certificate)),
    }
}

fn day_from(s: Option<&str>, today: Date, after_today: bool) -> Option<Date> {
    s.and_then(shared::date::parse_iso_date)
        .filter(|d| if after_today { *d > today } else { *d >= today })
}

/// The plan for `req` on `item`, or why not. Nothing is changed by a refusal.
pub fn plan(item: &Item, req: &ReviewRequest, f: &Facts) -> Result<Plan, Error> {
    if item.version != req.version {
        return Err(Error::Stale);
    }
    let to = match req.action {
        ReviewAction::Accept => None,
        action => item.status.after(action),
    }
    .ok_or(Conflict::ActionNotPossible)?;
    let approving = matches!(
        req.action,
        ReviewAction::Approve | ReviewAction::ApproveByCommitment
    );
    if approving && !f.owed.is_empty() {
        return Err(Conflict::MaterialsOwed(f.owed.clone()).into());
    }
    if approving && f.licence_pending && !req.before_licence {
        return Err(Conflict::LicenceFirst.into());
    }
    let mut decision = item.decision.clone();
    let valid_until = || {
        f.rules
            .validity_years
            .and_then(|years| shared::date::years_later(f.today, years))
            .map(shared::date::format_iso_date)
    };
    match req.action {
        ReviewAction::ScheduleInspection => {
            let on = day_from(req.inspection_on.as_deref(), f.today, false)
                .ok_or(Invalid::InspectionDay("inspection_on"))?;
            return Ok(Plan::Inspect { on });
        }
        ReviewAction::RecordInspection => {
            // An item waiting for a visit is always part of one.
            let inspection = item.inspection_id.ok_or(Conflict::ActionNotPossible)?;
            let result = message(req.message.as_deref()).unwrap_or_default().into();
            return Ok(Plan::Record { inspection, result });
        }
        ReviewAction::RequestSupplement | ReviewAction::Reject => {
            let m = message(req.message.as_deref()).ok_or(Invalid::ReviewMessage)?;
            decision.insufficient_materials.clear();
            decision.supplement_fields.clear();
            if req.action == ReviewAction::Reject {
                decision.reason = Some(m.into());
            } else {
                decision.supplement_request = Some(m.into());
                if !req
                    .insufficient
                    .iter()
                    .all(|m| f.rules.materials.contains(m))
                {
                    return Err(Invalid::Insufficient.into());
                }
                decision.insufficient_materials = req.insufficient.clone();
                if !req.fields.iter().all(|k| f.rules.fields.contains(k)) {
                    return Err(Invalid::NamedFields.into());
                }
                decision.supplement_fields = req.fields.clone();
            }
        }
        ReviewAction::Approve => {
            // The business licence's number is the credit code issued on approval.
            if item.item != REGISTRATION {
                decision.certificate = certificate(req.certificate.as_deref(), f.numbered)?;
            }
            decision.valid_until = valid_until().or(decision.valid_until);
        }
        ReviewAction::ApproveByCommitment => {
            if !f.rules.commitment_allowed || !f.commitment_chosen {
                return Err(Conflict::NoCommitmentPath.into());
            }
            let follow_up =
                day_from(req.follow_up_on.as_deref(), f.today, true).ok_or(Invalid::FollowUpOn)?;
            decision.certificate = certificate(req.certificate.as_deref(), f.numbered)?;
            decision.valid_until = valid_until().or(decision.valid_until);
            decision.by_commitment = true;
            decision.follow_up_on = Some(shared::date::format_iso_date(follow_up));
        }
        ReviewAction::Pause => {
            let kind = req
                .pause_kind
                .as_deref()
                .filter(|k| shared::records::PAUSE_KINDS.contains(k))
                .ok_or(Invalid::PauseKind)?;
            let reason = message(req.message.as_deref()).ok_or(Invalid::ReviewMessage)?;
            decision.pauses.push(shared::records::StagePause {
                kind: kind.into(),
                reason: reason.into(),
                from: shared::date::format_iso_date(f.today),
                to: None,
            });
        }
        ReviewAction::Resume => {
            if let Some(open) = decision.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                open.to = Some(shared::date::format_iso_date(f.today));
            }
        }
        ReviewAction::Supplied | ReviewAction::Accept => {}
    }
    Ok(Plan::Change(Box::new(Change {
        decision,
        inspection_id: item.inspection_id,
        ..clock(item, to, f.calendar, f.today)
    })))
}

/// The clock of `item` moving to `to`: a pausing state stops it today; any other runs it
/// again, the working days it stood still added.
fn clock(item: &Item, to: SubStatus, calendar: &Calendar, today: Date) -> Change {
    let (paused_since, paused_days) = if to.pauses_clock() {
        (Some(today), item.paused_days)
    } else {
        (None, paused_total(item, calendar, today))
    };
    Change {
        status: to,
        paused_since,
        paused_days,
        decision: item.decision.clone(),
        inspection_id: item.inspection_id,
    }
}

/// The items of one joint inspection (单改综) on `on`, chosen by a reviewer from the
/// application's items `all` at the versions they read: each must need an on-site check, and
/// one at least must be the reviewer's.
pub fn joint<'a>(
    all: &'a [Item],
    wanted: &[ItemVersion],
    on: &str,
    today: Date,
    access: &Access,
    onsite: impl Fn(&Item) -> bool,
) -> Result<(Date, Vec<&'a Item>), Error> {
    let on = day_from(Some(on), today, false).ok_or(Invalid::InspectionDay("on"))?;
    let mut items = Vec::new();
    for w in wanted {
        let item = all
            .iter()
            .find(|i| i.id == w.id)
            .ok_or(Invalid::ItemNotOfApplication)?;
        if !onsite(item) {
            return Err(Invalid::ItemNotOnsite.into());
        }
        if item.version != w.version {
            return Err(Error::Stale);
        }
        items.push(item);
    }
    if !items.iter().any(|i| access.item(&i.department)) {
        return Err(Invalid::NoItemOfYours.into());
    }
    Ok((on, items))
}

/// An item joining inspection `inspection` on `on`: its clock stops today.
pub fn schedule(item: &Item, on: Date, inspection: i64, today: Date) -> Result<Change, Error> {
    let to = item
        .status
        .after(ReviewAction::ScheduleInspection)
        .ok_or(Conflict::InspectionNotPossible)?;
    let mut decision = item.decision.clone();
    decision.inspection_on = Some(shared::date::format_iso_date(on));
    Ok(Change {
        status: to,
        paused_since: Some(today),
        paused_days: item.paused_days,
        decision,
        inspection_id: Some(inspection),
    })
}

/// The visit recorded: an item still waiting for it runs again (`None` for any other item).
pub fn record(item: &Item, result: &str, calendar: &Calendar, today: Date) -> Option<Change> {
    let to = item.status.after(ReviewAction::RecordInspection)?;
    let mut change = clock(item, to, calendar, today);
    change.decision.inspection_result = Some(result.into());
    Some(change)
}

/// The applicant answered the supplement request: the item's clock runs again.
pub fn supplied_by_applicant(
    item: &Item,
    reply: &str,
    calendar: &Calendar,
    today: Date,
) -> Result<Change, Error> {
    let to = item
        .status
        .after(ReviewAction::Supplied)
        .ok_or(Conflict::NothingToAnswer)?;
    let mut change = clock(item, to, calendar, today);
    change.decision.supplement_reply = Some(reply.into());
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::tests::{calendar, date, item};

    fn rules() -> CatalogueItem {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        c.item("food_business_permit").expect("item").clone()
    }

    fn request(action: ReviewAction) -> ReviewRequest {
        ReviewRequest {
            action,
            version: 3,
            message: None,
            certificate: None,
            inspection_on: None,
            follow_up_on: None,
            insufficient: vec![],
            fields: vec![],
            pause_kind: None,
            before_licence: false,
        }
    }

    fn facts<'a>(rules: &'a CatalogueItem, cal: &'a Calendar) -> Facts<'a> {
        Facts {
            rules,
            owed: vec![],
            commitment_chosen: false,
            licence_pending: false,
            numbered: false,
            today: date("2026-10-09"),
            calendar: cal,
        }
    }

    fn change(p: Result<Plan, Error>) -> Change {
        match p {
            Ok(Plan::Change(c)) => *c,
            other => panic!("not a change: {other:?}"),
        }
    }

    #[test]
    fn a_permit_before_the_licence_needs_the_reviewers_explicit_choice() {
        let rules = rules();
        let cal = Calendar::new(&[]).expect("calendar");
        let today = shared::date::parse_iso_date("2026-12-02").expect("date");
        let mut facts = Facts {
            rules: &rules,
            owed: vec![],
            commitment_chosen: false,
            licence_pending: true,
            numbered: false,
            today,
            calendar: &cal,
        };
        let mut item = item(SubStatus::Accepted);
        item.version = 3;
        let mut req = request(ReviewAction::Approve);
        req.certificate = Some("JY1".into());
        assert_eq!(
            plan(&item, &req, &facts).err(),
            Some(Conflict::LicenceFirst.into())
        );
        req.before_licence = true;
        assert!(plan(&item, &req, &facts).is_ok(), "said so");
        req.before_licence = false;
        facts.licence_pending = false;
        assert!(plan(&item, &req, &facts).is_ok(), "the licence is issued");
    }

    #[test]
    fn expert_review_and_testing_stop_the_clock_and_are_kept_with_their_reason() {
        let (r, cal) = (rules(), calendar());
        let mut f = facts(&r, &cal);
        let accepted = item(SubStatus::Accepted);
        let mut req = request(ReviewAction::Pause);
        req.message = Some("送检水样".into());
        assert_eq!(plan(&accepted, &req, &f), Err(Invalid::PauseKind.into()));
        req.pause_kind = Some("lunch".into());
        assert_eq!(plan(&accepted, &req, &f), Err(Invalid::PauseKind.into()));
        req.pause_kind = Some("testing".into());
        req.message = None;
        assert_eq!(
            plan(&accepted, &req, &f),
            Err(Invalid::ReviewMessage.into())
        );
        req.message = Some("送检水样".into());
        // Fri 9 Oct 2026: paused until Tue 13 Oct — Fri 9, Sat 10 (a make-up workday), Mon 12.
        let c = change(plan(&accepted, &req, &f));
        assert_eq!(c.status, SubStatus::Paused);
        assert_eq!(c.paused_since, Some(date("2026-10-09")));
        assert_eq!(c.decision.pauses.len(), 1);
        assert_eq!(c.decision.pauses[0].kind, "testing");
        assert_eq!(c.decision.pauses[0].to, None);
        let paused = Item {
            status: c.status,
            paused_since: c.paused_since,
            decision: c.decision,
            ..accepted
        };
        f.today = date("2026-10-13");
        let back = change(plan(&paused, &request(ReviewAction::Resume), &f));
        assert_eq!(back.status, SubStatus::Accepted);
        assert_eq!((back.paused_since, back.paused_days), (None, 3));
        assert_eq!(back.decision.pauses[0].to.as_deref(), Some("2026-10-13"));
        assert_eq!(
            plan(&paused, &request(ReviewAction::Approve), &f),
            Err(Conflict::ActionNotPossible.into()),
            "nothing is decided while paused"
        );
    }

    #[test]
    fn a_supplement_request_stops_the_clock_and_the_answer_restarts_it() {
        let (r, cal) = (rules(), calendar());
        let f = facts(&r, &cal);
        let accepted = item(SubStatus::Accepted);
        let mut req = request(ReviewAction::RequestSupplement);
        assert_eq!(
            plan(&accepted, &req, &f),
            Err(Invalid::ReviewMessage.into())
        );
        req.message = Some("请补充健康证".into());
        req.insufficient = vec!["premises_proof".into(), "not_needed".into()];
        assert_eq!(plan(&accepted, &req, &f), Err(Invalid::Insufficient.into()));
        req.insufficient = vec!["premises_proof".into()];
        req.fields = vec!["seal.kinds".into()];
        assert_eq!(
            plan(&accepted, &req, &f),
            Err(Invalid::NamedFields.into()),
            "a field the item does not use"
        );
        req.fields = vec!["food.safety_manager".into()];
        let c = change(plan(&accepted, &req, &f));
        assert_eq!(c.decision.supplement_fields, ["food.safety_manager"]);
        assert_eq!(c.status, SubStatus::SupplementRequested);
        assert_eq!(c.paused_since, Some(date("2026-10-09")));
        assert_eq!(
            c.decision.supplement_request.as_deref(),
            Some("请补充健康证")
        );
        assert_eq!(c.decision.insufficient_materials, ["premises_proof"]);

        let waiting = Item {
            status: c.status,
            paused_since: c.paused_since,
            decision: c.decision,
            ..accepted
        };
        let back =
            supplied_by_applicant(&waiting, "已补交", &cal, date("2026-10-13")).expect("answer");
        assert_eq!(back.status, SubStatus::Accepted);
        assert_eq!(
            (back.paused_since, back.paused_days),
            (None, 3),
            "9 October, the make-up Saturday of the 10th, and the 12th"
        );
        assert_eq!(back.decision.supplement_reply.as_deref(), Some("已补交"));
        assert_eq!(
            supplied_by_applicant(&item(SubStatus::Accepted), "x", &cal, date("2026-10-13")),
            Err(Conflict::NothingToAnswer.into())
        );
    }

    #[test]
    fn an_approval_needs_its_certificate_and_waits_for_owed_materials() {
        let (r, cal) = (rules(), calendar());
        let mut f = facts(&r, &cal);
        let accepted = item(SubStatus::Accepted);
        let mut req = request(ReviewAction::Approve);
        assert_eq!(plan(&accepted, &req, &f), Err(Invalid::Certificate.into()));
        req.certificate = Some(" JY34114220000001 ".into());
        let c = change(plan(&accepted, &req, &f));
        assert_eq!(c.status, SubStatus::Approved);
        assert_eq!(c.decision.certificate.as_deref(), Some("JY34114220000001"));
        assert_eq!(
            c.decision.valid_until.as_deref(),
            Some("2031-10-09"),
            "five years"
        );
        // A numbered item: a typed number is kept, none left for the numbering rule, and a
        // number longer than a certificate number may be is still refused.
        f.numbered = true;
        let c = change(plan(&accepted, &req, &f));
        assert_eq!(c.decision.certificate.as_deref(), Some("JY34114220000001"));
        req.certificate = Some("  ".into());
        let c = change(plan(&accepted, &req, &f));
        assert_eq!(
            (c.status, c.decision.certificate),
            (SubStatus::Approved, None)
        );
        req.certificate = Some("9".repeat(41));
        assert_eq!(plan(&accepted, &req, &f), Err(Invalid::Certificate.into()));
        f.numbered = false;
        req.certificate = Some(" JY34114220000001 ".into());
        f.owed = vec![Text::new("食品安全管理制度", "Food safety rules")];
        assert!(matches!(
            plan(&accepted, &req, &f),
            Err(Error::Conflict(Conflict::MaterialsOwed(names))) if names.len() == 1
        ));
        req.version = 2;
        assert_eq!(plan(&accepted, &req, &f), Err(Error::Stale));
        req.version = 3;
        assert_eq!(
            plan(&item(SubStatus::Approved), &req, &f),
            Err(Conflict::ActionNotPossible.into()),
            "decided is final"
        );
    }

    #[test]
    fn the_commitment_path_needs_the_applicants_choice_and_a_follow_up_day() {
        let (r, cal) = (rules(), calendar());
        let mut f = facts(&r, &cal);
        let accepted = item(SubStatus::Accepted);
        let mut req = request(ReviewAction::ApproveByCommitment);
        req.certificate = Some("JY1".into());
        assert_eq!(
            plan(&accepted, &req, &f),
            Err(Conflict::NoCommitmentPath.into())
        );
        f.commitment_chosen = true;
        req.follow_up_on = Some("2026-10-09".into());
        assert_eq!(
            plan(&accepted, &req, &f),
            Err(Invalid::FollowUpOn.into()),
            "after today"
        );
        req.follow_up_on = Some("2027-01-04".into());
        let c = change(plan(&accepted, &req, &f));
        assert!(c.decision.by_commitment);
        assert_eq!(c.decision.follow_up_on.as_deref(), Some("2027-01-04"));
    }

    #[test]
    fn an_inspection_pauses_every_item_of_the_visit_until_it_is_recorded() {
        let cal = calendar();
        let accepted = item(SubStatus::Accepted);
        let on = date("2026-10-12");
        let s = schedule(&accepted, on, 4, date("2026-10-09")).expect("scheduled");
        assert_eq!(s.status, SubStatus::InspectionScheduled);
        assert_eq!(s.inspection_id, Some(4));
        assert_eq!(s.decision.inspection_on.as_deref(), Some("2026-10-12"));
        let waiting = Item {
            status: s.status,
            paused_since: s.paused_since,
            inspection_id: s.inspection_id,
            decision: s.decision,
            ..accepted.clone()
        };
        assert_eq!(
            schedule(&waiting, on, 5, date("2026-10-09")),
            Err(Conflict::InspectionNotPossible.into())
        );
        let r = record(&waiting, "符合要求", &cal, date("2026-10-13")).expect("recorded");
        assert_eq!(
            (r.status, r.paused_days),
            (SubStatus::Accepted, 3),
            "9, 10 (make-up), 12"
        );
        assert_eq!(r.decision.inspection_result.as_deref(), Some("符合要求"));
        assert_eq!(record(&accepted, "x", &cal, date("2026-10-13")), None);
    }
}
