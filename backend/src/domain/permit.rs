//! A permit's life after issue: which states a department may move it to, and what the public
//! sees of its holder.

use shared::records::PermitState;

use super::error::{Conflict, Error, Invalid, message};
use super::records::Permit;

/// The states a department may set, from the state the public sees today: a valid (or
/// expired) permit may be suspended, revoked or cancelled; a suspended one reinstated, revoked
/// or cancelled; a revoked or cancelled permit stays as it is.
pub fn allowed(from: PermitState, to: PermitState) -> bool {
    use PermitState::*;
    matches!(
        (from, to),
        (Valid | Expired, Suspended | Revoked | Cancelled)
            | (Suspended, Valid | Revoked | Cancelled)
    )
}

/// A department's change of one of its permits to `to` (the stored word) with `reason`:
/// the new state and the reason kept. Anything but a reinstatement needs a reason.
pub fn change(
    permit: &Permit,
    to: &str,
    reason: Option<&str>,
    today: &str,
) -> Result<(PermitState, Option<String>), Error> {
    let to = PermitState::parse(to)
        .filter(|s| *s != PermitState::Expired)
        .ok_or(Invalid::PermitState)?;
    let reason = message(reason);
    if to != PermitState::Valid && reason.is_none() {
        return Err(Invalid::PermitReason.into());
    }
    if !allowed(permit.state_on(today), to) {
        return Err(Conflict::PermitTransition.into());
    }
    Ok((to, reason.map(str::to_string)))
}

/// `张三` → `张*`: the family name and a star for each further character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permit(state: PermitState, valid_until: Option<&str>) -> Permit {
        Permit {
            id: 1,
            enterprise_id: 1,
            item: "food_business_permit".into(),
            department: "samr".into(),
            certificate: "JY1".into(),
            issued_on: "2026-11-28".into(),
            valid_until: valid_until.map(str::to_string),
            state,
            reason: None,
            updated_at: 0,
        }
    }

    #[test]
    fn revoked_and_cancelled_permits_stay_so() {
        use PermitState::*;
        let today = "2026-12-01";
        let valid = permit(Valid, Some("2031-11-27"));
        assert_eq!(
            change(&valid, "revoked", Some("以欺骗手段取得"), today),
            Ok((Revoked, Some("以欺骗手段取得".into())))
        );
        assert_eq!(
            change(&valid, "revoked", None, today),
            Err(Invalid::PermitReason.into())
        );
        assert_eq!(
            change(&valid, "expired", Some("x"), today),
            Err(Invalid::PermitState.into())
        );
        assert_eq!(
            change(&valid, "merged", Some("x"), today),
            Err(Invalid::PermitState.into())
        );
        assert_eq!(
            change(&valid, "valid", None, today),
            Err(Conflict::PermitTransition.into()),
            "already valid"
        );
        let suspended = permit(Suspended, None);
        assert_eq!(change(&suspended, "valid", None, today), Ok((Valid, None)));
        for end in [Revoked, Cancelled] {
            for to in ["valid", "suspended", "revoked", "cancelled"] {
                assert_eq!(
                    change(&permit(end, None), to, Some("x"), today),
                    Err(Conflict::PermitTransition.into()),
                    "{end:?} → {to}"
                );
            }
        }
        let expired = permit(Valid, Some("2026-11-30"));
        assert_eq!(
            change(&expired, "cancelled", Some("歇业"), today).map(|r| r.0),
            Ok(Cancelled)
        );
    }

    #[test]
    fn a_name_keeps_its_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳修文"), "欧***");
        assert_eq!(mask_name(""), "");
    }
}
