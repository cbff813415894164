//! The procedure's formal documents (文书) and which of them an application has: the acceptance
//! notice (受理通知书) once the window accepted it, the one-time correction notice
//! (一次性补正告知书) the window last sent, a refusal decision (不予许可决定书) for each refused
//! item, and each permit's electronic certificate while it is in force. A notice's words are
//! written here, from the records; `service::documents` draws and seals them.

use shared::catalogue::Catalogue;
use shared::records::{IntakeStatus, PermitState};
use shared::status::SubStatus;

use super::certificate::chinese_date;
use super::licence::REGISTRATION;
use super::records::{Application, Item, Permit};

/// A document of an application, as its address names it: `acceptance`, `correction`,
/// `refusal-<item>`, `certificate-<permit id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentId {
    Acceptance,
    Correction,
    Refusal(String),
    Certificate(i64),
}

impl DocumentId {
    pub fn parse(text: &str) -> Option<DocumentId> {
        match text {
            "acceptance" => Some(DocumentId::Acceptance),
            "correction" => Some(DocumentId::Correction),
            _ => match text.split_once('-')? {
                ("refusal", item) if !item.is_empty() => Some(DocumentId::Refusal(item.into())),
                ("certificate", id) => id.parse().ok().map(DocumentId::Certificate),
                _ => None,
            },
        }
    }

    pub fn path(&self) -> String {
        match self {
            DocumentId::Acceptance => "acceptance".into(),
            DocumentId::Correction => "correction".into(),
            DocumentId::Refusal(item) => format!("refusal-{item}"),
            DocumentId::Certificate(id) => format!("certificate-{id}"),
        }
    }
}

/// The documents the application has now, in the order of the procedure.
pub fn available(
    app: &Application,
    items: &[Item],
    permits: &[Permit],
    today: &str,
) -> Vec<DocumentId> {
    let mut out = Vec::new();
    if app.notice.correction.is_some() && app.notice.asked_at.is_some() {
        out.push(DocumentId::Correction);
    }
    if app.intake == IntakeStatus::Accepted {
        out.push(DocumentId::Acceptance);
    }
    out.extend(
        items
            .iter()
            .filter(|i| i.status == SubStatus::Rejected)
            .map(|i| DocumentId::Refusal(i.item.clone())),
    );
    out.extend(
        permits
            .iter()
            .filter(|p| p.state_on(today) == PermitState::Valid && own(items, p))
            .map(|p| DocumentId::Certificate(p.id)),
    );
    out
}

/// Whether `permit` came of one of `items` (an enterprise's permits come of several
/// applications: its registration's, and each addition's).
pub fn own(items: &[Item], permit: &Permit) -> bool {
    items.iter().any(|i| i.item == permit.item)
}

/// The documents the application has now, each as (address part, title).
pub fn titled(
    catalogue: &Catalogue,
    app: &Application,
    items: &[Item],
    permits: &[Permit],
    today: &str,
) -> Vec<(String, String)> {
    available(app, items, permits, today)
        .into_iter()
        .map(|d| {
            let title = match &d {
                DocumentId::Acceptance => "受理通知书".to_string(),
                DocumentId::Correction => "一次性补正告知书".to_string(),
                DocumentId::Refusal(item) => {
                    format!("不予许可决定书（{}）", item_name(catalogue, item))
                }
                DocumentId::Certificate(id) => permits
                    .iter()
                    .find(|p| p.id == *id)
                    .and_then(|p| catalogue.certificate_title(&p.item))
                    .map_or_else(String::new, |t| t.zh.clone()),
            };
            (d.path(), title)
        })
        .collect()
}

/// A formal notice as printed: title, reference, to whom, what it says, a table, who seals it
/// and when.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notice {
    /// `acceptance`, `correction`, `refusal` (the signed payload's kind).
    pub kind: &'static str,
    pub title: String,
    /// The application's number.
    pub reference: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    /// Rows of the notice's table (its first row the heading), if it has one.
    pub table: Vec<Vec<String>>,
    /// What it says after the table.
    pub closing: Vec<String>,
    pub authority: String,
    /// `YYYY-MM-DD`.
    pub dated: String,
}

fn addressee(app: &Application) -> String {
    let name = app.answer("business.name");
    let person = app.answer("legal_rep.name");
    match (name.is_empty(), person.is_empty()) {
        (false, false) => format!("{name}（申请人：{person}）："),
        (false, true) => format!("{name}："),
        _ => format!("{person}："),
    }
}

/// The one window's authority: the registration authority's (the department of the business
/// registration), which receives every bundle.
fn window_authority(catalogue: &Catalogue) -> String {
    catalogue
        .item(REGISTRATION)
        .and_then(|i| catalogue.department(&i.department))
        .map_or_else(String::new, |d| d.name.zh.clone())
}

fn bundle_name(catalogue: &Catalogue, app: &Application) -> String {
    catalogue
        .bundle_name(&app.bundle)
        .map_or_else(|| app.bundle.clone(), |n| n.zh)
}

/// An item's name as printed (its id if the catalogue no longer has it).
fn item_name(catalogue: &Catalogue, id: &str) -> String {
    catalogue
        .item(id)
        .map_or_else(|| id.to_string(), |i| i.name.zh.clone())
}

