//! The two pages built from the statistics: the bureau's dashboard (filters, charts, tables,
//! exports, a print view) and the county's public results page — both server-rendered HTML
//! with SVG charts, no script.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use shared::Lang;
use shared::catalogue::Catalogue;
use shared::figures::TARGET_CUT_PERCENT;
use shared::statistics::{StatRow, Statistics};

use super::{TABLES, charts, definitions_html, html_table, title};
use crate::http::public::page::{Page, document_under, pick};

/// Wider than the licence pages: tables of a dozen columns.
const STYLE: &str = "main{max-width:1100px}.w{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:13px}\
caption{text-align:left;font-weight:600;padding:4px 0}td,th{border-top:1px solid #d8dee6;padding:5px 6px;text-align:left}td.n{text-align:right;white-space:nowrap}\
th[scope=row]{min-width:9em}.chart{width:100%;height:auto;max-height:320px}\
.kpi{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}.kpi div{border:1px solid #d8dee6;border-radius:8px;padding:8px}\
.kpi dd{font-size:1.4rem;font-weight:600;margin:0}.met{color:#1e6b34}.unmet{color:#b3261e}\
form{display:flex;flex-wrap:wrap;gap:8px;align-items:end}form div{display:flex;flex-direction:column;font-size:14px}\
input,select,button{font:inherit;padding:6px;min-height:40px}button{background:#0b5cad;color:#fff;border:0;border-radius:6px;padding:6px 16px}\
nav a{margin-right:12px;display:inline-block;padding:6px 0}.defs dd{margin:0 0 8px}\
@media print{form,nav{display:none}main{max-width:none}section{break-inside:avoid}}";

/// Overdue items listed on the dashboard itself.
const OVERDUE_SHOWN: usize = 20;

fn kpi(id: &str, term: &str, value: String, class: &str) -> String {
    format!(
        "<div><dt>{term}</dt><dd id=\"{id}\" class=\"{class}\">{}</dd></div>",
        esc(&value)
    )
}

fn or_dash<T: std::fmt::Display>(v: Option<T>, unit: &str) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v}{unit}"))
}

/// A cut against the plan's target, said in words too (not by colour alone).
fn cut_words(p: Option<u32>, lang: Lang) -> String {
    match p {
        Some(p) if p >= TARGET_CUT_PERCENT => {
            format!("{p}% · {}", pick(lang, "达到目标", "target met"))
        }
        Some(p) => format!("{p}% · {}", pick(lang, "未达目标", "target not met")),
        None => "—".into(),
    }
}

/// The headline figures of the whole selection, those named by `ids` in that order: one
/// definition for the dashboard and the public page.
fn headline(s: &Statistics, ids: &[&str], lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let o = &s.overall;
    let target = |p: Option<u32>| match p {
        Some(p) if p >= TARGET_CUT_PERCENT => "met",
        Some(_) => "unmet",
        None => "",
    };
    let rating = match s.ratings.average {
        Some(a) => format!("{a:.2} ({})", s.ratings.count),
        None => "—".into(),
    };
    let figure = |id: &str| match id {
        "k-accepted" => (t("受理事项", "Items accepted"), o.accepted.to_string(), ""),
        "k-decided" => (
            t("已办结", "Decided"),
            (o.approved + o.rejected).to_string(),
            "",
        ),
        "k-on-time" => (
            t("按时办结率", "On time"),
            or_dash(o.on_time_percent, "%"),
            "",
        ),
        "k-overdue" => (t("当前逾期", "Overdue now"), o.overdue_now.to_string(), ""),
        "k-median" => (
            t("实际用时中位数（工作日）", "Median actual working days"),
            or_dash(o.median_days, ""),
            "",
        ),
        "k-promised-cut" => (
            t("承诺压减（目标85%）", "Promised cut (target 85%)"),
            cut_words(o.promised_cut_percent, lang),
            target(o.promised_cut_percent),
        ),
        "k-measured-cut" => (
            t(
                "实际压减（按中位数，目标85%）",
                "Measured cut (by medians, target 85%)",
            ),
            cut_words(o.measured_cut_percent, lang),
            target(o.measured_cut_percent),
        ),
        _ => (
            t("企业评价（5分制）", "Applicants' rating (of 5)"),
            rating.clone(),
            "",
        ),
    };
    ids.iter()
        .map(|id| {
            let (term, value, class) = figure(id);
            kpi(id, term, value, class)
        })
        .collect()
}

fn options(selected: Option<&str>, all: &[(String, String)], any: &str) -> String {
    let mut o = format!("<option value=\"\">{any}</option>");
    for (id, name) in all {
        let sel = if selected == Some(id.as_str()) {
            " selected"
        } else {
            ""
        };
        o += &format!("<option value=\"{}\"{sel}>{}</option>", attr(id), esc(name));
    }
    o
}

