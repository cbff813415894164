//! 一公开: an inspection plan's public page — server-rendered, no script, small. Before the draw
//! the commitment and what was frozen; after it the seed and the drawn enterprises with their
//! inspectors, a hundred a page; the JSON to recompute it from is one link away.

use html_escape::encode_text as esc;
use shared::Lang;
use shared::catalogue::Catalogue;
use shared::supervision::{DrawnObject, InspectionPlan};

use super::page::{Page, document_under, pick};
use crate::domain::clock::county_minute;

/// Drawn enterprises per page (a page stays well under 30 KB).
pub const PER_PAGE: usize = 100;

const STYLE: &str = "table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-top:1px solid #d8dee6;\
padding:6px 4px;text-align:left;vertical-align:top}nav a{margin-right:12px}";

/// Plan `p`'s page `page` (from 1).
pub fn plan(p: &InspectionPlan, catalogue: &Catalogue, page: usize, lang: Lang) -> Page {
    let state = match (&p.seed, p.drawn_at) {
        (Some(_), Some(at)) => format!(
            "{} {}",
            pick(lang, "已抽取于", "Drawn on"),
            county_minute(at)
        ),
        _ => pick(lang, "已公示，待抽取", "Published, not drawn yet").to_string(),
    };
    let how = pick(
        lang,
        "抽取前公布冻结名单和种子的承诺值，抽取后公布种子：任何人可用公开数据复算抽取结果。",
        "The frozen lists and the seed's commitment were published before the draw, the seed after it: anyone can recompute the draw from the published data.",
    );
    let mut body = format!(
        "<section><h1>{name}</h1><p class=\"m\">{state}</p><dl>{facts}</dl>\
<p class=\"m\">{how} <a href=\"/api/supervision/plans/{id}\">{data}</a></p></section>",
        name = esc(&p.name),
        facts = facts(p, catalogue, lang),
        id = p.id,
        data = pick(lang, "公示数据（JSON）", "Published data (JSON)"),
    );
    body += &items_section(p, lang);
    if let Some(drawn) = &p.drawn {
        body += &drawn_section(p.id, drawn, catalogue, page, lang);
    }
    document(lang, &p.name, &body)
}

/// The inspection items the visits cover (一单): name, key or general, legal basis.
fn items_section(p: &InspectionPlan, lang: Lang) -> String {
    if p.items.is_empty() {
        return String::new();
    }
    let items: String = p
        .items
        .iter()
        .map(|i| {
            let level = match i.level.as_str() {
                "key" => pick(lang, "重点", "key"),
                _ => pick(lang, "一般", "general"),
            };
            format!(
                "<li>{} <span class=\"m\">（{level}）{}</span></li>",
                esc(i.name.get(lang)),
                esc(i.basis.get(lang))
            )
        })
        .collect();
    format!(
        "<section><h2>{}</h2><ul>{items}</ul></section>",
        pick(lang, "检查事项", "Inspection items")
    )
}

/// The page for an unknown plan.
pub fn not_found(lang: Lang) -> Page {
    let title = pick(lang, "没有这个抽查计划", "No such inspection plan");
    document(lang, title, &format!("<section><h1>{title}</h1></section>"))
}

fn document(lang: Lang, title: &str, body: &str) -> Page {
    let header = pick(
        lang,
        "证照联办 · 双随机抽查公示",
        "Lianban · random inspections",
    );
    document_under(lang, header, title, body, STYLE)
}

