//! The one access policy: may this staff member see or do this with this record. Every staff
//! use case asks here and nowhere else decides who may.
//!
//! - A **role** may or may not do a kind of thing at all ([`Act`]): refused with 403.
//! - A **record** a staff member may not see does not exist for them: 404. A reviewer sees the
//!   items of their department, the answers those items use (the automatic split), the
//!   materials they need, the history of those items, their department's permits and holder
//!   requests. The one window (clerk) and the administrator see every application whole; the
//!   electronic archive (every answer, every material) is theirs alone.

use serde::Deserialize;
use shared::catalogue::{Catalogue, MergedMaterial};
use shared::form::Answers;
use shared::staff::Role;

use super::error::{Error, Refusal};
use super::licence::REGISTRATION;
use super::records::{HolderRequest, Item, Permit, StaffMember};

/// A kind of thing only some roles do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// See the applications waiting at the one window.
    SeeIntakeQueue,
    /// Accept an application or send the correction notice.
    DecideIntake,
    /// Record an owed material brought on paper.
    RecordPaperMaterial,
    /// See one's department's queue and act on its items: review, inspect, permits, requests.
    Review,
    /// Replace the dishonesty list.
    ImportDishonestyList,
    /// Staff accounts: add, change, deactivate, reset a password, end sessions.
    ManageStaff,
    /// See the background jobs and try a given-up one again.
    ManageJobs,
    /// Make and draw inspection plans (双随机), see the inspection objects database.
    PlanInspections,
    /// See commitment follow-ups (a reviewer their department's).
    SeeFollowUps,
    /// Record what a follow-up found (the department's inspectors, or its reviewers).
    RecordFollowUp,
    /// See one's own inspection tasks (双随机) and record their results.
    Inspect,
    /// See applications at all (the worklist, an application, its files): not inspectors.
    SeeApplications,
    /// See the statistics, the dashboard and their exports: every department's.
    SeeStatistics,
    /// Record a certificate or decision collected on paper at the window (出件窗口, 送达).
    RecordDelivery,
}

impl Act {
    /// The roles that may.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Act::SeeIntakeQueue | Act::RecordPaperMaterial => &[Role::Clerk, Role::Admin],
            Act::DecideIntake | Act::RecordDelivery => &[Role::Clerk],
            Act::Review => &[Role::Reviewer],
            Act::RecordFollowUp => &[Role::Reviewer, Role::Inspector],
            Act::SeeFollowUps => &[Role::Reviewer, Role::Inspector, Role::Admin],
            Act::Inspect => &[Role::Inspector],
            Act::SeeApplications => &[Role::Clerk, Role::Reviewer, Role::Admin],
            Act::SeeStatistics => &[Role::Leader, Role::Admin],
            Act::ImportDishonestyList
            | Act::ManageStaff
            | Act::ManageJobs
            | Act::PlanInspections => &[Role::Admin],
        }
    }
}

/// The policy for one staff member.
#[derive(Clone, Copy)]
pub struct Access<'a> {
    pub staff: &'a StaffMember,
    catalogue: &'a Catalogue,
}

/// The audit entry facts the history's visibility depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFacts {
    /// `application LB-…`, `item 7`, `inspection 3`.
    pub subject: String,
    pub action: String,
    pub actor: String,
    /// Items (sub-application ids) the entry names, e.g. a scheduled joint inspection's.
    pub items: Vec<i64>,
    /// A catalogue item it names (an applicant's supplement answer).
    pub item: Option<String>,
    /// A material it names (a read, an arrival).
    pub material: Option<String>,
}

impl EntryFacts {
    /// The facts of an entry: its subject, action, actor, and what its recorded states name.
    pub fn of(subject: &str, action: &str, actor: &str, states: &[&str]) -> EntryFacts {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Named {
            items: Vec<i64>,
            item: Option<String>,
            material: Option<String>,
        }
        let mut facts = EntryFacts {
            subject: subject.into(),
            action: action.into(),
            actor: actor.into(),
            ..EntryFacts::default()
        };
        for s in states {
            let named: Named = serde_json::from_str(s).unwrap_or_default();
            facts.items.extend(named.items);
            facts.item = facts.item.or(named.item);
            facts.material = facts.material.or(named.material);
        }
        facts
    }
}