/// The filter form and the links to exports and the print view, for the current query.
fn controls(s: &Statistics, catalogue: &Catalogue, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let q = &s.query;
    let departments: Vec<_> = catalogue
        .departments
        .iter()
        .map(|d| (d.id.clone(), d.name.get(lang).to_string()))
        .collect();
    let bundles: Vec<_> = catalogue
        .bundles
        .iter()
        .map(|b| (b.id.clone(), b.name.get(lang).to_string()))
        .collect();
    let query = query_string(s);
    let exports: String = TABLES
        .iter()
        .map(|table| {
            format!(
                "<a href=\"/api/staff/statistics/export?format=csv&amp;table={table}&amp;{query}\" download>{} CSV</a>",
                title(table, lang)
            )
        })
        .collect();
    format!(
        "<form method=\"get\" action=\"/staff/statistics\">\
<div><label for=\"f-from\">{from_l}</label><input type=\"date\" id=\"f-from\" name=\"from\" value=\"{from}\"></div>\
<div><label for=\"f-to\">{to_l}</label><input type=\"date\" id=\"f-to\" name=\"to\" value=\"{to}\"></div>\
<div><label for=\"f-department\">{dept_l}</label><select id=\"f-department\" name=\"department\">{dept}</select></div>\
<div><label for=\"f-bundle\">{bundle_l}</label><select id=\"f-bundle\" name=\"bundle\">{bundle}</select></div>\
<button type=\"submit\">{go}</button></form>\
<nav aria-label=\"{exp_l}\"><a href=\"/api/staff/statistics/export?format=xlsx&amp;{query}\" download>{xlsx}</a>{exports}\
<a href=\"/staff/statistics?print=1&amp;{query}\">{print}</a></nav>",
        from_l = t("受理日期自", "Accepted from"),
        to_l = t("至", "to"),
        dept_l = t("部门", "Department"),
        bundle_l = t("套餐", "Bundle"),
        from = attr(q.from.as_deref().unwrap_or("")),
        to = attr(q.to.as_deref().unwrap_or("")),
        dept = options(
            q.department.as_deref(),
            &departments,
            t("全部部门", "All departments")
        ),
        bundle = options(q.bundle.as_deref(), &bundles, t("全部套餐", "All bundles")),
        go = t("筛选", "Apply"),
        exp_l = t("导出", "Exports"),
        xlsx = t("全部表格 XLSX", "All tables as XLSX"),
        print = t("打印 / 存为 PDF", "Print / save as PDF"),
    )
}

/// The current query as `from=…&to=…&department=…&bundle=…` (escaped for an attribute).
fn query_string(s: &Statistics) -> String {
    let q = &s.query;
    let enc = |v: &Option<String>| {
        percent_encoding::utf8_percent_encode(
            v.as_deref().unwrap_or(""),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string()
    };
    format!(
        "from={}&amp;to={}&amp;department={}&amp;bundle={}",
        enc(&q.from),
        enc(&q.to),
        enc(&q.department),
        enc(&q.bundle)
    )
}

fn section(id: &str, heading: &str, body: &str) -> String {
    format!("<section id=\"{id}\"><h2>{heading}</h2>{body}</section>")
}

/// The dashboard; `print`: the print view (no form, no links).
pub fn dashboard(s: &Statistics, catalogue: &Catalogue, lang: Lang, print: bool) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    let mut body = format!(
        "<section><h1>{}</h1><p class=\"m\">{}</p>{}<dl class=\"kpi\">{}</dl></section>",
        t("统计看板", "Dashboard"),
        esc(&period(s, lang)),
        if print {
            String::new()
        } else {
            controls(s, catalogue, lang)
        },
        headline(
            s,
            &[
                "k-accepted",
                "k-decided",
                "k-on-time",
                "k-overdue",
                "k-median",
                "k-promised-cut",
                "k-measured-cut",
                "k-rating",
            ],
            lang
        )
    );
    body += &sections(s, catalogue, lang);
    body += &definitions_html(lang);
    let mut page = document_under(
        lang,
        t("证照联办 · 统计看板", "Lianban · dashboard"),
        t("统计看板", "Dashboard"),
        &body,
        STYLE,
    );
    page.allow_forms();
    page
}

/// "Period (accepted) from – to · as of today".
fn period(s: &Statistics, lang: Lang) -> String {
    format!(
        "{} {} – {} · {} {}",
        pick(lang, "统计期间（受理日期）", "Period (accepted)"),
        s.query.from.as_deref().unwrap_or(""),
        s.query.to.as_deref().unwrap_or(""),
        pick(lang, "截至", "as of"),
        s.today
    )
}

