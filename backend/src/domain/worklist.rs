//! The worklist's rules: what a query may ask (checked, every problem a field error), which
//! page comes next (a cursor on the sort key and the row's id, so rows filed meanwhile neither
//! repeat nor vanish), how near an item is to its deadline, and who may hand an item to whom.

use shared::calendar::Calendar;
use shared::records::IntakeStatus;
use shared::staff::Role;
use shared::status::SubStatus;
use shared::worklist::{DEFAULT_PAGE, Deadline, Kind, MAX_PAGE};
use time::Date;

use super::error::{Error, Invalid, Refusal};
use super::records::{Item, StaffMember};

/// The query as it comes (`GET /api/staff/worklist?…`), every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub kind: Option<String>,
    /// An application number (or its start), a business name (or part of it), a credit code,
    /// a legal representative's ID number.
    pub q: Option<String>,
    /// Applications: `submitted` (at the window), `accepted`, `correction_requested`; items:
    /// `open` (under review, the default), `paused`, `decided`, `waiting` (not accepted yet).
    pub state: Option<String>,
    pub department: Option<String>,
    pub bundle: Option<String>,
    /// `overdue`, `today`, `soon` (within two working days).
    pub due: Option<String>,
    /// County dates, `YYYY-MM-DD`, both included.
    pub filed_from: Option<String>,
    pub filed_to: Option<String>,
    /// `mine`, `unassigned`.
    pub assigned: Option<String>,
    /// `due` (items' default), `filed` (oldest first, applications' default), `filed_desc`.
    pub sort: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

impl Query {
    /// The query of `key=value` pairs (a query string's); an unknown key, a repeated one or a
    /// limit that is not a number is a field error.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Query, Error> {
        let mut q = Query::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "kind" => &mut q.kind,
                "q" => &mut q.q,
                "state" => &mut q.state,
                "department" => &mut q.department,
                "bundle" => &mut q.bundle,
                "due" => &mut q.due,
                "filed_from" => &mut q.filed_from,
                "filed_to" => &mut q.filed_to,
                "assigned" => &mut q.assigned,
                "sort" => &mut q.sort,
                "after" => &mut q.after,
                "limit" => {
                    q.limit = Some(v.parse().map_err(|_| field("limit"))?);
                    continue;
                }
                _ => return Err(field("query")),
            };
            if slot.replace(v.clone()).is_some() {
                return Err(field("query"));
            }
        }
        Ok(q)
    }
}

/// Which items a list of items holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Open,
    Paused,
    Decided,
    Waiting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Overdue,
    Today,
    Soon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Nearest deadline first (items without one last).
    Due,
    /// Oldest filing first.
    Filed,
    /// Newest filing first.
    FiledDesc,
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Due { due: String, id: i64 },
    Filed { at: i64, id: i64 },
}

/// The sort key of items without a deadline: after every date.
pub const NO_DUE: &str = "9999-12-31";

impl Cursor {
    pub fn text(&self) -> String {
        match self {
            Cursor::Due { due, id } => format!("d.{due}.{id}"),
            Cursor::Filed { at, id } => format!("f.{at}.{id}"),
        }
    }

    fn parse(s: &str, sort: Sort) -> Option<Cursor> {
        let mut parts = s.splitn(3, '.');
        let (kind, key, id) = (parts.next()?, parts.next()?, parts.next()?.parse().ok()?);
        match (kind, sort) {
            ("d", Sort::Due) => (key == NO_DUE || shared::date::parse_iso_date(key).is_some())
                .then(|| Cursor::Due {
                    due: key.into(),
                    id,
                }),
            ("f", Sort::Filed | Sort::FiledDesc) => Some(Cursor::Filed {
                at: key.parse().ok()?,
                id,
            }),
            _ => None,
        }
    }
}

/// A checked query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub kind: Kind,
    /// Trimmed, 1–60 characters.
    pub search: Option<String>,
    pub intake: Option<IntakeStatus>,
    pub items: ItemState,
    pub department: Option<String>,
    pub bundle: Option<String>,
    pub due: Option<Due>,
    /// County dates.
    pub filed_from: Option<Date>,
    pub filed_to: Option<Date>,
    pub mine: Option<bool>,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: u32,
}

fn field(name: &'static str) -> Error {
    Invalid::Worklist(name).into()
}

