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

/// The window's decision on `app` (whose applying items and materials are `cart`, and whose
/// materials with a file in are `uploaded`): the new intake state and notice. Acceptance goes
/// by the checklist (收件清单): each material asked of this applicant is uploaded, received on
/// paper, or to follow where the catalogue allows it (容缺) — none may be missing.
pub fn decide(
    app: &Application,
    req: &IntakeRequest,
    cart: &Cart,
    uploaded: &[String],
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
            super::correction::check_named(cart, &req.fields, &req.materials)?;
            Ok((
                IntakeStatus::CorrectionRequested,
                IntakeNotice {
                    correction: Some(notice.into()),
                    fields: req.fields.clone(),
                    materials: req.materials.clone(),
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
            let asked = |m: &String| cart.materials.iter().any(|x| &x.material.id == m);
            let on_paper: Vec<String> = req
                .paper_materials
                .iter()
                .filter(|m| !uploaded.contains(m) && !req.missing_materials.contains(m))
                .cloned()
                .collect();
            if !on_paper.iter().all(asked) {
                return Err(Invalid::PaperMaterials.into());
            }
            let missing: Vec<Text> = cart
                .materials
                .iter()
                .filter(|x| {
                    let id = &x.material.id;
                    !uploaded.contains(id)
                        && !on_paper.contains(id)
                        && !req.missing_materials.contains(id)
                })
                .map(|x| x.material.name.clone())
                .collect();
            if !missing.is_empty() {
                return Err(Invalid::MaterialsMissing(missing).into());
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
                    paper_materials: on_paper,
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

/// An owed material (容缺) has arrived (`on_paper`: at the window, else uploaded): the notice
/// without it (and without the day, once nothing is owed), or `None` if it was not owed.
pub fn arrived(notice: &IntakeNotice, material: &str, on_paper: bool) -> Option<IntakeNotice> {
    if !notice.missing_materials.iter().any(|m| m == material) {
        return None;
    }
    let left: Vec<String> = notice
        .missing_materials
        .iter()
        .filter(|m| *m != material)
        .cloned()
        .collect();
    let mut paper = notice.paper_materials.clone();
    if on_paper {
        paper.push(material.to_string());
    }
    Some(IntakeNotice {
        bring_by: notice.bring_by.clone().filter(|_| !left.is_empty()),
        missing_materials: left,
        paper_materials: paper,
        ..notice.clone()
    })
}

/// The window takes back a 容缺 choice made in error: the notice without `material` (and
/// without the day, once nothing is owed) — only while it is owed and no item needing it
/// (`needed_by_decided`) is decided, with a reason for the record.
pub fn withdraw_owed(
    notice: &IntakeNotice,
    material: &str,
    needed_by_decided: bool,
    reason: &str,
) -> Result<IntakeNotice, Error> {
    message(Some(reason)).ok_or(Invalid::Reason)?;
    let left = arrived(notice, material, false).ok_or(Conflict::NotOwed)?;
    if needed_by_decided {
        return Err(Conflict::OwedItemDecided.into());
    }
    Ok(left)
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
            fields: vec![],
            materials: vec![],
            paper_materials: vec![],
            missing_materials: vec![],
            bring_by: None,
        }
    }

    #[test]
    fn the_window_accepts_with_secondary_materials_to_follow_or_corrects_once() {
        let today = shared::date::parse_iso_date("2026-12-01").expect("date");
        let (cart, submitted) = (cart(), app(IntakeStatus::Submitted));
        let uploaded: Vec<String> = vec!["id_card".into(), "layout_plan".into()];
        let mut accept = req(IntakeDecision::Accept);
        // The checklist: what is not uploaded is received on paper, or the acceptance fails
        // naming it.
        let Err(Error::Invalid(Invalid::MaterialsMissing(names))) =
            decide(&submitted, &accept, &cart, &uploaded, today)
        else {
            panic!("nothing on paper");
        };
        let names: Vec<&str> = names.iter().map(|n| n.zh.as_str()).collect();
        assert!(
            names.contains(&"经营场所使用证明") && !names.contains(&"经营者（法定代表人）身份证件"),
            "{names:?}"
        );
        accept.paper_materials = cart
            .materials
            .iter()
            .map(|m| m.material.id.clone())
            .collect();
        let (status, notice) =
            decide(&submitted, &accept, &cart, &uploaded, today).expect("accepted");
        assert_eq!(status, IntakeStatus::Accepted);
        assert!(
            !notice.paper_materials.contains(&"id_card".to_string())
                && notice
                    .paper_materials
                    .contains(&"premises_proof".to_string()),
            "an uploaded material is not on paper: {:?}",
            notice.paper_materials
        );
        accept.paper_materials.push("pharmacist_certificate".into());
        assert_eq!(
            decide(&submitted, &accept, &cart, &uploaded, today),
            Err(Invalid::PaperMaterials.into()),
            "a material the application does not need"
        );
        accept.paper_materials.pop();
        accept.missing_materials = vec!["premises_proof".into()];
        accept.bring_by = Some("2026-12-08".into());
        assert_eq!(
            decide(&submitted, &accept, &cart, &uploaded, today),
            Err(Invalid::MissingMaterials.into()),
            "a main material may not follow"
        );
        accept.missing_materials = vec!["food_safety_rules".into()];
        accept.bring_by = Some("2026-11-30".into());
        assert_eq!(
            decide(&submitted, &accept, &cart, &uploaded, today),
            Err(Invalid::BringBy.into())
        );
        accept.bring_by = Some("2026-12-08".into());
        let (_, notice) = decide(&submitted, &accept, &cart, &uploaded, today).expect("accepted");
        assert_eq!(notice.missing_materials, ["food_safety_rules"]);
        assert!(
            !notice
                .paper_materials
                .contains(&"food_safety_rules".to_string())
        );

        // Taken back while no item needing it is decided, with a reason.
        assert_eq!(
            withdraw_owed(&notice, "food_safety_rules", false, " "),
            Err(Invalid::Reason.into())
        );
        assert_eq!(
            withdraw_owed(&notice, "food_safety_rules", true, "误选"),
            Err(Conflict::OwedItemDecided.into())
        );
        assert_eq!(
            withdraw_owed(&notice, "premises_proof", false, "误选"),
            Err(Conflict::NotOwed.into())
        );
        let back = withdraw_owed(&notice, "food_safety_rules", false, "误选").expect("withdrawn");
        assert!(back.missing_materials.is_empty() && back.bring_by.is_none());

        let mut correct = req(IntakeDecision::Correct);
        assert_eq!(
            decide(&submitted, &correct, &cart, &uploaded, today),
            Err(Invalid::Notice.into())
        );
        correct.notice = Some(" 请补充场地证明 ".into());
        correct.fields = vec!["no.such".into()];
        assert_eq!(
            decide(&submitted, &correct, &cart, &uploaded, today),
            Err(Invalid::NamedFields.into())
        );
        correct.fields = vec!["premises.address".into()];
        correct.materials = vec!["premises_proof".into()];
        let (status, notice) =
            decide(&submitted, &correct, &cart, &uploaded, today).expect("corrected");
        assert_eq!(notice.fields, ["premises.address"]);
        assert_eq!(notice.materials, ["premises_proof"]);
        assert_eq!(status, IntakeStatus::CorrectionRequested);
        assert_eq!(notice.correction.as_deref(), Some("请补充场地证明"));

        correct.version = 1;
        assert_eq!(
            decide(&submitted, &correct, &cart, &uploaded, today),
            Err(Error::Stale)
        );
        correct.version = 2;
        assert_eq!(
            decide(
                &app(IntakeStatus::Accepted),
                &correct,
                &cart,
                &uploaded,
                today
            ),
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
        let one = arrived(&owed, "a", false).expect("owed");
        assert_eq!(one.missing_materials, ["b"]);
        assert_eq!(one.bring_by.as_deref(), Some("2026-12-08"));
        assert!(one.paper_materials.is_empty(), "uploaded");
        let none = arrived(&one, "b", true).expect("owed");
        assert!(none.missing_materials.is_empty() && none.bring_by.is_none());
        assert_eq!(none.paper_materials, ["b"], "brought to the window");
        assert_eq!(arrived(&none, "b", true), None, "not owed any more");
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
