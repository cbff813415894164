//! What happens next, told to the applicant on the receipt and the status page: a few lines in
//! both languages, from the application as it stands — waiting for the window, a correction to
//! send, supplements asked, inspections set, materials owed and their day, the day everything is
//! due by, what to do when an item is past its day, where the window is and when it is open.

use shared::api::{MaterialRef, SubApplication};
use shared::catalogue::Window;
use shared::i18n::Text;
use shared::records::IntakeStatus;
use shared::status::SubStatus;

/// What the lines are made of.
pub struct Standing<'a> {
    pub intake: IntakeStatus,
    pub items: &'a [SubApplication],
    /// Materials owed (容缺) and the day they are due.
    pub owed: &'a [MaterialRef],
    pub bring_by: Option<&'a str>,
    /// `YYYY-MM-DD` in the county.
    pub today: &'a str,
    pub window: Option<&'a Window>,
}

fn t(zh: String, en: String) -> Text {
    Text { zh, en }
}

fn names(items: &[&SubApplication]) -> (String, String) {
    let zh: Vec<&str> = items.iter().map(|i| i.name.zh.as_str()).collect();
    let en: Vec<&str> = items.iter().map(|i| i.name.en.as_str()).collect();
    (zh.join("、"), en.join(", "))
}

/// The lines, most pressing first.
pub fn lines(s: &Standing) -> Vec<Text> {
    let mut out = Vec::new();
    let open: Vec<&SubApplication> = s.items.iter().filter(|i| !i.status.is_final()).collect();
    match s.intake {
        IntakeStatus::Submitted => out.push(t(
            "综合窗口审查您的申请；受理后各事项分送各部门并联审批，受理时会告知承诺办结日期。".into(),
            "The one window is checking your application; once accepted, each item goes to its department and you are told the day it will be done by.".into(),
        )),
        IntakeStatus::CorrectionRequested => out.push(t(
            "请按补正告知一次性修改、补齐后重新提交；重新提交后窗口再次审查。".into(),
            "Please correct everything the notice lists at once and send it again; the window then checks it again.".into(),
        )),
        IntakeStatus::Accepted => {}
    }
    let asked: Vec<&SubApplication> = open
        .iter()
        .copied()
        .filter(|i| i.status == SubStatus::SupplementRequested)
        .collect();
    if !asked.is_empty() {
        let (zh, en) = names(&asked);
        out.push(t(
            format!("「{zh}」需要补充：请在下方查看要求并补充；补充前该事项暂停计时。"),
            format!("{en}: a supplement is asked — see below; the item's clock waits for it."),
        ));
    }
    for i in open
        .iter()
        .filter(|i| i.status == SubStatus::InspectionScheduled)
    {
        if let Some(on) = &i.inspection_on {
            out.push(t(
                format!("「{}」现场核查定于 {on}，请届时在经营场所。", i.name.zh),
                format!(
                    "{}: on-site inspection on {on}; please be at the premises.",
                    i.name.en
                ),
            ));
        }
    }
    if !s.owed.is_empty() {
        let zh: Vec<&str> = s.owed.iter().map(|m| m.name.zh.as_str()).collect();
        let en: Vec<&str> = s.owed.iter().map(|m| m.name.en.as_str()).collect();
        let by = s.bring_by.unwrap_or("—");
        out.push(t(
            format!(
                "承诺后补的材料须于 {by} 前补交：{}。可在本页上传，也可带到窗口。",
                zh.join("、")
            ),
            format!(
                "Materials you promised are due by {by}: {}. Upload them here or bring them to the window.",
                en.join(", ")
            ),
        ));
    }
    let late: Vec<&SubApplication> = open
        .iter()
        .copied()
        .filter(|i| i.due_on.as_deref().is_some_and(|d| d < s.today))
        .collect();
    let last = open.iter().filter_map(|i| i.due_on.as_deref()).max();
    match (s.intake, last) {
        (IntakeStatus::Accepted, Some(last)) if !open.is_empty() => out.push(t(
            format!("各部门并联审批，全部事项最迟 {last} 办结（各事项的承诺日期见下）。"),
            format!(
                "The departments decide in parallel; every item is due by {last} at the latest (each item's day below)."
            ),
        )),
        (IntakeStatus::Accepted, _) if open.is_empty() && !s.items.is_empty() => out.push(t(
            "全部事项已办结：电子证照和决定书可在下方下载。".into(),
            "Every item is decided: certificates and decisions can be downloaded below.".into(),
        )),
        _ => {}
    }
    let hotline = s.window.map_or("12345", |w| w.hotline.as_str());
    if !late.is_empty() {
        let (zh, en) = names(&late);
        out.push(t(
            format!(
                "「{zh}」已超过承诺办结日期仍未办结：可到窗口或拨打 {hotline} 反映，超期情况计入部门考核。"
            ),
            format!(
                "{en}: past the promised day and not decided — tell the window or call {hotline}; lateness counts against the department."
            ),
        ));
    }
    if let Some(w) = s.window {
        out.push(t(
            format!(
                "{}：{}（以本县工作日历为准）。{}。",
                w.name.zh, w.hours.zh, w.collect.zh
            ),
            format!(
                "{}: {} (the county's working days). {}.",
                w.name.en, w.hours.en, w.collect.en
            ),
        ));
    }
    out
}