/// When it was published, what was frozen, the commitment, and the seed once drawn.
fn facts(p: &InspectionPlan, catalogue: &Catalogue, lang: Lang) -> String {
    let plain = |label: &str, value: &str| format!("<dt>{label}</dt><dd>{value}</dd>");
    let code = |label: &str, value: &str| {
        format!("<dt>{label}</dt><dd class=\"code\">{}</dd>", esc(value))
    };
    let mut facts = plain(
        pick(lang, "公示时间", "Published"),
        &county_minute(p.created_at),
    );
    let sep = pick(lang, "、", ", ");
    let names = |list: &[String], name: &dyn Fn(&str) -> Option<String>| {
        let named: Vec<String> = list
            .iter()
            .map(|i| name(i).unwrap_or_else(|| i.clone()))
            .collect();
        esc(&named.join(sep)).to_string()
    };
    if !p.filters.industries.is_empty() {
        let bundle = |b: &str| catalogue.bundle(b).map(|b| b.name.get(lang).to_string());
        facts += &plain(
            pick(lang, "行业", "Industries"),
            &names(&p.filters.industries, &bundle),
        );
    }
    if !p.filters.permits.is_empty() {
        let item = |i: &str| catalogue.item(i).map(|i| i.name.get(lang).to_string());
        facts += &plain(
            pick(lang, "许可类型", "Permit types"),
            &names(&p.filters.permits, &item),
        );
    }
    facts += &plain(
        pick(lang, "检查对象库 / 执法检查人员库", "Objects / inspectors"),
        &format!("{} / {}", p.objects, p.inspectors),
    );
    facts += &code(pick(lang, "算法", "Algorithm"), &p.algorithm);
    facts += &code(
        pick(lang, "随机种子承诺值", "Seed commitment"),
        &p.commitment,
    );
    facts += &code(
        pick(lang, "冻结名单摘要", "Frozen lists' hash"),
        &p.frozen_hash,
    );
    if let Some(seed) = &p.seed {
        facts += &code(pick(lang, "随机种子", "Seed"), seed);
    }
    facts
}

/// The drawn enterprises of page `page` (clamped to the pages there are), with the links on.
fn drawn_section(
    plan: i64,
    drawn: &[DrawnObject],
    catalogue: &Catalogue,
    page: usize,
    lang: Lang,
) -> String {
    let pages = drawn.len().div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows: String = drawn
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|o| row(o, catalogue, lang))
        .collect();
    let link =
        |n: usize, text: &str| format!("<a href=\"/supervision/plans/{plan}?page={n}\">{text}</a>");
    let mut nav = String::new();
    if page > 1 {
        nav += &link(page - 1, pick(lang, "上一页", "Previous"));
    }
    if page < pages {
        nav += &link(page + 1, pick(lang, "下一页", "Next"));
    }
    format!(
        "<section><h2>{title}</h2><p class=\"m\">{count}</p><table><thead><tr><th>{e}</th><th>{c}</th><th>{i}</th></tr></thead>\
<tbody>{rows}</tbody></table><nav>{nav}</nav></section>",
        title = pick(
            lang,
            "抽取结果与检查结果",
            "Drawn, and what the visits found"
        ),
        count = match lang {
            Lang::Zh => format!("{} 户 · 第 {page}/{pages} 页", drawn.len()),
            Lang::En => format!("{} enterprises · page {page}/{pages}", drawn.len()),
        },
        e = pick(lang, "检查对象", "Enterprise"),
        c = pick(lang, "风险等级", "Risk class"),
        i = pick(lang, "执法检查人员", "Inspectors"),
    )
}

/// One drawn enterprise: name and address, class, each department's inspectors by name.
fn row(o: &DrawnObject, catalogue: &Catalogue, lang: Lang) -> String {
    let (colon, comma) = (pick(lang, "：", ": "), pick(lang, "、", ", "));
    let inspectors: Vec<String> = o
        .departments
        .iter()
        .map(|d| {
            let department = catalogue
                .department(&d.department)
                .map(|x| x.name.get(lang).to_string())
                .unwrap_or_else(|| d.department.clone());
            let names: Vec<&str> = d.inspectors.iter().map(|i| i.name.as_str()).collect();
            format!("{department}{colon}{}", names.join(comma))
        })
        .collect();
    let recheck = match (&o.recheck_result, &o.rechecked_on) {
        (Some(r), Some(on)) => format!(
            "<br>{}<strong>{}</strong> <span class=\"m\">{}</span>",
            pick(lang, "复查：", "Re-check: "),
            esc(shared::supervision::result_label(r, lang)),
            esc(on)
        ),
        _ => String::new(),
    };
    let result = match (&o.result, &o.recorded_on) {
        (Some(r), Some(on)) => format!(
            "<br><strong>{}</strong> <span class=\"m\">{}</span>{recheck}",
            esc(shared::supervision::result_label(r, lang)),
            esc(on)
        ),
        _ => format!(
            "<br><span class=\"m\">{}</span>",
            pick(lang, "待检查", "Not inspected yet")
        ),
    };
    format!(
        "<tr><td>{}<br><span class=\"m\">{}</span></td><td>{}</td><td>{}{result}</td></tr>",
        esc(&o.name),
        esc(&o.address),
        esc(&o.class),
        esc(&inspectors.join(pick(lang, "；", "; ")))
    )
}