/// The dashboard's charts, each beside its table, then the lists and the ratings.
fn sections(s: &Statistics, catalogue: &Catalogue, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let table = |name: &str| html_table(s, name, catalogue, lang, 200);
    // The longest overdue first; the whole list (up to a hundred) in the export.
    let shown = s.overdue.len().min(OVERDUE_SHOWN);
    let note = format!(
        "<p class=\"m\">{} {shown} / {} {}</p>",
        t("显示逾期最久的", "The longest overdue shown:"),
        s.overall.overdue_now,
        t(
            "项；逾期清单 CSV 含前 100 项。",
            "; the overdue list's CSV holds the first 100."
        ),
    );
    let overdue = html_table(s, "overdue", catalogue, lang, OVERDUE_SHOWN);
    [
        (
            "volumes",
            t("办件量", "Volumes"),
            charts::volumes(&s.by_month, lang) + &table("months"),
        ),
        (
            "on-time",
            t("各部门按时办结", "On time per department"),
            charts::on_time(&s.by_department, lang) + &table("departments"),
        ),
        (
            "promise",
            t("实际用时对承诺时限", "Actual days against the promise"),
            charts::against_promise(&s.against_promise, lang),
        ),
        ("overdue", t("逾期清单", "Overdue items"), overdue + &note),
        (
            "items",
            t("事项", "Items"),
            table("items") + &table("bundles"),
        ),
        ("refusals", t("不予许可", "Refusals"), table("refusals")),
        (
            "ratings",
            t("问效于企：企业评价", "Applicants' ratings"),
            ratings(s, lang),
        ),
        ("deliveries", t("送达", "Delivery"), deliveries(s, lang)),
    ]
    .iter()
    .map(|(id, heading, body)| section(id, heading, body))
    .collect()
}

/// 送达: how many decisions reached their applicants in the period, how, and how soon.
fn deliveries(s: &Statistics, lang: Lang) -> String {
    let d = &s.deliveries;
    let (median, p90) = (or_dash(d.median_days, ""), or_dash(d.p90_days, ""));
    match lang {
        Lang::Zh => format!(
            "<p id=\"t-deliveries\">本期送达决定（证照、不予许可决定书）{} 件：电子送达（申请人确认签收）{} 件，窗口领取 {} 件。\
从作出决定到送达的工作日：中位数 {median}，90% 在 {p90} 个工作日以内。</p>",
            d.delivered, d.electronic, d.paper
        ),
        Lang::En => format!(
            "<p id=\"t-deliveries\">Decisions (certificates, refusals) delivered in the period: {}, of which {} electronically (receipt confirmed by the applicant) \
and {} collected at the window. Working days from decision to delivery: median {median}; 90% within {p90}.</p>",
            d.delivered, d.electronic, d.paper
        ),
    }
}

fn ratings(s: &Statistics, lang: Lang) -> String {
    let r = &s.ratings;
    let scores: String = r
        .by_score
        .iter()
        .map(|n| format!("<td class=\"n\">{n}</td>"))
        .collect();
    let comments: String = r
        .comments
        .iter()
        .map(|c| {
            format!(
                "<li>{} · {}★ · {}</li>",
                c.rated_on,
                c.score,
                esc(&c.comment)
            )
        })
        .collect();
    format!(
        "<div class=\"w\" tabindex=\"0\" role=\"region\" aria-label=\"{}\"><table id=\"t-ratings\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>\
<th scope=\"col\">1★</th><th scope=\"col\">2★</th><th scope=\"col\">3★</th><th scope=\"col\">4★</th><th scope=\"col\">5★</th></tr></thead>\
<tbody><tr><th scope=\"row\">{}</th>{scores}</tr></tbody></table></div><ul>{comments}</ul>",
        pick(lang, "评分分布", "Scores"),
        pick(lang, "评分分布", "Scores"),
        pick(lang, "评价数", "Ratings"),
        r.count,
    )
}

