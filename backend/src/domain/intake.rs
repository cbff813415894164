//! The one window (一口办理): accept an application — every item to its department at once,
//! perhaps with secondary materials to follow (容缺受理) — or send it back with one correction
//! notice that says everything; the applicant's answer returns it to the window; an owed
//! material that arrives leaves the list, so the items waiting for it go on.

use shared::Text;
use shared::catalogue::Cart;
use shared::staff::{IntakeDecision, IntakeRequest};
use time::Date;

use super::error::{Conflict, Error, Invalid, message};
use super::records::{Application, IntakeNotice, IntakeStatus};

/// The window's decision on `app` (whose applying items and materials are `cart`): the new
/// intake state and notice.
pub fn decide(
    app: &Application,
    req: &IntakeRequest,
    cart: &Cart,
    today: Date,
) -> Result<(IntakeStatus, IntakeNotice), Error> {
    if app.version != req.version {
        return Err(Error::Stale);
    }
    if app.intake != IntakeStatus::Submitted {
        return Err(Conflict::IntakeDecided.into());
    }
    match req.decision {
        IntakeDecision::Correct => {
            let notice = message(req.notice.as_deref()).ok_or(Invalid::Notice)?;
            Ok((
                IntakeStatus::CorrectionRequested,
                IntakeNotice {
                    correction: Some(notice.into()),
                    ..IntakeNotice::default()
                },
            ))
        }
        IntakeDecision::Accept => {
            let may_follow = |m: &String| {
                cart.materials
                    .iter()
                    .any(|x| &x.material.id == m && x.material.may_be_missing)
            };
            if !req.missing_materials.iter().all(may_follow) {
                return Err(Invalid::MissingMaterials.into());
            }
            let bring_by = req
                .bring_by
                .as_deref()
                .and_then(shared::date::parse_iso_date);
            if !req.missing_materials.is_empty() && bring_by.is_none_or(|d| d < today) {
                return Err(Invalid::BringBy.into());
            }
            Ok((
                IntakeStatus::Accepted,
                IntakeNotice {
                    missing_materials: req.missing_materials.clone(),
                    bring_by: req.bring_by.clone(),
                    ..IntakeNotice::default()
                },
            ))
        }
    }
}

/// The applicant's answer to the correction notice: the application returns to the window.
pub fn answer_correction(app: &Application, reply: &str) -> Result<IntakeNotice, Error> {
    if app.intake != IntakeStatus::CorrectionRequested {
        return Err(Conflict::NothingToAnswer.into());
    }
    Ok(IntakeNotice {
        reply: Some(reply.into()),
        ..app.notice.clone()
    })
}

/// The applicant's answer, as kept: trimmed, not empty, at most 2000 characters.
pub fn reply_text(m: &str) -> Result<&str, Error> {
    Ok(message(Some(m)).ok_or(Invalid::ReplyMessage)?)
}

/// An owed material (容缺) has arrived: the notice without it (and without the day, once
/// nothing is owed), or `None` if it was not owed.
pub fn arrived(notice: &IntakeNotice, material: &str) -> Option<IntakeNotice> {
    if !notice.missing_materials.iter().any(|m| m == material) {
        return None;
    }
    let left: Vec<String> = notice
        .missing_materials
        .iter()
        .filter(|m| *m != material)
        .cloned()
        .collect();
    Some(IntakeNotice {
        bring_by: notice.bring_by.clone().filter(|_| !left.is_empty()),
        missing_materials: left,
        ..notice.clone()
    })
}

/// The owed materials that an item needing `needs` waits for.
pub fn owed_for<'a>(notice: &'a IntakeNotice, needs: &[String]) -> Vec<&'a str> {
    notice
        .missing_materials
        .iter()
        .filter(|m| needs.contains(m))
        .map(String::as_str)
        .collect()
}

