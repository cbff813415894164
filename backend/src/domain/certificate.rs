//! An electronic certificate (电子证照): what the department's certificate says of one permit
//! and its holder, and the facts it carries signed. The certificate of a permit in force only —
//! a revoked, cancelled, suspended or expired permit has none to hand out.

use serde::Serialize;
use shared::catalogue::Catalogue;
use shared::records::PermitState;

use super::error::Conflict;
use super::licence::REGISTRATION;
use super::records::{Enterprise, Permit};

/// A certificate as printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    /// `certificate` (the signed payload's kind).
    pub kind: &'static str,
    /// 营业执照, 食品经营许可证 …
    pub title: String,
    pub item: String,
    pub number: String,
    pub holder: String,
    pub uscc: String,
    /// Each line below the title: label, value (Chinese, as printed).
    pub lines: Vec<(String, String)>,
    /// The issuing department's name.
    pub authority: String,
    pub issued_on: String,
    /// `None`: no end (长期).
    pub valid_until: Option<String>,
    /// The live page the QR opens.
    pub verify_url: String,
}

/// The certificate of permit `p` of enterprise `e` on `today` (`YYYY-MM-DD`); 409 for a permit
/// not in force.
pub fn certificate(
    catalogue: &Catalogue,
    e: &Enterprise,
    p: &Permit,
    today: &str,
    verify_url: String,
) -> Result<Certificate, Conflict> {
    if p.state_on(today) != PermitState::Valid {
        return Err(Conflict::PermitNotInForce);
    }
    let title = catalogue
        .certificate_title(&p.item)
        .map_or_else(|| p.item.clone(), |t| t.zh.clone());
    let authority = catalogue
        .department(&p.department)
        .map_or_else(|| p.department.clone(), |d| d.name.zh.clone());
    let validity = p
        .valid_until
        .as_deref()
        .map_or_else(|| "长期".to_string(), chinese_date);
    let registration = p.item == REGISTRATION;
    let line = |label: &str, value: &str| (label.to_string(), value.to_string());
    let mut lines = vec![
        line("统一社会信用代码", &e.uscc),
        line(
            if registration {
                "名　　称"
            } else {
                "经营者名称"
            },
            &e.name,
        ),
        line("类　　型", &e.entity_type),
        line(
            if e.entity_type.contains("个体") {
                "经 营 者"
            } else {
                "法定代表人"
            },
            &e.legal_rep,
        ),
        line("经营场所", &e.address),
        line("经营范围", &e.scope),
    ];
    if registration {
        lines.push(line("成立日期", &chinese_date(&e.established_on)));
    } else {
        lines.push(line("许可证编号", &p.certificate));
        lines.push(line("有效期至", &validity));
    }
    lines.push(line("发证日期", &chinese_date(&p.issued_on)));
    Ok(Certificate {
        kind: "certificate",
        title,
        item: p.item.clone(),
        number: p.certificate.clone(),
        holder: e.name.clone(),
        uscc: e.uscc.clone(),
        lines,
        authority,
        issued_on: p.issued_on.clone(),
        valid_until: p.valid_until.clone(),
        verify_url,
    })
}

/// `2026-05-31` as 2026年05月31日 (anything else as it is).
pub fn chinese_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{y}年{m}月{d}日"),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        crate::catalogue::load(&dir).expect("the shipped catalogue")
    }

    fn enterprise() -> Enterprise {
        Enterprise {
            id: 1,
            application_id: 1,
            uscc: "92411422MA00000001".into(),
            name: "睢县老张家常菜馆".into(),
            entity_type: "个体工商户".into(),
            address: "睢县城关镇北湖路 88 号".into(),
            legal_rep: "张三".into(),
            scope: "热食类食品制售".into(),
            established_on: "2026-05-01".into(),
            verify_token: "t".into(),
            updated_at: 0,
        }
    }

    fn permit(item: &str, state: PermitState, valid_until: Option<&str>) -> Permit {
        Permit {
            id: 7,
            enterprise_id: 1,
            item: item.into(),
            department: "samr".into(),
            certificate: "JY34114222026000001".into(),
            issued_on: "2026-05-02".into(),
            valid_until: valid_until.map(Into::into),
            state,
            reason: None,
            updated_at: 0,
        }
    }

    #[test]
    fn a_permit_in_force_has_its_departments_certificate() {
        let c = certificate(
            &catalogue(),
            &enterprise(),
            &permit(
                "food_business_permit",
                PermitState::Valid,
                Some("2031-05-01"),
            ),
            "2026-06-01",
            "https://x/v/t".into(),
        )
        .expect("in force");
        assert_eq!(c.title, "食品经营许可证");
        assert_eq!(c.authority, "睢县市场监督管理局");
        let lines: Vec<(&str, &str)> = c
            .lines
            .iter()
            .map(|(l, v)| (l.as_str(), v.as_str()))
            .collect();
        assert!(lines.contains(&("经 营 者", "张三")), "{lines:?}");
        assert!(lines.contains(&("许可证编号", "JY34114222026000001")));
        assert!(lines.contains(&("有效期至", "2031年05月01日")));
        assert!(lines.contains(&("发证日期", "2026年05月02日")));
    }

    #[test]
    fn the_licence_has_no_end_and_an_ended_permit_no_certificate() {
        let c = certificate(
            &catalogue(),
            &enterprise(),
            &permit("business_registration", PermitState::Valid, None),
            "2026-06-01",
            String::new(),
        )
        .expect("in force");
        assert_eq!(c.title, "营业执照");
        assert!(
            c.lines
                .iter()
                .any(|(l, v)| l == "成立日期" && v == "2026年05月01日")
        );
        for (state, until) in [
            (PermitState::Revoked, None),
            (PermitState::Cancelled, None),
            (PermitState::Suspended, None),
            (PermitState::Valid, Some("2026-05-31")),
        ] {
            assert_eq!(
                certificate(
                    &catalogue(),
                    &enterprise(),
                    &permit("food_business_permit", state, until),
                    "2026-06-01",
                    String::new(),
                ),
                Err(Conflict::PermitNotInForce),
                "{state:?} {until:?}"
            );
        }
    }

    #[test]
    fn dates_print_in_chinese() {
        assert_eq!(chinese_date("2026-12-04"), "2026年12月04日");
        assert_eq!(chinese_date("soon"), "soon");
    }
}