/// The county's public results page: the reform figures per bundle, promised and measured.
/// `promised`: a bundle's promised cut over its base items (from its view, built once).
pub fn results(
    s: &Statistics,
    catalogue: &Catalogue,
    promised: &dyn Fn(&str) -> Option<u32>,
    lang: Lang,
) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    let heads: String = [
        t("套餐", "Bundle"),
        t("受理事项", "Items accepted"),
        t("实际用时中位数（工作日）", "Median actual days"),
        t("按时办结率", "On time"),
        t("承诺压减（基本事项）", "Promised cut (base items)"),
        t("实际压减", "Measured cut"),
    ]
    .iter()
    .map(|h| format!("<th scope=\"col\">{h}</th>"))
    .collect();
    let body = format!(
        "<section><h1>{h}</h1><p class=\"m\">{period}</p><dl class=\"kpi\">{k}</dl></section>\
<section><h2>{by}</h2><div class=\"w\" tabindex=\"0\" role=\"region\" aria-label=\"{by}\"><table id=\"t-results\">\
<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div><p class=\"m\">{note}</p></section>{defs}",
        h = t("证照联办改革成效", "Results of the joint-licensing reform"),
        period = esc(&period(s, lang)),
        k = headline(
            s,
            &["k-accepted", "k-on-time", "k-median", "k-measured-cut"],
            lang
        ),
        by = t("各套餐：承诺与实际", "Per bundle: promised and measured"),
        rows = results_rows(s, catalogue, promised, lang),
        note = t(
            "承诺压减按套餐基本事项计算；实际压减按各事项实际用时中位数计算。目标：平均压减法定时限85%以上（《方案》措施8）。",
            "The promised cut is over each bundle's base items; the measured cut uses each item's median actual days. Target: an average cut of 85% or more of the statutory limits (the plan's measure 8).",
        ),
        defs = definitions_html(lang),
    );
    document_under(
        lang,
        t("证照联办 · 改革成效公开", "Lianban · public results"),
        t("证照联办改革成效", "Reform results"),
        &body,
        STYLE,
    )
}

/// Every bundle of the catalogue, filed or not: measured figures beside the promised cut of
/// its base items.
fn results_rows(
    s: &Statistics,
    catalogue: &Catalogue,
    promised: &dyn Fn(&str) -> Option<u32>,
    lang: Lang,
) -> String {
    let none = StatRow::default();
    catalogue
        .bundles
        .iter()
        .map(|bundle| {
            let b = s
                .by_bundle
                .iter()
                .find(|r| r.key == bundle.id)
                .unwrap_or(&none);
            let promised = promised(&bundle.id);
            let cells: String = [
                b.accepted.to_string(),
                or_dash(b.median_days, ""),
                or_dash(b.on_time_percent, "%"),
                or_dash(promised, "%"),
                or_dash(b.measured_cut_percent, "%"),
            ]
            .iter()
            .map(|c| format!("<td class=\"n\">{c}</td>"))
            .collect();
            format!(
                "<tr data-bundle=\"{}\"><th scope=\"row\">{}</th>{cells}</tr>",
                attr(&bundle.id),
                esc(bundle.name.get(lang)),
            )
        })
        .collect()
}

/// A page saying why something was refused, under `header`, with the ways on (address, words).
fn refusal(lang: Lang, header: &str, title: &str, message: &str, ways: &[(&str, &str)]) -> Page {
    let ways: Vec<String> = ways
        .iter()
        .map(|(href, words)| format!("<a href=\"{}\">{words}</a>", attr(href)))
        .collect();
    let body = format!(
        "<section><h1>{title}</h1><p>{}</p><p>{}</p></section>",
        esc(message),
        ways.join(" · ")
    );
    document_under(lang, header, title, &body, STYLE)
}

/// The dashboard refused (a role that may not see it, a filter that is not valid).
pub fn refused(message: &str, lang: Lang) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    refusal(
        lang,
        t("证照联办 · 统计看板", "Lianban · dashboard"),
        t("统计看板", "Dashboard"),
        message,
        &[
            (
                "/staff/statistics",
                t("重新打开看板", "Open the dashboard again"),
            ),
            ("/staff", t("返回工作台", "Back to the desk")),
        ],
    )
}

/// A rating from the status page's form refused: why, and the way back to the status page.
pub fn refused_rating(message: &str, back: &str, lang: Lang) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    refusal(
        lang,
        t("证照联办 · 评价", "Lianban · rating"),
        t("评价未能提交", "The rating was not sent"),
        message,
        &[(back, t("返回办理进度", "Back to the application's status"))],
    )
}

/// An addition (增项) asked for from the status page's form refused: why, and the way back.
pub fn refused_addition(message: &str, back: &str, lang: Lang) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    refusal(
        lang,
        t("证照联办 · 增办许可", "Lianban · add permits"),
        t("暂不能增办许可", "No permits can be added now"),
        message,
        &[(back, t("返回办理进度", "Back to the application's status"))],
    )
}

/// A certificate asked for from the status page's form refused: why, and the way back.
pub fn refused_certificate(message: &str, back: &str, lang: Lang) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    refusal(
        lang,
        t("证照联办 · 电子证照", "Lianban · certificate"),
        t("未能取得电子证照", "No certificate"),
        message,
        &[(back, t("返回办理进度", "Back to the application's status"))],
    )
}