/// Names, for a message.
pub fn names<'a>(ids: &[&str], name: impl Fn(&str) -> Option<&'a Text>) -> Vec<Text> {
    ids.iter().filter_map(|id| name(id)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(intake: IntakeStatus) -> Application {
        Application {
            id: 1,
            number: "LB-20261201-0001".into(),
            bundle: "restaurant".into(),
            answers: Default::default(),
            intake,
            version: 2,
            submitted_at: 0,
            notice: IntakeNotice::default(),
            filed_by: None,
            token_hash: String::new(),
        }
    }

    fn cart() -> Cart {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        c.bundle_view("restaurant")
            .expect("bundle")
            .resolve(&Default::default())
    }

    fn req(decision: IntakeDecision) -> IntakeRequest {
        IntakeRequest {
            decision,
            version: 2,
            notice: None,
            missing_materials: vec![],
            bring_by: None,
        }
    }

    #[test]
    fn the_window_accepts_with_secondary_materials_to_follow_or_corrects_once() {
        let today = shared::date::parse_iso_date("2026-12-01").expect("date");
        let (cart, submitted) = (cart(), app(IntakeStatus::Submitted));
        let mut accept = req(IntakeDecision::Accept);
        assert_eq!(
            decide(&submitted, &accept, &cart, today),
            Ok((IntakeStatus::Accepted, IntakeNotice::default()))
        );
        accept.missing_materials = vec!["premises_proof".into()];
        accept.bring_by = Some("2026-12-08".into());
        assert_eq!(
            decide(&submitted, &accept, &cart, today),
            Err(Invalid::MissingMaterials.into()),
            "a main material may not follow"
        );
        accept.missing_materials = vec!["food_safety_rules".into()];
        accept.bring_by = Some("2026-11-30".into());
        assert_eq!(
            decide(&submitted, &accept, &cart, today),
            Err(Invalid::BringBy.into())
        );
        accept.bring_by = Some("2026-12-08".into());
        let (_, notice) = decide(&submitted, &accept, &cart, today).expect("accepted");
        assert_eq!(notice.missing_materials, ["food_safety_rules"]);

        let mut correct = req(IntakeDecision::Correct);
        assert_eq!(
            decide(&submitted, &correct, &cart, today),
            Err(Invalid::Notice.into())
        );
        correct.notice = Some(" 请补充场地证明 ".into());
        let (status, notice) = decide(&submitted, &correct, &cart, today).expect("corrected");
        assert_eq!(status, IntakeStatus::CorrectionRequested);
        assert_eq!(notice.correction.as_deref(), Some("请补充场地证明"));

        correct.version = 1;
        assert_eq!(
            decide(&submitted, &correct, &cart, today),
            Err(Error::Stale)
        );
        correct.version = 2;
        assert_eq!(
            decide(&app(IntakeStatus::Accepted), &correct, &cart, today),
            Err(Conflict::IntakeDecided.into())
        );
    }

    #[test]
    fn an_owed_material_leaves_the_list_when_it_arrives() {
        let owed = IntakeNotice {
            missing_materials: vec!["a".into(), "b".into()],
            bring_by: Some("2026-12-08".into()),
            ..IntakeNotice::default()
        };
        assert_eq!(owed_for(&owed, &["b".into(), "c".into()]), ["b"]);
        let one = arrived(&owed, "a").expect("owed");
        assert_eq!(one.missing_materials, ["b"]);
        assert_eq!(one.bring_by.as_deref(), Some("2026-12-08"));
        let none = arrived(&one, "b").expect("owed");
        assert!(none.missing_materials.is_empty() && none.bring_by.is_none());
        assert_eq!(arrived(&none, "b"), None, "not owed any more");
    }

    #[test]
    fn only_a_correction_notice_can_be_answered() {
        let corrected = app(IntakeStatus::CorrectionRequested);
        assert_eq!(
            answer_correction(&corrected, "已补").map(|n| n.reply),
            Ok(Some("已补".into()))
        );
        assert_eq!(
            answer_correction(&app(IntakeStatus::Accepted), "x"),
            Err(Conflict::NothingToAnswer.into())
        );
        assert_eq!(reply_text("  "), Err(Invalid::ReplyMessage.into()));
    }
}