/// Checks a query for `staff` (a reviewer sees their own department only, whatever they ask).
pub fn filter(q: &Query, staff: &StaffMember) -> Result<Filter, Error> {
    let kind = match q.kind.as_deref() {
        None if staff.role == Role::Reviewer => Kind::Items,
        None | Some("applications") => Kind::Applications,
        Some("items") => Kind::Items,
        Some(_) => return Err(field("kind")),
    };
    let search = match q.q.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) if s.chars().count() <= 60 => Some(s.to_string()),
        Some(_) => return Err(field("q")),
    };
    let (intake, items) = match (kind, q.state.as_deref()) {
        (_, None) => (None, ItemState::Open),
        (Kind::Applications, Some(s)) => (
            Some(IntakeStatus::parse(s).ok_or_else(|| field("state"))?),
            ItemState::Open,
        ),
        (Kind::Items, Some("open")) => (None, ItemState::Open),
        (Kind::Items, Some("paused")) => (None, ItemState::Paused),
        (Kind::Items, Some("decided")) => (None, ItemState::Decided),
        (Kind::Items, Some("waiting")) => (None, ItemState::Waiting),
        (Kind::Items, Some(_)) => return Err(field("state")),
    };
    let department = match (staff.role, q.department.as_deref()) {
        (Role::Reviewer, _) => staff.department.clone(),
        (_, None | Some("")) => None,
        (_, Some(d)) if d.len() <= 40 => Some(d.to_string()),
        (_, Some(_)) => return Err(field("department")),
    };
    let due = match q.due.as_deref() {
        None | Some("") => None,
        Some("overdue") => Some(Due::Overdue),
        Some("today") => Some(Due::Today),
        Some("soon") => Some(Due::Soon),
        Some(_) => return Err(field("due")),
    };
    let date = |v: &Option<String>, name| match v.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => shared::date::parse_iso_date(s)
            .map(Some)
            .ok_or_else(|| field(name)),
    };
    let (filed_from, filed_to) = (
        date(&q.filed_from, "filed_from")?,
        date(&q.filed_to, "filed_to")?,
    );
    let mine = match q.assigned.as_deref() {
        None | Some("") => None,
        Some("mine") => Some(true),
        Some("unassigned") => Some(false),
        Some(_) => return Err(field("assigned")),
    };
    let sort = match (kind, q.sort.as_deref()) {
        (Kind::Items, None) | (_, Some("due")) => Sort::Due,
        (Kind::Applications, None) | (_, Some("filed")) => Sort::Filed,
        (_, Some("filed_desc")) => Sort::FiledDesc,
        (_, Some(_)) => return Err(field("sort")),
    };
    if kind == Kind::Applications && sort == Sort::Due {
        return Err(field("sort"));
    }
    let after = match q.after.as_deref() {
        None | Some("") => None,
        Some(c) => Some(Cursor::parse(c, sort).ok_or_else(|| field("after"))?),
    };
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(field("limit"));
    }
    let bundle = q.bundle.clone().filter(|b| !b.is_empty() && b.len() <= 40);
    Ok(Filter {
        kind,
        search,
        intake,
        items,
        department,
        bundle,
        due,
        filed_from,
        filed_to,
        mine,
        sort,
        after,
        limit,
    })
}

/// The pairs of characters a name is found by (`睢县老张` → `睢县`, `县老`, `老张`), lower case,
/// each once: a search for a part of a name looks up its pairs in an index instead of reading
/// every name. A one-character text is its own pair.
pub fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut out: Vec<String> = if chars.len() == 1 {
        vec![chars[0].to_string()]
    } else {
        chars.windows(2).map(|w| w.iter().collect()).collect()
    };
    out.sort();
    out.dedup();
    out
}

/// How near `item` is to its deadline `due_on` on `today`.
pub fn deadline(item: &Item, due_on: Option<Date>, today: Date, calendar: &Calendar) -> Deadline {
    if item.status.is_final() || item.status == SubStatus::Submitted {
        return Deadline::None;
    }
    if item.paused_since.is_some() {
        return Deadline::Paused;
    }
    match due_on {
        None => Deadline::None,
        Some(d) if d < today => Deadline::Overdue,
        Some(d) if d == today => Deadline::Today,
        Some(d) if d <= soon(today, calendar) => Deadline::Soon,
        Some(_) => Deadline::OnTime,
    }
}

/// The last day "due within two working days" reaches, from `today`.
pub fn soon(today: Date, calendar: &Calendar) -> Date {
    calendar.due_date(today, 2)
}

