//! Staff accounts: what a username, a name and a placement (role and department) may be, which
//! changes an administrator may make (never to their own standing, never leaving the bureau
//! without an active administrator), and the one-time link with which staff set a password.

use shared::catalogue::Catalogue;
use shared::staff::Role;

use super::error::{Conflict, Invalid};

/// A set-password link works for a day.
pub const LINK_SECS: i64 = 24 * 3600;

/// A username: 1–64 ASCII letters, digits, `.`, `_` or `-` (trimmed).
pub fn username(s: &str) -> Result<&str, Invalid> {
    let s = s.trim();
    let fits = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    fits.then_some(s).ok_or(Invalid::Username)
}

/// The name shown to colleagues and on the record: 1–40 characters (trimmed).
pub fn display_name(s: &str) -> Result<&str, Invalid> {
    let s = s.trim();
    (!s.is_empty() && s.chars().count() <= 40 && !s.chars().any(char::is_control))
        .then_some(s)
        .ok_or(Invalid::DisplayName)
}

/// A role and department that fit together: a reviewer belongs to one department of the
/// catalogue, the window's clerk and the administrator to none.
pub fn placement(
    role: &str,
    department: Option<&str>,
    catalogue: &Catalogue,
) -> Result<(Role, Option<String>), Invalid> {
    let role = Role::parse(role).ok_or(Invalid::Role)?;
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    match (role, department) {
        (Role::Reviewer, Some(d)) if catalogue.department(d).is_some() => {
            Ok((role, Some(d.to_string())))
        }
        (Role::Reviewer, _) => Err(Invalid::Department),
        (_, Some(_)) => Err(Invalid::Department),
        (_, None) => Ok((role, None)),
    }
}

/// A password staff choose themselves (see `password::acceptable`).
pub fn new_password(p: &str) -> Result<(), Invalid> {
    super::password::acceptable(p)
        .then_some(())
        .ok_or(Invalid::Password)
}

/// An account as a change concerns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub id: i64,
    pub role: Role,
    pub active: bool,
}

/// Whether administrator `actor` may turn `before` into `after`, with `active_admins` active
/// administrators now: no one demotes or deactivates themselves (another administrator must),
/// and the last active administrator stays one.
pub fn may_change(
    actor: i64,
    before: Standing,
    after: Standing,
    active_admins: i64,
) -> Result<(), Conflict> {
    let was_admin = before.active && before.role == Role::Admin;
    let stays_admin = after.active && after.role == Role::Admin;
    if was_admin && !stays_admin {
        if before.id == actor {
            return Err(Conflict::OwnAccount);
        }
        if active_admins <= 1 {
            return Err(Conflict::LastAdmin);
        }
    }
    if before.id == actor && before.active && !after.active {
        return Err(Conflict::OwnAccount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        crate::catalogue::load(&dir).expect("the shipped catalogue")
    }

    #[test]
    fn usernames_and_names_are_bounded() {
        assert_eq!(username("  wang.li_2 "), Ok("wang.li_2"));
        assert_eq!(username(""), Err(Invalid::Username));
        assert_eq!(username("王丽"), Err(Invalid::Username));
        assert_eq!(username("a b"), Err(Invalid::Username));
        assert_eq!(username(&"a".repeat(65)), Err(Invalid::Username));
        assert_eq!(display_name(" 王丽 "), Ok("王丽"));
        assert_eq!(display_name(" "), Err(Invalid::DisplayName));
        assert_eq!(display_name(&"丽".repeat(41)), Err(Invalid::DisplayName));
        assert_eq!(display_name("a\u{7}b"), Err(Invalid::DisplayName));
    }

    #[test]
    fn a_reviewer_has_a_department_of_the_catalogue_and_no_one_else_has_one() {
        let c = catalogue();
        assert_eq!(
            placement("reviewer", Some("samr"), &c),
            Ok((Role::Reviewer, Some("samr".into())))
        );
        assert_eq!(placement("reviewer", None, &c), Err(Invalid::Department));
        assert_eq!(
            placement("reviewer", Some(" "), &c),
            Err(Invalid::Department)
        );
        assert_eq!(
            placement("reviewer", Some("nasa"), &c),
            Err(Invalid::Department)
        );
        assert_eq!(
            placement("clerk", Some("samr"), &c),
            Err(Invalid::Department)
        );
        assert_eq!(placement("clerk", Some(""), &c), Ok((Role::Clerk, None)));
        assert_eq!(placement("admin", None, &c), Ok((Role::Admin, None)));
        assert_eq!(placement("root", None, &c), Err(Invalid::Role));
    }

    #[test]
    fn no_one_demotes_themselves_and_the_last_administrator_stays() {
        let admin = |id, active| Standing {
            id,
            role: Role::Admin,
            active,
        };
        let clerk = |id, active| Standing {
            id,
            role: Role::Clerk,
            active,
        };
        // Oneself: neither demoted nor deactivated, whatever the count.
        assert_eq!(
            may_change(1, admin(1, true), clerk(1, true), 3),
            Err(Conflict::OwnAccount)
        );
        assert_eq!(
            may_change(1, admin(1, true), admin(1, false), 3),
            Err(Conflict::OwnAccount)
        );
        assert_eq!(may_change(1, admin(1, true), admin(1, true), 1), Ok(()));
        // Another administrator: while one more stays.
        assert_eq!(may_change(1, admin(2, true), clerk(2, true), 2), Ok(()));
        assert_eq!(
            may_change(1, admin(2, true), admin(2, false), 1),
            Err(Conflict::LastAdmin)
        );
        // Anyone else, freely; an inactive administrator is no administrator.
        assert_eq!(may_change(1, clerk(3, true), clerk(3, false), 1), Ok(()));
        assert_eq!(may_change(1, admin(4, false), clerk(4, false), 1), Ok(()));
        assert_eq!(may_change(1, clerk(3, false), admin(3, true), 1), Ok(()));
    }

    #[test]
    fn a_password_has_twelve_characters_at_least() {
        assert_eq!(new_password("short"), Err(Invalid::Password));
        assert_eq!(new_password("twelve chars"), Ok(()));
    }
}