/// The lines as one text, a line each language per line.
pub fn joined(s: &Standing) -> Text {
    let l = lines(s);
    let zh: Vec<&str> = l.iter().map(|t| t.zh.as_str()).collect();
    let en: Vec<&str> = l.iter().map(|t| t.en.as_str()).collect();
    t(zh.join("\n"), en.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, status: SubStatus, due_on: Option<&str>) -> SubApplication {
        SubApplication {
            item: id.into(),
            name: Text::new(id, id),
            department: "samr".into(),
            department_name: Text::default(),
            status,
            updated_at: String::new(),
            due_on: due_on.map(String::from),
            supplement_request: None,
            insufficient: vec![],
            asked: None,
            inspection_on: None,
            pause: None,
            certificate: None,
            valid_until: None,
            reason: None,
        }
    }

    fn window() -> Window {
        Window {
            name: Text::new("窗口", "Window"),
            hours: Text::new("工作日", "Working days"),
            collect: Text::new("出件窗口领取", "Collect at the issuing window"),
            hotline: "12345".into(),
        }
    }

    fn standing<'a>(
        intake: IntakeStatus,
        items: &'a [SubApplication],
        owed: &'a [MaterialRef],
        w: &'a Window,
    ) -> Standing<'a> {
        Standing {
            intake,
            items,
            owed,
            bring_by: Some("2026-12-10"),
            today: "2026-12-06",
            window: Some(w),
        }
    }

    #[test]
    fn waiting_for_the_window_says_so_and_where_it_is() {
        let w = window();
        let items = [item("a", SubStatus::Submitted, None)];
        let l = lines(&standing(IntakeStatus::Submitted, &items, &[], &w));
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(l[0].zh.contains("综合窗口审查"));
        assert!(l[1].zh.starts_with("窗口：工作日") && l[1].zh.contains("出件窗口领取"));
    }

    #[test]
    fn accepted_names_the_last_day_the_owed_materials_and_what_is_late() {
        let w = window();
        let items = [
            item("a", SubStatus::Accepted, Some("2026-12-04")),
            item("b", SubStatus::Accepted, Some("2026-12-11")),
            item("c", SubStatus::Approved, Some("2026-12-20")),
        ];
        let owed = [MaterialRef {
            id: "m".into(),
            name: Text::new("平面图", "Plan"),
        }];
        let l = lines(&standing(IntakeStatus::Accepted, &items, &owed, &w));
        let zh: Vec<&str> = l.iter().map(|t| t.zh.as_str()).collect();
        assert!(zh[0].contains("2026-12-10 前补交：平面图"), "{zh:?}");
        assert!(
            zh[1].contains("最迟 2026-12-11 办结"),
            "open items only: {zh:?}"
        );
        assert!(zh[2].starts_with("「a」已超过承诺办结日期") && zh[2].contains("12345"));
        assert!(l[2].en.contains("call 12345"));
    }

    #[test]
    fn all_decided_points_to_the_downloads_and_a_correction_to_the_notice() {
        let w = window();
        let done = [item("a", SubStatus::Approved, Some("2026-12-01"))];
        let l = lines(&standing(IntakeStatus::Accepted, &done, &[], &w));
        assert!(l[0].zh.starts_with("全部事项已办结"), "{l:?}");
        assert!(
            !l.iter().any(|t| t.zh.contains("超过")),
            "a decided item is never late"
        );
        let l = lines(&standing(IntakeStatus::CorrectionRequested, &done, &[], &w));
        assert!(l[0].zh.contains("补正告知"));
        let j = joined(&standing(IntakeStatus::CorrectionRequested, &done, &[], &w));
        assert_eq!(j.zh.lines().count(), l.len());
        assert_eq!(j.en.lines().count(), l.len());
    }
}
