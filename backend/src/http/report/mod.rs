//! The statistics as people read them: the tables (one definition of their columns, rendered
//! as HTML, CSV and XLSX alike), the charts (hand-written SVG, no script), and the definitions
//! every figure is labelled with. The dashboard (`http::staff::statistics`) and the public
//! results page (`http::public::results`) are built from these.

pub mod charts;
pub mod export;
pub mod pages;

use html_escape::encode_text as esc;
use shared::Lang;
use shared::catalogue::Catalogue;
use shared::statistics::{StatRow, Statistics};

use crate::http::public::page::pick;

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Nothing to show (no measured item).
    Empty,
}

impl Cell {
    fn count(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
    fn maybe<T: Into<f64>>(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Number(v.into()))
    }
    /// As text: numbers without a useless `.0`, nothing as `—`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n}"),
            Cell::Empty => "—".into(),
        }
    }
}

/// One column: its heading in both languages and its value.
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub value: fn(&StatRow) -> Cell,
}

fn col(zh: &'static str, en: &'static str, value: fn(&StatRow) -> Cell) -> Column {
    Column { zh, en, value }
}

/// The columns of every table of rows, in order; `cuts` adds the plan's measure (items,
/// bundles and the whole county have one; departments and months do not).
pub fn columns(cuts: bool) -> Vec<Column> {
    let mut c = vec![
        col("名称", "Name", |r| Cell::Text(r.label.clone())),
        col("受理（件）", "Accepted", |r| Cell::count(r.accepted)),
        col("准予", "Approved", |r| Cell::count(r.approved)),
        col("不予许可", "Refused", |r| Cell::count(r.rejected)),
        col(
            "实际用时中位数（工作日）",
            "Median actual days",
            |r| Cell::maybe(r.median_days),
        ),
        col(
            "第90百分位（工作日）",
            "90th percentile (days)",
            |r| Cell::maybe(r.p90_days),
        ),
        col("按时办结率（%）", "On time (%)", |r| {
            Cell::maybe(r.on_time_percent)
        }),
        col("当前逾期", "Overdue now", |r| {
            Cell::count(r.overdue_now)
        }),
        col("告知承诺", "By commitment", |r| {
            Cell::count(r.by_commitment)
        }),
        col("容缺受理", "Materials to follow", |r| {
            Cell::count(r.tolerated)
        }),
        col("补正次数", "Supplement rounds", |r| {
            Cell::count(r.supplement_rounds)
        }),
    ];
    if cuts {
        c.push(col(
            "窗口补正次数（仅套餐）",
            "Window corrections (bundles only)",
            |r| Cell::maybe(r.correction_rounds.map(|n| n as f64)),
        ));
        c.push(col("承诺压减（%）", "Promised cut (%)", |r| {
            Cell::maybe(r.promised_cut_percent)
        }));
        c.push(col("实际压减（%）", "Measured cut (%)", |r| {
            Cell::maybe(r.measured_cut_percent)
        }));
    }
    c
}

/// The tables a statistics view has, by the name exports use.
pub const TABLES: [&str; 6] = [
    "items",
    "departments",
    "bundles",
    "months",
    "overdue",
    "refusals",
];

/// A table's heading.
pub fn title(table: &str, lang: Lang) -> &'static str {
    match table {
        "items" => pick(lang, "按事项", "By item"),
        "departments" => pick(lang, "按部门", "By department"),
        "bundles" => pick(lang, "按套餐", "By bundle"),
        "months" => pick(lang, "按受理月份", "By month of acceptance"),
        "overdue" => pick(lang, "逾期清单", "Overdue items"),
        _ => pick(lang, "不予许可及理由", "Refusals and their reasons"),
    }
}

/// A table as headings and rows of cells (`None`: no such table).
pub fn grid(
    s: &Statistics,
    table: &str,
    catalogue: &Catalogue,
    lang: Lang,
) -> Option<(Vec<String>, Vec<Vec<Cell>>)> {
    let rows = |rows: &[StatRow], cuts: bool| {
        let cols = columns(cuts);
        let heads = cols.iter().map(|c| pick_owned(lang, c.zh, c.en)).collect();
        let body = rows
            .iter()
            .map(|r| cols.iter().map(|c| (c.value)(r)).collect())
            .collect();
        (heads, body)
    };
    Some(match table {
        "items" => rows(&s.by_item, true),
        "departments" => rows(&s.by_department, false),
        "bundles" => rows(&s.by_bundle, true),
        "months" => rows(&s.by_month, false),
        "overdue" | "refusals" => lists(s, table, catalogue, lang),
        _ => return None,
    })
}

