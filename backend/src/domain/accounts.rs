//! Staff accounts: what a username, a name and a placement (role and department) may be, which
//! changes an administrator may make (never to their own standing, never leaving the bureau
//! without an active administrator), and the one-time link with which staff set a password.

use shared::catalogue::Catalogue;
use shared::staff::Role;

use super::error::{Conflict, Invalid};

/// A set-password link works for a day.
pub const LINK_SECS: i64 = 24 * 3600;

/// Who an account is: a person, who logs in with a password and holds a session for the
/// working day, or a machine client — a department's own system (税务, 公安, 消防…) — that
/// takes a short-lived access token with its secret (OAuth 2.0 client credentials) and acts as
/// a reviewer of its department, under the same access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    Client,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Client => "client",
        }
    }

    /// How long what a login gives lasts (seconds): a person's session, a client's token.
    pub const fn lasts(self) -> i64 {
        match self {
            Kind::Person => 12 * 3600,
            Kind::Client => 15 * 60,
        }
    }

    /// The audit log's name for a login of this kind.
    pub fn login_action(self) -> &'static str {
        match self {
            Kind::Person => "login",
            Kind::Client => "client.token",
        }
    }
}

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

/// What a placement is: the role, its department and an inspector's certificate number.
pub type Placement = (Role, Option<String>, Option<String>);

/// A role, department and certificate number that fit together: a reviewer and an inspector
/// belong to one department of the catalogue, the window's clerk and the administrator to none;
/// an inspector holds a certificate number (执法证号, 1–40 characters), no one else has one.
pub fn placement(
    role: &str,
    department: Option<&str>,
    certificate: Option<&str>,
    catalogue: &Catalogue,
) -> Result<Placement, Invalid> {
    let role = Role::parse(role).ok_or(Invalid::Role)?;
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    let department = match (role.has_department(), department) {
        (true, Some(d)) if catalogue.department(d).is_some() => Some(d.to_string()),
        (true, _) | (false, Some(_)) => return Err(Invalid::Department),
        (false, None) => None,
    };
    let certificate = certificate.map(str::trim).filter(|c| !c.is_empty());
    let fits = |c: &str| c.chars().count() <= 40 && !c.chars().any(char::is_control);
    let certificate = match (role, certificate) {
        (Role::Inspector, Some(c)) if fits(c) => Some(c.to_string()),
        (Role::Inspector, _) | (_, Some(_)) => return Err(Invalid::StaffCertificate),
        (_, None) => None,
    };
    Ok((role, department, certificate))
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
    fn reviewers_and_inspectors_have_a_department_and_inspectors_a_certificate() {
        let c = catalogue();
        let place = |role, d, cert| placement(role, d, cert, &c);
        assert_eq!(
            place("reviewer", Some("samr"), None),
            Ok((Role::Reviewer, Some("samr".into()), None))
        );
        assert_eq!(place("reviewer", None, None), Err(Invalid::Department));
        assert_eq!(place("reviewer", Some(" "), None), Err(Invalid::Department));
        assert_eq!(
            place("reviewer", Some("nasa"), None),
            Err(Invalid::Department)
        );
        assert_eq!(place("clerk", Some("samr"), None), Err(Invalid::Department));
        assert_eq!(
            place("clerk", Some(""), None),
            Ok((Role::Clerk, None, None))
        );
        assert_eq!(place("admin", None, None), Ok((Role::Admin, None, None)));
        assert_eq!(place("root", None, None), Err(Invalid::Role));
        assert_eq!(
            place("inspector", Some("samr"), Some(" 豫市监执 0412 ")),
            Ok((
                Role::Inspector,
                Some("samr".into()),
                Some("豫市监执 0412".into())
            ))
        );
        assert_eq!(
            place("inspector", Some("samr"), None),
            Err(Invalid::StaffCertificate)
        );
        assert_eq!(
            place("inspector", None, Some("1")),
            Err(Invalid::Department)
        );
        let long = "9".repeat(41);
        assert_eq!(
            place("inspector", Some("samr"), Some(&long)),
            Err(Invalid::StaffCertificate)
        );
        assert_eq!(
            place("reviewer", Some("samr"), Some("1")),
            Err(Invalid::StaffCertificate)
        );
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