/// Whether `staff` may hand an item of `department`, held by `holder`, to `to` (`None`:
/// release it). A reviewer takes an unassigned item of their department or releases their
/// own; an administrator hands any item to anyone of its department, or releases it.
pub fn may_assign(
    staff: &StaffMember,
    department: &str,
    holder: Option<&str>,
    to: Option<&StaffMember>,
) -> Result<(), Error> {
    let of_department =
        |s: &StaffMember| s.role == Role::Reviewer && s.department.as_deref() == Some(department);
    let ok = match staff.role {
        Role::Admin => to.is_none_or(of_department),
        Role::Reviewer if of_department(staff) => match to {
            Some(t) => t.username == staff.username && holder.is_none(),
            None => holder == Some(staff.username.as_str()),
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Forbidden(Refusal::Role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, department: Option<&str>, name: &str) -> StaffMember {
        StaffMember {
            id: 1,
            username: name.into(),
            display_name: name.into(),
            role,
            department: department.map(str::to_string),
            email: None,
        }
    }

    #[test]
    fn a_reviewer_sees_items_of_their_department_whatever_they_ask() {
        let samr = staff(Role::Reviewer, Some("samr"), "s");
        let q = Query {
            department: Some("psb".into()),
            ..Query::default()
        };
        let f = filter(&q, &samr).expect("checked");
        assert_eq!(
            (f.kind, f.department.as_deref(), f.sort),
            (Kind::Items, Some("samr"), Sort::Due)
        );
        let clerk = staff(Role::Clerk, None, "c");
        let f = filter(&Query::default(), &clerk).expect("checked");
        assert_eq!(
            (f.kind, f.sort, f.limit),
            (Kind::Applications, Sort::Filed, DEFAULT_PAGE)
        );
    }

    #[test]
    fn every_bad_part_is_a_field_error_and_a_cursor_must_fit_the_sort() {
        let clerk = staff(Role::Clerk, None, "c");
        for (q, name) in [
            (
                Query {
                    kind: Some("x".into()),
                    ..Query::default()
                },
                "kind",
            ),
            (
                Query {
                    due: Some("later".into()),
                    ..Query::default()
                },
                "due",
            ),
            (
                Query {
                    filed_from: Some("2026-13-01".into()),
                    ..Query::default()
                },
                "filed_from",
            ),
            (
                Query {
                    limit: Some(0),
                    ..Query::default()
                },
                "limit",
            ),
            (
                Query {
                    limit: Some(101),
                    ..Query::default()
                },
                "limit",
            ),
            (
                Query {
                    sort: Some("due".into()),
                    ..Query::default()
                },
                "sort",
            ),
            (
                Query {
                    after: Some("d.2026-12-01.4".into()),
                    ..Query::default()
                },
                "after",
            ),
            (
                Query {
                    q: Some("长".repeat(61)),
                    ..Query::default()
                },
                "q",
            ),
        ] {
            assert_eq!(filter(&q, &clerk), Err(field(name)), "{name}");
        }
        let f = filter(
            &Query {
                after: Some("f.1764633600.42".into()),
                ..Query::default()
            },
            &clerk,
        )
        .expect("fits");
        assert_eq!(
            f.after,
            Some(Cursor::Filed {
                at: 1764633600,
                id: 42
            })
        );
        assert_eq!(
            Cursor::parse(
                &Cursor::Due {
                    due: NO_DUE.into(),
                    id: 7
                }
                .text(),
                Sort::Due
            ),
            Some(Cursor::Due {
                due: NO_DUE.into(),
                id: 7
            })
        );
    }

    #[test]
    fn a_query_string_is_read_once_per_key_and_nothing_unknown_passes() {
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let q = Query::from_pairs(&pairs(&[("kind", "items"), ("limit", "20")])).expect("read");
        assert_eq!((q.kind.as_deref(), q.limit), (Some("items"), Some(20)));
        assert_eq!(
            Query::from_pairs(&pairs(&[("limit", "x")])),
            Err(field("limit"))
        );
        assert_eq!(
            Query::from_pairs(&pairs(&[("drop", "table")])),
            Err(field("query"))
        );
        assert_eq!(
            Query::from_pairs(&pairs(&[("q", "a"), ("q", "b")])),
            Err(field("query"))
        );
    }

    #[test]
    fn a_name_is_found_by_its_pairs_of_characters() {
        assert_eq!(grams("睢县老张"), ["县老", "睢县", "老张"]);
        assert_eq!(grams(" AB ab "), ["ab", "ba"]);
        assert_eq!(grams("店"), ["店"]);
        assert!(grams("").is_empty());
    }

    #[test]
    fn reviewers_take_and_release_their_own_and_the_administrator_hands_out() {
        let (a, b) = (
            staff(Role::Reviewer, Some("samr"), "a"),
            staff(Role::Reviewer, Some("samr"), "b"),
        );
        let psb = staff(Role::Reviewer, Some("psb"), "p");
        let admin = staff(Role::Admin, None, "root");
        assert!(may_assign(&a, "samr", None, Some(&a)).is_ok(), "take");
        assert!(
            may_assign(&a, "samr", Some("b"), Some(&a)).is_err(),
            "not another's"
        );
        assert!(
            may_assign(&a, "samr", None, Some(&b)).is_err(),
            "not for someone else"
        );
        assert!(
            may_assign(&a, "samr", Some("a"), None).is_ok(),
            "release one's own"
        );
        assert!(may_assign(&a, "samr", Some("b"), None).is_err());
        assert!(
            may_assign(&psb, "samr", None, Some(&psb)).is_err(),
            "another department"
        );
        assert!(may_assign(&admin, "samr", Some("a"), Some(&b)).is_ok());
        assert!(
            may_assign(&admin, "samr", None, Some(&psb)).is_err(),
            "only to its department"
        );
        assert!(may_assign(&admin, "samr", Some("a"), None).is_ok());
    }
}
