//! Messages to the applicant: who gets one (the channels chosen on the form, to the addresses
//! given there), for which step, and what it says. Each step of one application makes one
//! message per channel — its key names the step, so the same step is never queued twice —
//! written with the private link left as [`LINK`], filled in only when it is sent (the link is
//! kept sealed, never in a message row).

use shared::form::Answers;
use shared::i18n::{Lang, Text};

/// Where the private link goes in a stored body.
pub const LINK: &str = "{link}";

/// The form's field with the chosen channels.
pub const CHANNELS_FIELD: &str = "notify.channels";

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "sms" => Some(Channel::Sms),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }

    /// The form's field holding this channel's address.
    fn address_field(self) -> &'static str {
        match self {
            Channel::Sms => "legal_rep.phone",
            Channel::Email => "legal_rep.email",
        }
    }
}

/// The channels the applicant chose, each with its address (a channel without one is left
/// out: the form requires the e-mail address when e-mail is chosen).
pub fn recipients(answers: &Answers) -> Vec<(Channel, String)> {
    let chosen = answers
        .get(CHANNELS_FIELD)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>())
        .unwrap_or_default();
    [Channel::Sms, Channel::Email]
        .into_iter()
        .filter(|c| chosen.contains(&c.as_str()))
        .filter_map(|c| {
            let address = answers.get(c.address_field())?.as_str()?.trim();
            (!address.is_empty()).then(|| (c, address.to_string()))
        })
        .collect()
}

/// A step the applicant hears of. Names come resolved (in both languages) from the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The one window accepted it: every item to its department, due by `due_on` at the latest.
    Accepted { due_on: Option<String> },
    /// One correction notice (一次性补正告知), sent at `asked_at`.
    Correction { asked_at: i64 },
    /// A department asks for a supplement for an item.
    Supplement {
        item: Text,
        item_id: String,
        asked_at: i64,
    },
    /// An on-site inspection is set for a day.
    Inspection {
        id: i64,
        on: String,
        items: Vec<Text>,
    },
    /// An item is decided; an approved one's certificate can be downloaded.
    Decided {
        item: Text,
        item_id: String,
        approved: bool,
    },
    /// An owed material (容缺) is due soon.
    OwedDue {
        material: Text,
        material_id: String,
        due_on: String,
    },
}

impl Step {
    /// The step's name among the application's: one message per step and channel.
    pub fn key(&self) -> String {
        match self {
            Step::Accepted { .. } => "accepted".into(),
            Step::Correction { asked_at } => format!("correction:{asked_at}"),
            Step::Supplement {
                item_id, asked_at, ..
            } => {
                format!("supplement:{item_id}:{asked_at}")
            }
            Step::Inspection { id, .. } => format!("inspection:{id}"),
            Step::Decided { item_id, .. } => format!("decision:{item_id}"),
            Step::OwedDue {
                material_id,
                due_on,
                ..
            } => format!("owed:{material_id}:{due_on}"),
        }
    }
}

/// A message ready to be stored: the body carries [`LINK`] where the private link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

