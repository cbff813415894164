//! An application's history in words, as staff read it: who ("睢县市场监督管理局 张三"), what
//! ("准予许可") and what about ("食品经营许可") — not the audit log's codes.

use shared::Text;
use shared::catalogue::Catalogue;
use shared::staff::Role;

use super::access::EntryFacts;
use super::records::Item;

/// Who did it, as far as the server knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who<'a> {
    Staff {
        role: Role,
        name: &'a str,
        department: Option<&'a str>,
    },
    Applicant,
    System,
    /// An account that no longer exists: its username.
    Unknown(&'a str),
}

impl<'a> Who<'a> {
    /// The audit log's actor and role, with the account's name and department if it exists.
    pub fn of(actor: &'a str, role: &str, account: Option<(&'a str, Option<&'a str>)>) -> Who<'a> {
        match (role, account, Role::parse(role)) {
            ("applicant", ..) => Who::Applicant,
            ("cli" | "system", ..) => Who::System,
            (_, Some((name, department)), Some(role)) => Who::Staff {
                role,
                name,
                department,
            },
            _ => Who::Unknown(actor),
        }
    }

    pub fn words(&self, catalogue: &Catalogue) -> Text {
        match *self {
            Who::Applicant => Text::new("申请人", "Applicant"),
            Who::System => Text::new("系统", "System"),
            Who::Unknown(actor) => Text::new(actor, actor),
            Who::Staff {
                role,
                name,
                department,
            } => {
                let post = match (role, department.and_then(|d| catalogue.department(d))) {
                    (Role::Reviewer | Role::Inspector, Some(d)) => d.name.clone(),
                    (Role::Clerk, _) => Text::new("综合窗口", "Intake window"),
                    (Role::Admin, _) => Text::new("管理员", "Administrator"),
                    (Role::Leader, _) => Text::new("局领导", "Leadership"),
                    (Role::Reviewer, None) => Text::new("审查人员", "Reviewer"),
                    (Role::Inspector, None) => Text::new("执法检查人员", "Inspector"),
                };
                Text {
                    zh: format!("{} {name}", post.zh),
                    en: format!("{} {name}", post.en),
                }
            }
        }
    }
}

/// What an action is called.
pub fn what(action: &str) -> Text {
    let (zh, en) = match action {
        "view" => ("查看申请", "Viewed the application"),
        "application.filed" => ("提交申请", "Filed the application"),
        "application.file_at_counter" => ("窗口代为提交", "Filed at the counter"),
        "intake.accepted" => ("受理，分送各部门", "Accepted and sent to every department"),
        "intake.correction_requested" => ("发出补正告知", "Sent the correction notice"),
        "reply.correction" => ("答复补正告知", "Answered the correction notice"),
        "reply.supplement" => ("答复补充要求", "Answered the supplement request"),
        "review.request_supplement" => ("要求补充材料", "Requested a supplement"),
        "review.supplied" => ("收到补充，恢复计时", "Supplement received, clock resumed"),
        "review.approve" => ("准予许可", "Approved"),
        "review.approve_by_commitment" => ("告知承诺审批", "Approved by commitment"),
        "review.reject" => ("不予许可", "Refused"),
        "inspection.schedule" => ("安排现场核查", "Scheduled an on-site inspection"),
        "inspection.record" => ("记录核查结果", "Recorded the inspection"),
        "credit.check" => ("信用核查", "Checked the dishonesty list"),
        "material.preview" => ("预览材料", "Previewed a material"),
        "material.download" => ("下载材料", "Downloaded a material"),
        "material.arrived" => ("容缺材料已补交", "An owed material arrived"),
        "intake.owed_withdrawn" => (
            "撤销容缺（该材料无需补交）",
            "Took back a material to follow (not owed)",
        ),
        "material.upload" => ("上传材料", "Uploaded a material"),
        "archive.download" => ("下载电子档案", "Downloaded the archive"),
        other => (other, other),
    };
    Text::new(zh, en)
}

/// What the entry was about, where that is more than the application as a whole: the item
/// (or the items of an inspection), or the material.
pub fn about(e: &EntryFacts, catalogue: &Catalogue, items: &[Item]) -> Option<Text> {
    let item_name = |catalogue_item: &str| catalogue.item(catalogue_item).map(|i| i.name.clone());
    let of_id = |id: i64| {
        items
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| item_name(&i.item))
    };
    let names: Vec<Text> = if let Some(id) = e.subject.strip_prefix("item ") {
        id.parse().ok().and_then(of_id).into_iter().collect()
    } else if let Some(id) = e.subject.strip_prefix("inspection ") {
        let id: Option<i64> = id.parse().ok();
        items
            .iter()
            .filter(|i| i.inspection_id.is_some() && i.inspection_id == id)
            .filter_map(|i| item_name(&i.item))
            .collect()
    } else if !e.items.is_empty() {
        e.items.iter().filter_map(|id| of_id(*id)).collect()
    } else if let Some(item) = &e.item {
        item_name(item).into_iter().collect()
    } else {
        e.material
            .as_deref()
            .and_then(|m| catalogue.material(m))
            .map(|m| m.name.clone())
            .into_iter()
            .collect()
    };
    (!names.is_empty()).then(|| Text {
        zh: names
            .iter()
            .map(|n| n.zh.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        en: names
            .iter()
            .map(|n| n.get(shared::Lang::En))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::tests::item;
    use shared::status::SubStatus;

    #[test]
    fn an_entry_reads_as_who_did_what_to_which_item() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        let who = Who::of("samr1", "reviewer", Some(("张三", Some("samr"))));
        assert_eq!(who.words(&c).zh, "睢县市场监督管理局 张三");
        assert_eq!(
            Who::of("applicant", "applicant", None).words(&c).en,
            "Applicant"
        );
        assert_eq!(Who::of("gone", "clerk", None).words(&c).zh, "gone");
        assert_eq!(
            Who::of("w1", "clerk", Some(("李四", None))).words(&c).zh,
            "综合窗口 李四"
        );
        assert_eq!(what("review.approve").zh, "准予许可");
        let items = [item(SubStatus::Approved)];
        let e = EntryFacts::of("item 7", "review.approve", "samr1", &["{}"]);
        assert_eq!(
            about(&e, &c, &items).map(|t| t.zh).as_deref(),
            Some("食品经营许可")
        );
        let read = EntryFacts::of(
            "application LB-1",
            "material.download",
            "samr1",
            &[r#"{"material":"id_card"}"#],
        );
        assert!(about(&read, &c, &items).is_some());
        let accepted = EntryFacts::of("application LB-1", "intake.accepted", "w1", &["{}"]);
        assert_eq!(about(&accepted, &c, &items), None);
    }
}