fn department_name(catalogue: &Catalogue, id: &str) -> String {
    catalogue
        .department(id)
        .map_or_else(|| id.to_string(), |d| d.name.zh.clone())
}

/// The materials' names, joined as a list in words.
fn material_names(catalogue: &Catalogue, ids: &[String]) -> String {
    let names: Vec<String> = ids
        .iter()
        .map(|m| {
            catalogue
                .material(m)
                .map_or_else(|| m.clone(), |x| x.name.zh.clone())
        })
        .collect();
    names.join("、")
}

/// 受理通知书: accepted on `accepted_on`; each item with its department and due date.
pub fn acceptance(
    catalogue: &Catalogue,
    app: &Application,
    items: &[(&Item, Option<String>)],
    submitted_on: &str,
    accepted_on: &str,
) -> Notice {
    let paragraphs = vec![format!(
        "你（单位）于{}提交的“{}”证照联办申请，申请材料齐全、符合法定形式，本机关决定予以受理，并已将各事项同时推送有关部门并联审批。各事项承诺办结日期如下（按工作日计，法定节假日不计）：",
        chinese_date(submitted_on),
        bundle_name(catalogue, app)
    )];
    let mut closing = Vec::new();
    if !app.notice.missing_materials.is_empty() {
        closing.push(format!(
            "容缺受理：以下材料请于{}前补齐：{}。需要该材料的事项在补齐前不作出准予许可决定。",
            app.notice
                .bring_by
                .as_deref()
                .map_or_else(String::new, chinese_date),
            material_names(catalogue, &app.notice.missing_materials)
        ));
    }
    closing.push("办理进度请凭申请编号与专属查询链接查看。".into());
    let mut table = vec![vec![
        "事项".to_string(),
        "办理部门".to_string(),
        "承诺办结日期".to_string(),
    ]];
    for (item, due) in items {
        table.push(vec![
            item_name(catalogue, &item.item),
            department_name(catalogue, &item.department),
            due.as_deref().map_or_else(|| "—".into(), chinese_date),
        ]);
    }
    Notice {
        kind: "acceptance",
        title: "受理通知书".into(),
        reference: app.number.clone(),
        addressee: addressee(app),
        paragraphs,
        table,
        closing,
        authority: window_authority(catalogue),
        dated: accepted_on.into(),
    }
}

/// 一次性补正告知书: everything to correct, at once, as the window last sent it on `asked_on`.
pub fn correction(
    catalogue: &Catalogue,
    app: &Application,
    submitted_on: &str,
    asked_on: &str,
) -> Notice {
    let mut paragraphs = vec![
        format!(
            "你（单位）于{}提交的“{}”证照联办申请，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容：",
            chinese_date(submitted_on),
            bundle_name(catalogue, app)
        ),
        app.notice.correction.clone().unwrap_or_default(),
    ];
    let fields: Vec<String> = app
        .notice
        .fields
        .iter()
        .map(|k| catalogue.field(k).map_or(k.clone(), |f| f.label.zh.clone()))
        .collect();
    if !fields.is_empty() {
        paragraphs.push(format!("须重新填写：{}。", fields.join("、")));
    }
    if !app.notice.materials.is_empty() {
        paragraphs.push(format!(
            "须重新提交：{}。",
            material_names(catalogue, &app.notice.materials)
        ));
    }
    paragraphs.push(
        "请按上述内容补正后，通过办理进度页面一并提交；本机关自收到全部补正材料之日起重新审查，不再另行要求补正其他内容。".into(),
    );
    Notice {
        kind: "correction",
        title: "一次性补正告知书".into(),
        reference: app.number.clone(),
        addressee: addressee(app),
        paragraphs,
        table: Vec::new(),
        closing: Vec::new(),
        authority: window_authority(catalogue),
        dated: asked_on.into(),
    }
}

/// 不予许可决定书: the refused item, its law, the reasons, and the ways to appeal.
pub fn refusal(catalogue: &Catalogue, app: &Application, item: &Item, decided_on: &str) -> Notice {
    let name = item_name(catalogue, &item.item);
    let basis = catalogue
        .item(&item.item)
        .map_or_else(String::new, |i| i.legal_basis.zh.clone());
    let reason = item.decision.reason.clone().unwrap_or_default();
    Notice {
        kind: "refusal",
        title: "不予许可决定书".into(),
        reference: app.number.clone(),
        addressee: addressee(app),
        paragraphs: vec![
            format!(
                "你（单位）申请的“{name}”，经审查，不符合法定条件、标准。根据{basis}及《中华人民共和国行政许可法》第三十八条第二款，本机关决定不予许可。"
            ),
            format!("理由：{reason}"),
            "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。".into(),
        ],
        table: Vec::new(),
        closing: Vec::new(),
        authority: department_name(catalogue, &item.department),
        dated: decided_on.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_named_by_its_address_and_back() {
        for d in [
            DocumentId::Acceptance,
            DocumentId::Correction,
            DocumentId::Refusal("food_business_permit".into()),
            DocumentId::Certificate(42),
        ] {
            assert_eq!(DocumentId::parse(&d.path()), Some(d));
        }
        for bad in [
            "",
            "refusal-",
            "certificate-x",
            "certificate-",
            "licence",
            "x-1",
        ] {
            assert_eq!(DocumentId::parse(bad), None, "{bad}");
        }
    }
}