fn list(names: &[Text], lang: Lang) -> String {
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    names
        .iter()
        .map(|n| n.get(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

/// What happened, in one sentence of the applicant's language.
fn sentence(step: &Step, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match step {
        Step::Accepted { due_on } => match (zh, due_on) {
            (true, Some(d)) => format!("已受理，各部门并联审批，最迟 {d} 办结。"),
            (true, None) => "已受理，各部门并联审批。".into(),
            (false, Some(d)) => {
                format!(
                    "has been accepted; the departments review it in parallel, by {d} at the latest."
                )
            }
            (false, None) => "has been accepted; the departments review it in parallel.".into(),
        },
        Step::Correction { .. } => match zh {
            true => "需要补正：请按一次性补正告知修改后重新提交。".into(),
            false => {
                "needs correcting: please change what the one-time notice lists and send it again."
                    .into()
            }
        },
        Step::Supplement { item, .. } => match zh {
            true => format!("「{}」需要补充材料或信息，请查看并补充。", item.zh),
            false => format!(
                "needs a supplement for “{}”: please see what is asked.",
                item.en
            ),
        },
        Step::Inspection { on, items, .. } => match zh {
            true => format!(
                "{}的现场核查定于 {on}，请届时在经营场所。",
                list(items, lang)
            ),
            false => format!(
                "has an on-site inspection for {} on {on}: please be at the premises.",
                list(items, lang)
            ),
        },
        Step::Decided {
            item,
            approved: true,
            ..
        } => match zh {
            true => format!("「{}」已批准，电子证照可以下载。", item.zh),
            false => format!(
                "“{}” is approved; its certificate can be downloaded.",
                item.en
            ),
        },
        Step::Decided {
            item,
            approved: false,
            ..
        } => match zh {
            true => format!(
                "「{}」未予许可，决定书及申请复议、提起诉讼的途径请查看。",
                item.zh
            ),
            false => format!(
                "“{}” was refused; see the decision and how to appeal.",
                item.en
            ),
        },
        Step::OwedDue {
            material, due_on, ..
        } => match zh {
            true => format!("承诺后补的「{}」须于 {due_on} 前提交。", material.zh),
            false => format!(
                "“{}”, which you promised to bring, is due by {due_on}.",
                material.en
            ),
        },
    }
}

/// The message for `step` of application `number`, for `channel`, in `lang`. A text message
/// is one short line; an e-mail has a subject and says where the link leads.
pub fn compose(step: &Step, number: &str, channel: Channel, lang: Lang) -> Composed {
    let what = sentence(step, lang);
    let (sender, subject) = match lang {
        Lang::Zh => ("【联办】", format!("办件 {number}：{what}")),
        Lang::En => ("[Lianban] ", format!("Application {number} {what}")),
    };
    let body = match (channel, lang) {
        (Channel::Sms, Lang::Zh) => format!("{sender}您的办件 {number} {what}详情：{LINK}"),
        (Channel::Sms, Lang::En) => format!("{sender}Your application {number} {what} {LINK}"),
        (Channel::Email, Lang::Zh) => format!(
            "您好：\n\n您的办件 {number} {what}\n\n查看办理进度、下载文书和证照：\n{LINK}\n\n\
             此链接是您的私人查询链接，请勿转发。本邮件由系统发送，请勿直接回复。\n"
        ),
        (Channel::Email, Lang::En) => format!(
            "Hello,\n\nYour application {number} {what}\n\nSee its progress and download \
             documents and certificates:\n{LINK}\n\nThis link is private to you: please do not \
             forward it. This message was sent by the system; replies are not read.\n"
        ),
    };
    Composed { subject, body }
}

/// One line of a staff member's daily list: an open item due by the next working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub number: String,
    /// The item's and the department's names (the back office reads Chinese).
    pub item: String,
    pub department: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

/// A staff member's daily list for `today`: what is overdue, what is due by `next` (the next
/// working day, included), each with its page in the back office (`base` the server's
/// address). Nothing when nothing is due.
pub fn digest(today: &str, next: &str, due: &[Due], base: &str) -> Option<Composed> {
    if due.is_empty() {
        return None;
    }
    let (late, soon): (Vec<&Due>, Vec<&Due>) = due.iter().partition(|d| d.due_on.as_str() < today);
    let lines = |list: &[&Due]| -> String {
        list.iter()
            .map(|d| {
                format!(
                    "- {} {}（{}）应于 {} 办结\n  {base}/staff/applications/{}\n",
                    d.number, d.item, d.department, d.due_on, d.number
                )
            })
            .collect()
    };
    let mut body = String::from("您好：\n\n");
    if !late.is_empty() {
        body += &format!("已逾期 {} 项：\n{}\n", late.len(), lines(&late));
    }
    if !soon.is_empty() {
        body += &format!("{next} 前到期 {} 项：\n{}\n", soon.len(), lines(&soon));
    }
    body += "请登录联办工作台办理。此提醒每个工作日早上发送一次；在工作台可改地址或停止。\n";
    Some(Composed {
        subject: format!(
            "【联办】{today} 待办：已逾期 {} 项，{next} 前到期 {} 项",
            late.len(),
            soon.len()
        ),
        body,
    })
}

/// Something the administrators must hear of at once — a connected system stopped working —
/// e-mailed to each active administrator with an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert<'a> {
    /// The dishonesty list could not be pulled on `day`: the previous list stays.
    CreditSyncFailed {
        source: &'a str,
        error: &'a str,
        day: &'a str,
    },
    /// A department system's webhook is dead after `failures` failures in a row (at `at`).
    WebhookDead {
        id: i64,
        owner: &'a str,
        url: &'a str,
        error: &'a str,
        failures: i64,
        at: i64,
    },
}

impl Alert<'_> {
    /// Its step: one message for it to each administrator — a pull failing all day long
    /// alerts once that day; a webhook each time it dies.
    pub fn step(&self) -> String {
        match self {
            Alert::CreditSyncFailed { day, .. } => format!("alert:credit-sync:{day}"),
            Alert::WebhookDead { id, at, .. } => format!("alert:webhook-dead:{id}:{at}"),
        }
    }

    /// The message, with the console's address (`base` the server's).
    pub fn compose(&self, base: &str) -> Composed {
        let console = format!("{base}/staff/admin");
        match self {
            Alert::CreditSyncFailed { source, error, day } => Composed {
                subject: format!("【联办】{day} 失信名单未能从信用平台同步，仍用上一份名单"),
                body: format!(
                    "您好：\n\n从信用平台拉取失信名单失败：\n  来源：{source}\n  原因：{error}\n\n\
                     在成功同步之前，告知承诺审批的信用核查仍使用上一份名单。系统每小时重试；也可在管理控制台的后台任务中立即重试，或手动导入名单：\n{console}\n"
                ),
            },
            Alert::WebhookDead {
                id,
                owner,
                url,
                error,
                failures,
                ..
            } => Composed {
                subject: format!("【联办】部门系统 {owner} 的推送（订阅 {id}）已停止"),
                body: format!(
                    "您好：\n\n部门系统 {owner} 的推送地址连续 {failures} 次未能接收，订阅 {id} 已停止推送：\n  地址：{url}\n  最后一次的原因：{error}\n\n\
                     事件不会丢失：接收方恢复后，在管理控制台的“部门系统推送（Webhook）”中重新推送，即从停止处继续：\n{console}\n"
                ),
            },
        }
    }
}

/// The stored body with the link in place.
pub fn with_link(body: &str, link: &str) -> String {
    body.replace(LINK, link)
}

/// An address shown in the audit trail and to staff: enough to tell which, not all of it.
pub fn masked(channel: Channel, address: &str) -> String {
    let chars: Vec<char> = address.chars().collect();
    match channel {
        Channel::Sms if chars.len() >= 7 => {
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}****{tail}")
        }
        Channel::Email => match address.split_once('@') {
            Some((user, domain)) => {
                let first: String = user.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        _ => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_says_what_stopped_why_and_where_to_act_once_per_failure() {
        let pull = Alert::CreditSyncFailed {
            source: "https://credit.example/list.csv",
            error: "HTTP 404",
            day: "2026-12-07",
        };
        let m = pull.compose("https://lianban.example");
        assert!(m.subject.contains("失信名单") && m.subject.contains("2026-12-07"));
        for part in [
            "https://credit.example/list.csv",
            "HTTP 404",
            "https://lianban.example/staff/admin",
        ] {
            assert!(m.body.contains(part), "{part}");
        }
        assert_eq!(pull.step(), "alert:credit-sync:2026-12-07");
        let dead = Alert::WebhookDead {
            id: 7,
            owner: "tax-system",
            url: "https://tax.example/hook",
            error: "HTTP 503",
            failures: 8,
            at: 1_800_000_000,
        };
        let m = dead.compose("https://lianban.example");
        assert!(m.subject.contains("tax-system") && m.subject.contains("订阅 7"));
        assert!(m.body.contains("连续 8 次") && m.body.contains("HTTP 503"));
        assert_eq!(dead.step(), "alert:webhook-dead:7:1800000000");
    }
    use serde_json::json;

    fn answers(v: serde_json::Value) -> Answers {
        serde_json::from_value(v).expect("answers")
    }

    #[test]
    fn only_the_chosen_channels_with_an_address() {
        let a = answers(json!({
            "legal_rep.phone": "13800138000",
            "legal_rep.email": " li@example.cn ",
            "notify.channels": ["email", "sms"],
        }));
        assert_eq!(
            recipients(&a),
            [
                (Channel::Sms, "13800138000".to_string()),
                (Channel::Email, "li@example.cn".to_string())
            ]
        );
        let sms_only = answers(json!({
            "legal_rep.phone": "13800138000",
            "legal_rep.email": "li@example.cn",
            "notify.channels": ["sms"],
        }));
        assert_eq!(recipients(&sms_only).len(), 1);
        let no_address = answers(json!({ "legal_rep.phone": "13800138000",
            "notify.channels": ["email"] }));
        assert!(recipients(&no_address).is_empty());
        let none = answers(json!({ "legal_rep.phone": "13800138000" }));
        assert!(recipients(&none).is_empty(), "nobody asked: nothing sent");
    }

    #[test]
    fn one_key_per_step_so_a_step_is_never_sent_twice() {
        let food = Text::new("食品经营许可", "Food business permit");
        let decided = |approved| Step::Decided {
            item: food.clone(),
            item_id: "food_business_permit".into(),
            approved,
        };
        assert_eq!(
            decided(true).key(),
            decided(false).key(),
            "one decision per item"
        );
        let round = |asked_at| Step::Supplement {
            item: food.clone(),
            item_id: "food_business_permit".into(),
            asked_at,
        };
        assert_ne!(
            round(1).key(),
            round(2).key(),
            "each request its own message"
        );
        assert_eq!(Step::Correction { asked_at: 5 }.key(), "correction:5");
    }

    #[test]
    fn messages_carry_the_number_the_step_and_the_link() {
        let step = Step::Decided {
            item: Text::new("食品经营许可", "Food business permit"),
            item_id: "food_business_permit".into(),
            approved: true,
        };
        let sms = compose(&step, "LB-20261205-0001", Channel::Sms, Lang::Zh);
        assert!(sms.body.starts_with("【联办】"));
        assert!(
            sms.body.contains("LB-20261205-0001") && sms.body.contains("「食品经营许可」已批准")
        );
        assert!(sms.body.ends_with(LINK));
        assert!(
            sms.body.chars().count() < 70 + LINK.len(),
            "one text message: {}",
            sms.body
        );
        let mail = compose(&step, "LB-20261205-0001", Channel::Email, Lang::En);
        assert!(mail.subject.contains("“Food business permit” is approved"));
        let filled = with_link(&mail.body, "https://lianban.example/status/LB-1#t=abc");
        assert!(filled.contains("https://lianban.example/status/LB-1#t=abc\n"));
        assert!(!filled.contains(LINK));
        let refused = Step::Decided {
            item: Text::new("食品经营许可", "Food business permit"),
            item_id: "food_business_permit".into(),
            approved: false,
        };
        let zh = compose(&refused, "LB-1", Channel::Email, Lang::Zh);
        assert!(zh.body.contains("未予许可") && zh.body.contains("复议"));
    }

    #[test]
    fn a_daily_list_names_what_is_late_and_what_is_due_next() {
        let due = |n: &str, on: &str| Due {
            number: n.into(),
            item: "食品经营许可".into(),
            department: "睢县市场监督管理局".into(),
            due_on: on.into(),
        };
        assert_eq!(
            digest("2026-12-07", "2026-12-08", &[], "http://x"),
            None,
            "nothing due"
        );
        let list = [
            due("LB-1", "2026-12-04"),
            due("LB-2", "2026-12-07"),
            due("LB-3", "2026-12-08"),
        ];
        let m = digest("2026-12-07", "2026-12-08", &list, "https://lianban.example").expect("list");
        assert_eq!(
            m.subject,
            "【联办】2026-12-07 待办：已逾期 1 项，2026-12-08 前到期 2 项"
        );
        assert!(m.body.contains(
            "已逾期 1 项：\n- LB-1 食品经营许可（睢县市场监督管理局）应于 2026-12-04 办结"
        ));
        assert!(
            m.body
                .contains("https://lianban.example/staff/applications/LB-3")
        );
        assert!(!m.body.contains(LINK), "no private link in a staff list");
    }

    #[test]
    fn addresses_are_masked_for_the_record() {
        assert_eq!(masked(Channel::Sms, "13800138000"), "138****8000");
        assert_eq!(
            masked(Channel::Email, "li.ming@example.cn"),
            "l***@example.cn"
        );
        assert_eq!(masked(Channel::Sms, "123"), "***");
    }
}
