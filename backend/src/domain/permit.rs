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

/// 注销联办, what one request cancels among an enterprise's `permits` on `today`: `own` — the
/// permits in force that end by their department's decision, the licence's last, each a
/// request of its own; `following` — those in force whose item ends with the licence
/// (`follows`), without a decision of their own.
pub struct Cancellation<'a> {
    pub own: Vec<&'a Permit>,
    pub following: Vec<&'a Permit>,
}

pub fn cancellation<'a>(
    permits: &'a [Permit],
    follows: &[String],
    licence_item: &str,
    today: &str,
) -> Cancellation<'a> {
    let (following, mut own): (Vec<&Permit>, Vec<&Permit>) = permits
        .iter()
        .filter(|p| p.state_on(today).in_force())
        .partition(|p| p.item != licence_item && follows.contains(&p.item));
    own.sort_by_key(|p| (p.item == licence_item, p.id));
    Cancellation { own, following }
}

/// Whether the licence may end now: every other permit in force follows it (the ones that
/// do not are named: each needs its own decision first).
pub fn licence_may_end<'a>(
    permits: &'a [Permit],
    follows: &[String],
    licence_item: &str,
    today: &str,
) -> Result<Vec<&'a Permit>, Conflict> {
    let c = cancellation(permits, follows, licence_item, today);
    if c.own.iter().any(|p| p.item != licence_item) {
        return Err(Conflict::PermitsStillInForce);
    }
    Ok(c.following)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_licence_ends_last_and_its_followers_with_it() {
        let follows = vec!["seal_filing".to_string()];
        let today = "2026-12-01";
        let mut all = vec![
            held(1, "business_registration"),
            held(2, "food_business_permit"),
            held(3, "seal_filing"),
            held(4, "fire_safety_inspection"),
        ];
        all[3].state = PermitState::Cancelled;
        let c = cancellation(&all, &follows, "business_registration", today);
        let ids = |v: &[&Permit]| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&c.own),
            [2, 1],
            "the licence's request last; the ended one not asked"
        );
        assert_eq!(ids(&c.following), [3]);
        assert_eq!(
            licence_may_end(&all, &follows, "business_registration", today).err(),
            Some(Conflict::PermitsStillInForce)
        );
        all[1].state = PermitState::Cancelled;
        let ended = licence_may_end(&all, &follows, "business_registration", today);
        assert_eq!(ended.map(|v| ids(&v)), Ok(vec![3]));
        // A permit past its validity is no longer in force: it does not hold the licence.
        all[1].state = PermitState::Valid;
        all[1].valid_until = Some("2026-11-30".into());
        assert!(licence_may_end(&all, &follows, "business_registration", today).is_ok());
    }

    fn held(id: i64, item: &str) -> Permit {
        let mut p = permit(PermitState::Valid, None);
        p.id = id;
        p.item = item.into();
        p
    }

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