/// Entries about the whole application that every reviewer of one of its items needs.
const APPLICATION_WIDE: [&str; 5] = [
    "application.filed",
    "intake.accepted",
    "intake.correction_requested",
    "reply.correction",
    "application.file_at_counter",
];

impl<'a> Access<'a> {
    pub fn new(staff: &'a StaffMember, catalogue: &'a Catalogue) -> Access<'a> {
        Access { staff, catalogue }
    }

    /// The department whose items alone the staff member sees (`None`: every department's).
    /// An inspector sees no application at all (their work is supervision's): no department
    /// matches the empty one.
    fn reviewer(&self) -> Option<&str> {
        match self.staff.role {
            Role::Reviewer => Some(self.staff.department.as_deref().unwrap_or("")),
            Role::Inspector => Some(""),
            _ => None,
        }
    }

    /// The department whose supervision records (follow-ups) alone a reviewer or an inspector
    /// sees (`None`: every department's).
    pub fn only_department(&self) -> Option<&str> {
        match self.staff.role {
            Role::Reviewer | Role::Inspector => {
                Some(self.staff.department.as_deref().unwrap_or(""))
            }
            _ => None,
        }
    }

    /// A supervision record of `department` (a follow-up): see `only_department`.
    pub fn of_department(&self, department: &str) -> bool {
        self.only_department().is_none_or(|d| d == department)
    }

    /// 403 unless the staff member's role may do `act`.
    pub fn require(&self, act: Act) -> Result<(), Error> {
        if act.roles().contains(&self.staff.role) {
            Ok(())
        } else {
            Err(Error::Forbidden(Refusal::Role))
        }
    }

    /// An item of `department`: a reviewer sees their department's only.
    pub fn item(&self, department: &str) -> bool {
        self.reviewer().is_none_or(|d| d == department)
    }

    /// An application with these items: seen by whoever sees one of them.
    pub fn application(&self, items: &[Item]) -> bool {
        items.iter().any(|i| self.item(&i.department))
    }

    /// The answers the staff member sees: a reviewer those their items use (each item's own
    /// copies of per-item facts included); the window and administrators all of them.
    pub fn answers(&self, items: &[Item], all: Answers) -> Answers {
        all.into_iter()
            .filter(|(k, _)| self.field(items, k))
            .collect()
    }

    /// Whether the staff member sees the answer to field `key` (see `answers`): also what a
    /// reply changed in it.
    pub fn field(&self, items: &[Item], key: &str) -> bool {
        if self.reviewer().is_none() {
            return true;
        }
        items
            .iter()
            .filter(|i| self.item(&i.department))
            .filter_map(|i| self.catalogue.item(&i.item))
            .any(|i| {
                i.fields
                    .iter()
                    .any(|k| k == key || shared::rules::instance_key(k, &i.id) == key)
            })
    }

    /// A material of an application (`materials`: what its items need): a reviewer reads it
    /// when one of their department's items needs it; the window and administrators always.
    pub fn material(&self, materials: &[MergedMaterial], material: &str) -> bool {
        let Some(department) = self.reviewer() else {
            return true;
        };
        materials
            .iter()
            .filter(|m| m.material.id == material)
            .flat_map(|m| &m.needed_by)
            .any(|item| {
                self.catalogue
                    .item(item)
                    .is_some_and(|i| i.department == department)
            })
    }

    /// The whole electronic archive: every answer and every material, for the window and the
    /// administrators (a reviewer's share is what the application page shows them).
    pub fn archive(&self) -> bool {
        self.reviewer().is_none()
    }

    /// One entry of an application's history (`items`: all the application's items; `needed`:
    /// the materials they need). A reviewer sees what was done to their items and their
    /// inspections, what every reviewer needs about the application as a whole, and what they
    /// did themselves — not other departments' decisions or credit checks, nor others' reads.
    pub fn history(&self, e: &EntryFacts, items: &[Item], needed: &[MergedMaterial]) -> bool {
        let Some(department) = self.reviewer() else {
            return true;
        };
        let mine = |id: i64| {
            items
                .iter()
                .any(|i| i.id == id && i.department == department)
        };
        if e.actor == self.staff.username {
            return true;
        }
        if let Some(id) = e.subject.strip_prefix("item ") {
            return id.parse().is_ok_and(mine);
        }
        if let Some(id) = e.subject.strip_prefix("inspection ") {
            let id: Option<i64> = id.parse().ok();
            return items
                .iter()
                .any(|i| i.inspection_id.is_some() && i.inspection_id == id && mine(i.id));
        }
        match e.action.as_str() {
            a if APPLICATION_WIDE.contains(&a) => true,
            "inspection.schedule" => e.items.iter().any(|id| mine(*id)),
            "reply.supplement" => e.item.as_deref().is_some_and(|item| {
                items
                    .iter()
                    .any(|i| i.item == item && i.department == department)
            }),
            "material.arrived" | "intake.owed_withdrawn" => e
                .material
                .as_deref()
                .is_some_and(|m| self.material(needed, m)),
            _ => false,
        }
    }

    /// A holder request: for the department that decides it.
    pub fn holder_request(&self, r: &HolderRequest) -> bool {
        self.staff.department.as_deref() == Some(r.department.as_str())
    }

    /// A permit's state: changed by its issuing department only.
    pub fn permit(&self, p: &Permit) -> bool {
        self.staff.department.as_deref() == Some(p.department.as_str())
    }

    /// Changes of the licence itself: the registration authority (the department of the
    /// business registration) records them.
    pub fn registers_changes(&self) -> Result<(), Error> {
        let authority = self.catalogue.item(REGISTRATION).map(|i| &i.department);
        if self
            .staff
            .department
            .as_ref()
            .is_some_and(|d| Some(d) == authority)
        {
            Ok(())
        } else {
            Err(Error::Forbidden(Refusal::NotRegistrationAuthority))
        }
    }

    /// The department of a reviewer (empty for other roles: they have no queue).
    pub fn department(&self) -> &str {
        self.staff.department.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::tests::item;
    use shared::status::SubStatus;

    fn catalogue() -> Catalogue {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        crate::catalogue::load(&dir).expect("the shipped catalogue")
    }

    fn staff(role: Role, department: Option<&str>) -> StaffMember {
        StaffMember {
            id: 1,
            username: "someone".into(),
            display_name: "某人".into(),
            role,
            department: department.map(str::to_string),
            email: None,
        }
    }

    /// A restaurant's food permit (market regulation) and seal filing (police).
    fn items() -> Vec<Item> {
        let food = item(SubStatus::Accepted);
        let seal = Item {
            id: 8,
            item: "seal_filing".into(),
            department: "psb".into(),
            ..food.clone()
        };
        vec![food, seal]
    }

    #[test]
    fn each_role_does_only_its_own_kind_of_work() {
        let c = catalogue();
        let (clerk, reviewer, admin) = (
            staff(Role::Clerk, None),
            staff(Role::Reviewer, Some("samr")),
            staff(Role::Admin, None),
        );
        let may = |s: &StaffMember, act| Access::new(s, &c).require(act).is_ok();
        assert!(may(&clerk, Act::DecideIntake) && !may(&admin, Act::DecideIntake));
        assert!(may(&admin, Act::SeeIntakeQueue) && !may(&reviewer, Act::SeeIntakeQueue));
        assert!(may(&reviewer, Act::Review) && !may(&clerk, Act::Review));
        assert!(may(&admin, Act::ImportDishonestyList) && !may(&clerk, Act::ManageStaff));
        assert!(Access::new(&reviewer, &c).registers_changes().is_ok());
        let police = staff(Role::Reviewer, Some("psb"));
        assert_eq!(
            Access::new(&police, &c).registers_changes(),
            Err(Error::Forbidden(Refusal::NotRegistrationAuthority))
        );
    }

    #[test]
    fn a_reviewer_sees_their_departments_items_answers_and_materials_only() {
        let c = catalogue();
        let police = staff(Role::Reviewer, Some("psb"));
        let health = staff(Role::Reviewer, Some("health"));
        let clerk = staff(Role::Clerk, None);
        let items = items();
        let a = Access::new(&police, &c);
        assert!(a.item("psb") && !a.item("samr"));
        assert!(a.application(&items));
        assert!(!Access::new(&health, &c).application(&items));
        let answers: Answers = [
            ("seal.kinds", serde_json::json!(["official"])),
            (
                "legal_rep.id_number",
                serde_json::json!("11010519491231002x"),
            ),
            ("food.categories", serde_json::json!(["hot_food"])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let seen = a.answers(&items, answers.clone());
        assert!(seen.contains_key("seal.kinds"));
        assert!(!seen.contains_key("food.categories"));
        assert_eq!(
            Access::new(&clerk, &c).answers(&items, answers.clone()),
            answers
        );
        let view = c.bundle_view("restaurant").expect("bundle");
        let materials = view
            .resolve(
                &serde_json::from_value(serde_json::json!({"business.employees": 3}))
                    .expect("answers"),
            )
            .materials;
        assert!(
            a.material(&materials, "id_card"),
            "the seal filing needs the ID card"
        );
        assert!(!a.material(&materials, "premises_proof"));
        assert!(Access::new(&clerk, &c).material(&materials, "premises_proof"));
        assert!(!a.archive() && Access::new(&clerk, &c).archive());
    }

    #[test]
    fn a_reviewers_history_holds_their_items_and_what_concerns_everyone() {
        let c = catalogue();
        let police = staff(Role::Reviewer, Some("psb"));
        let admin = staff(Role::Admin, None);
        let mut items = items();
        items[0].inspection_id = Some(3);
        let a = Access::new(&police, &c);
        let entry = |subject: &str, action: &str, actor: &str, after: &str| {
            EntryFacts::of(subject, action, actor, &["null", after])
        };
        let seen = |e: &EntryFacts| a.history(e, &items, &[]);
        let app = "application LB-20260924-0001";
        assert!(seen(&entry("item 8", "review.reject", "psb1", "{}")));
        assert!(
            !seen(&entry("item 7", "review.approve", "samr1", "{}")),
            "another department's decision"
        );
        assert!(!seen(&entry("item 7", "credit.check", "samr1", "{}")));
        assert!(!seen(&entry(
            "inspection 3",
            "inspection.record",
            "samr1",
            "{}"
        )));
        assert!(seen(&entry(app, "intake.accepted", "clerk", "{}")));
        assert!(
            !seen(&entry(app, "view", "clerk", "null")),
            "another's view"
        );
        assert!(
            !seen(&entry(
                app,
                "material.download",
                "samr1",
                r#"{"material":"premises_proof"}"#
            )),
            "another's file read"
        );
        assert!(seen(&entry(app, "view", "someone", "null")), "their own");
        assert!(!seen(&entry(
            app,
            "inspection.schedule",
            "samr1",
            r#"{"items":[7]}"#
        )));
        assert!(seen(&entry(
            app,
            "inspection.schedule",
            "samr1",
            r#"{"items":[7,8]}"#
        )));
        let reply = EntryFacts::of(
            app,
            "reply.supplement",
            "applicant",
            &[r#"{"item":"seal_filing"}"#, "{}"],
        );
        assert!(seen(&reply));
        let everything = Access::new(&admin, &c);
        assert!(everything.history(&entry("item 7", "credit.check", "samr1", "{}"), &items, &[]));
    }
}