/// The two lists of items: the overdue ones and the refusals, each with its application, item
/// and department.
fn lists(
    s: &Statistics,
    table: &str,
    catalogue: &Catalogue,
    lang: Lang,
) -> (Vec<String>, Vec<Vec<Cell>>) {
    let text = |s: &str| Cell::Text(s.to_string());
    let named = |id: &str, name: Option<&shared::Text>| {
        Cell::Text(name.map_or_else(|| id.to_string(), |t| t.get(lang).to_string()))
    };
    let line = |application: &str, item: &str, department: &str, day: &str, last: Cell| {
        vec![
            text(application),
            named(item, catalogue.item(item).map(|i| &i.name)),
            named(
                department,
                catalogue.department(department).map(|d| &d.name),
            ),
            text(day),
            last,
        ]
    };
    let (day, last, rows): (_, _, Vec<Vec<Cell>>) = if table == "overdue" {
        let rows = s.overdue.iter().map(|o| {
            let late = Cell::Number(f64::from(o.days_late));
            line(&o.application, &o.item, &o.department, &o.due_on, late)
        });
        (
            ("应办结日期", "Due on"),
            ("逾期（工作日）", "Working days late"),
            rows.collect(),
        )
    } else {
        let rows = s.refusals.iter().map(|r| {
            line(
                &r.application,
                &r.item,
                &r.department,
                &r.decided_on,
                text(&r.reason),
            )
        });
        (
            ("决定日期", "Decided on"),
            ("理由", "Reason"),
            rows.collect(),
        )
    };
    let heads = [
        ("申请编号", "Application"),
        ("事项", "Item"),
        ("部门", "Department"),
        day,
        last,
    ]
    .iter()
    .map(|(zh, en)| pick_owned(lang, zh, en))
    .collect();
    (heads, rows)
}

fn pick_owned(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh { zh } else { en }.to_string()
}

/// A table as HTML, with its caption; rows beyond `limit` left to the export.
pub fn html_table(
    s: &Statistics,
    table: &str,
    catalogue: &Catalogue,
    lang: Lang,
    limit: usize,
) -> String {
    let Some((heads, rows)) = grid(s, table, catalogue, lang) else {
        return String::new();
    };
    if rows.is_empty() {
        return format!(
            "<p class=\"m\" id=\"t-{table}\">{}</p>",
            pick(lang, "（无）", "(none)")
        );
    }
    let th: String = heads
        .iter()
        .map(|h| format!("<th scope=\"col\">{}</th>", esc(h)))
        .collect();
    let body: String = rows
        .iter()
        .take(limit)
        .map(|r| {
            let cells: String = r
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (tag, end) = match (i, c) {
                        (0, _) => ("th scope=\"row\"", "th"),
                        (_, Cell::Number(_) | Cell::Empty) => ("td class=\"n\"", "td"),
                        _ => ("td", "td"),
                    };
                    format!("<{tag}>{}</{end}>", esc(&c.text()))
                })
                .collect();
            format!("<tr>{cells}</tr>")
        })
        .collect();
    format!(
        "<div class=\"w\" tabindex=\"0\" role=\"region\" aria-label=\"{t}\"><table id=\"t-{table}\"><caption>{t}</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>",
        t = title(table, lang)
    )
}

/// What each figure means, as the plan defines it: shown under the figures, sent with the API.
pub fn definitions(lang: Lang) -> [(&'static str, &'static str); 5] {
    let t = |zh, en| pick(lang, zh, en);
    [
        (
            t("压减率", "Cut"),
            t(
                "按《方案》措施8：逐项计算（法定时限−承诺或实际时限）÷法定时限，再对事项取平均；目标为平均压减85%以上。百分比一律向下取整。",
                "As the plan's measure 8 defines it: per item, (statutory − promised or actual days) ÷ statutory days, then averaged over the items; the target is 85% or more. Percentages are always floored.",
            ),
        ),
        (
            t("实际用时", "Actual days"),
            t(
                "自受理次日起至作出决定之日的工作日数（按国务院公布的节假日安排，含调休上班日），扣除补正、现场核查、专家评审、检验检测等暂停计时的工作日。",
                "Working days from the day after acceptance to the day of decision (by the State Council's holiday arrangement, make-up workdays included), less the working days the clock stood still for supplements, inspections, expert review and testing.",
            ),
        ),
        (
            t("按时办结率", "On time"),
            t(
                "已计量的办结事项中，实际用时不超过承诺时限的比例（向下取整）。",
                "Of the decided items measured, the share whose actual days were within the promised limit (floored).",
            ),
        ),
        (
            t("中位数与第90百分位", "Median and 90th percentile"),
            t(
                "中位数：居中的值（偶数个时取中间两值的平均）；第90百分位：最近秩法，至少90%的事项不超过此值。",
                "Median: the middle value (the mean of the two middle ones for an even count); 90th percentile by nearest rank: at least 90% of items took no longer.",
            ),
        ),
        (
            t("统计期间", "Period"),
            t(
                "按事项受理日期筛选；当前逾期按今天计。",
                "Items are chosen by the day they were accepted; overdue is counted against today.",
            ),
        ),
    ]
}

/// The definitions as an HTML list.
pub fn definitions_html(lang: Lang) -> String {
    let items: String = definitions(lang)
        .iter()
        .map(|(term, text)| format!("<dt>{term}</dt><dd>{text}</dd>"))
        .collect();
    format!(
        "<section><h2>{}</h2><dl class=\"defs\">{items}</dl></section>",
        pick(lang, "口径说明", "Definitions")
    )
}
