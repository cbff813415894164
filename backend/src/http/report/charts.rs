//! Charts as hand-written SVG, drawn on the server: no script, no wasm, a few hundred bytes
//! each; they scale with the page and print as they are. Each has a title for screen readers,
//! and the table with the same figures sits next to it.

use html_escape::encode_text as esc;
use shared::Lang;
use shared::statistics::{DaysAgainstPromise, StatRow};

use crate::http::public::page::pick;

const W: f64 = 640.0;
const H: f64 = 220.0;
/// Room for labels: left, bottom, top.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 16.0;
const BLUE: &str = "#0b5cad";
const GREEN: &str = "#1e6b34";
const RED: &str = "#b3261e";

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

fn frame(id: &str, title: &str, body: &str) -> String {
    format!(
        "<svg id=\"{id}\" class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t\" \
xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title>{body}</svg>",
        esc(title)
    )
}

/// A vertical bar chart of `(label, value, colour)`, the y axis from 0 with three grid lines.
fn columns(id: &str, title: &str, bars: &[(String, f64, &str)], unit: &str) -> String {
    let max = nice_max(bars.iter().map(|b| b.1).fold(0.0, f64::max));
    let plot_h = H - BOTTOM - TOP;
    let mut body = String::new();
    for i in 0..=2 {
        let v = max * f64::from(i) / 2.0;
        let y = TOP + plot_h - plot_h * v / max;
        body += &format!(
            "<line x1=\"{LEFT}\" x2=\"{W}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d8dee6\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5a6470\">{v}{unit}</text>",
            LEFT - 4.0,
            y + 4.0
        );
    }
    let n = bars.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    // Label every bar when they fit, else every few.
    let every = (n / 12.0).ceil().max(1.0) as usize;
    for (i, (label, v, colour)) in bars.iter().enumerate() {
        let h = plot_h * v / max;
        let x = LEFT + slot * i as f64 + slot * 0.15;
        body += &format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{}: {v}{unit}</title></rect>",
            TOP + plot_h - h,
            slot * 0.7,
            esc(label)
        );
        if i % every == 0 {
            body += &format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">{}</text>",
                x + slot * 0.35,
                H - 10.0,
                esc(label)
            );
        }
    }
    frame(id, title, &body)
}

/// Items accepted per month.
pub fn volumes(months: &[StatRow], lang: Lang) -> String {
    let bars: Vec<_> = months
        .iter()
        .map(|m| (m.key.clone(), m.accepted as f64, BLUE))
        .collect();
    columns(
        "chart-volumes",
        pick(lang, "每月受理事项数", "Items accepted per month"),
        &bars,
        "",
    )
}

/// Working days over (red) or within (green) the promise, and how many items took them.
pub fn against_promise(d: &[DaysAgainstPromise], lang: Lang) -> String {
    let bars: Vec<_> = d
        .iter()
        .map(|b| {
            let label = if b.days_over > 0 {
                format!("+{}", b.days_over)
            } else {
                b.days_over.to_string()
            };
            (
                label,
                b.items as f64,
                if b.days_over > 0 { RED } else { GREEN },
            )
        })
        .collect();
    columns(
        "chart-promise",
        pick(
            lang,
            "实际用时减承诺时限（工作日）的分布：绿色为按时，红色为超时",
            "Actual minus promised working days: green within the promise, red late",
        ),
        &bars,
        "",
    )
}

/// Each department's on-time share as a horizontal bar from 0 to 100%.
pub fn on_time(departments: &[StatRow], lang: Lang) -> String {
    let row_h = 26.0;
    let label_w = 150.0;
    let h = TOP + row_h * departments.len().max(1) as f64 + 8.0;
    let mut body = String::new();
    for (i, d) in departments.iter().enumerate() {
        let y = TOP + row_h * i as f64;
        let share = d.on_time_percent.map_or(0.0, f64::from);
        let w = (W - label_w - 50.0) * share / 100.0;
        let value = d
            .on_time_percent
            .map_or_else(|| "—".to_string(), |p| format!("{p}%"));
        body += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{label}</text>\
<rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{BLUE}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1b1f24\">{value}</text>",
            label_w - 6.0,
            y + 16.0,
            row_h - 8.0,
            label_w + w + 4.0,
            y + 16.0,
            label = esc(&d.label),
        );
    }
    format!(
        "<svg id=\"chart-on-time\" class=\"chart\" viewBox=\"0 0 {W} {h:.0}\" role=\"img\" aria-labelledby=\"chart-on-time-t\" \
xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-on-time-t\">{}</title>{body}</svg>",
        pick(lang, "各部门按时办结率", "On-time share per department")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_a_round_number_and_bars_keep_their_figures() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(130.0), 200.0);
        assert_eq!(nice_max(4.0), 5.0);
        let d = [
            DaysAgainstPromise {
                days_over: -2,
                items: 30,
            },
            DaysAgainstPromise {
                days_over: 3,
                items: 4,
            },
        ];
        let svg = against_promise(&d, Lang::En);
        assert!(svg.contains("<title>-2: 30</title>") && svg.contains(GREEN));
        assert!(svg.contains("<title>+3: 4</title>") && svg.contains(RED));
        assert!(svg.starts_with("<svg") && svg.contains("role=\"img\""));
    }
}
