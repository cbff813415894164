//! The public verify page's HTML: server-rendered, no script, no wasm, a few kilobytes — fast on
//! a slow mobile network. What a licence shows publicly (name, code, type, address, the legal
//! representative's name partly masked, scope, date), every permit with its state and validity,
//! the change history. Never an ID number or a phone.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use html_escape::encode_text as esc;
use shared::Lang;
use shared::catalogue::Catalogue;

use crate::domain::clock::county_minute;
use crate::domain::permit::mask_name;
use crate::domain::records::{Enterprise, InProgress, LicenceChangeRecord, Permit};
use crate::service::inspection_tasks::Published;

const STYLE: &str = "body{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1b1f24;background:#f4f6f9}\
header{background:#0b5cad;color:#fff;padding:12px 16px}main{max-width:720px;margin:0 auto;padding:12px}\
section{background:#fff;border:1px solid #d8dee6;border-radius:10px;padding:12px 16px;margin:12px 0}\
h1{font-size:1.3rem;margin:0 0 4px}h2{font-size:1.1rem;margin:0 0 8px}dl{margin:0}dt{color:#5a6470;font-size:14px}\
dd{margin:0 0 8px;word-break:break-all}ul{list-style:none;padding:0;margin:0}li{padding:8px 0;border-top:1px solid #d8dee6}\
.s{float:right;border-radius:999px;padding:0 10px;font-size:14px;background:#e8f0fa;color:#084483}\
.valid{background:#e7f4ea;color:#1e6b34}.revoked,.expired,.cancelled{background:#fbe9e8;color:#b3261e}\
.suspended,.pending{background:#fff4de;color:#8a5a00}.m{color:#5a6470;font-size:14px}.code{font-family:ui-monospace,monospace}";

/// The print layout's additions: A4, the seal block, no colours.
pub const PRINT_STYLE: &str = "@page{size:A4;margin:12mm}.seal{display:flex;gap:16px;align-items:flex-start;justify-content:space-between;flex-wrap:wrap}\
.seal figure{margin:0;text-align:center;max-width:200px}.seal figcaption{font-size:12px;color:#5a6470}.qr svg{width:160px;height:160px}\
@media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}\
section{break-inside:avoid;border-color:#000}}";

/// A server-rendered page and the Content Security Policy that lets its one style block in.
pub struct Page {
    pub html: String,
    pub csp: String,
}

impl Page {
    /// Lets the page's forms send to this server (the dashboard's filters).
    pub fn allow_forms(&mut self) {
        self.csp = self.csp.replace("form-action 'none'", "form-action 'self'");
    }
}

/// One licence page with its title, body and extra style.
pub fn document(lang: Lang, title: &str, body: &str, extra_style: &str) -> Page {
    let header = pick(lang, "证照联办 · 营业执照核验", "Lianban · licence check");
    document_under(lang, header, title, body, extra_style)
}

/// One public page under `header`, with its title, body and extra style.
pub fn document_under(
    lang: Lang,
    header: &str,
    title: &str,
    body: &str,
    extra_style: &str,
) -> Page {
    let html_lang = lang.tag();
    let style = format!("{STYLE}{extra_style}");
    let html = format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{style}</style></head><body><header>{header}</header><main>{body}</main></body></html>",
        title = esc(title),
        header = esc(header),
    );
    Page {
        html,
        csp: csp(extra_style),
    }
}

/// The Content Security Policy of a page with `extra_style`: its one style block by hash.
pub fn csp(extra_style: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let style = format!("{STYLE}{extra_style}");
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&style));
    crate::http::headers::public_page(&hash)
}

/// A page as the answer: HTML, its Content Security Policy, never cached.
pub fn html(status: StatusCode, page: Page) -> Response {
    html_body(status, page.html.into(), &page.csp)
}

/// HTML `body` as the answer under `csp`, never cached.
pub fn html_body(status: StatusCode, body: axum::body::Body, csp: &str) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    // A permit revoked a second ago must show revoked: never served from a cache.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The page for an unknown or malformed token.
pub fn not_found(lang: Lang) -> Page {
    let zh = lang == Lang::Zh;
    let title = if zh {
        "没有找到这份执照"
    } else {
        "No such licence"
    };
    let hint = if zh {
        "请核对二维码或链接是否完整。"
    } else {
        "Check that the QR code or link is complete."
    };
    let body = format!("<section><h1>{title}</h1><p class=\"m\">{hint}</p></section>");
    document(lang, title, &body, "")
}

pub fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

fn facts(e: &Enterprise, lang: Lang) -> String {
    let field = |label: &str, value: &str| format!("<dt>{label}</dt><dd>{}</dd>", esc(value));
    let t = |zh, en| pick(lang, zh, en);
    [
        format!(
            "<dt>{}</dt><dd class=\"code\">{}</dd>",
            t("统一社会信用代码", "Unified social credit code"),
            esc(&e.uscc)
        ),
        field(t("类型", "Type"), &e.entity_type),
        field(t("经营场所", "Address"), &e.address),
        field(
            t("经营者 / 法定代表人", "Operator / legal representative"),
            &mask_name(&e.legal_rep),
        ),
        field(t("经营范围", "Scope"), &e.scope),
        field(t("成立日期", "Established"), &e.established_on),
    ]
    .concat()
}

fn permit(p: &Permit, catalogue: &Catalogue, today: &str, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let name = catalogue
        .item(&p.item)
        .map(|i| i.name.get(lang))
        .unwrap_or_default();
    let dept = catalogue
        .department(&p.department)
        .map(|d| d.name.get(lang))
        .unwrap_or_default();
    let s = p.state_on(today);
    let validity = match &p.valid_until {
        Some(u) => format!("{} {} – {u}", t("有效期", "valid"), p.issued_on),
        None => format!("{} {}", t("核发于", "issued"), p.issued_on),
    };
    let reason = p
        .reason
        .as_deref()
        .filter(|_| s != shared::records::PermitState::Valid)
        .map(|r| format!("<br><span class=\"m\">{}</span>", esc(r)))
        .unwrap_or_default();
    format!(
        "<li data-item=\"{}\"><span class=\"s {}\">{}</span><strong>{}</strong><br><span class=\"m\">{} · <span class=\"code\">{}</span> · {}</span>{reason}</li>",
        esc(&p.item),
        s.as_str(),
        s.label(lang),
        esc(name),
        esc(dept),
        esc(&p.certificate),
        esc(&validity),
    )
}

fn history(changes: &[LicenceChangeRecord], lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let items: String = changes
        .iter()
        .map(|c| {
            let (label, before, after) = match c.field.as_str() {
                "name" => (
                    t("名称变更", "Name changed"),
                    c.before.clone(),
                    c.after.clone(),
                ),
                "address" => (
                    t("经营场所变更", "Address changed"),
                    c.before.clone(),
                    c.after.clone(),
                ),
                _ => (
                    t("法定代表人变更", "Legal representative changed"),
                    mask_name(&c.before),
                    mask_name(&c.after),
                ),
            };
            format!(
                "<li>{label}<br><span class=\"m\">{} · {} → {}</span></li>",
                esc(&county_minute(c.changed_at)),
                esc(&before),
                esc(&after)
            )
        })
        .collect();
    if items.is_empty() {
        return items;
    }
    format!(
        "<section><h2>{}</h2><ul>{items}</ul></section>",
        t("变更记录", "Changes")
    )
}

/// The published results of 双随机 inspections of the enterprise (一公开), as a section;
/// nothing when there are none.
pub fn inspections(results: &[Published], lang: Lang) -> String {
    if results.is_empty() {
        return String::new();
    }
    let t = |zh, en| pick(lang, zh, en);
    let items: String = results
        .iter()
        .map(|r| {
            let by = r
                .rectify_by
                .as_deref()
                .map(|d| format!("{}{}", t("，整改期限 ", ", rectify by "), esc(d)))
                .unwrap_or_default();
            let recheck = match (&r.recheck_result, &r.rechecked_on) {
                (Some(result), Some(on)) => format!(
                    "<br>{}{} <span class=\"m\">{}</span>",
                    t("复查：", "Re-check: "),
                    esc(shared::supervision::result_label(result, lang)),
                    esc(on)
                ),
                _ => String::new(),
            };
            format!(
                "<li>{}{by}{recheck}<br><span class=\"m\">{} · {}</span></li>",
                esc(shared::supervision::result_label(&r.result, lang)),
                esc(&r.recorded_on),
                esc(&r.plan_name)
            )
        })
        .collect();
    format!(
        "<section class=\"inspections\"><h2>{}</h2><ul>{items}</ul></section>",
        t(
            "抽查检查结果（双随机、一公开）",
            "Random inspection results"
        )
    )
}

/// The items still being decided (办理中), each with its department and the day it is due by;
/// nothing when there are none.
fn in_progress(items: &[InProgress], catalogue: &Catalogue, lang: Lang) -> String {
    if items.is_empty() {
        return String::new();
    }
    let t = |zh, en| pick(lang, zh, en);
    let list: String = items
        .iter()
        .map(|i| {
            let name = catalogue.item(&i.item).map(|x| x.name.get(lang));
            let dept = catalogue.department(&i.department).map(|d| d.name.get(lang));
            let due = match (&i.due_on, lang) {
                (Some(d), Lang::Zh) => format!("承诺 {} 前办结", esc(d)),
                (Some(d), Lang::En) => format!("due by {}", esc(d)),
                (None, _) => t("待综合窗口受理", "waiting for the one window").to_string(),
            };
            format!(
                "<li data-item=\"{}\"><span class=\"s pending\">{}</span><strong>{}</strong><br><span class=\"m\">{} · {due}</span></li>",
                esc(&i.item),
                t("办理中", "In progress"),
                esc(name.unwrap_or(&i.item)),
                esc(dept.unwrap_or(&i.department)),
            )
        })
        .collect();
    format!(
        "<section class=\"in-progress\"><h2>{} ({})</h2><p class=\"m\">{}</p><ul>{list}</ul></section>",
        t("办理中的许可", "Permits in progress"),
        items.len(),
        t(
            "以下许可已申请、尚未办结，取得前不得从事相应经营。",
            "Applied for, not yet decided: the business may not do what they cover until granted."
        ),
    )
}

/// What the licence page shows.
pub struct Licence<'a> {
    pub enterprise: &'a Enterprise,
    pub permits: &'a [Permit],
    pub in_progress: &'a [InProgress],
    pub changes: &'a [LicenceChangeRecord],
}

/// The licence page's body: facts, every permit, the items in progress, the changes, the
/// live-data line.
pub fn licence(l: &Licence, catalogue: &Catalogue, today: &str, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let (e, permits) = (l.enterprise, l.permits);
    let list: String = permits
        .iter()
        .map(|p| permit(p, catalogue, today, lang))
        .collect();
    format!(
        "<section><h1>{}</h1><dl>{}</dl></section><section><h2>{} ({})</h2><ul>{list}</ul></section>{}{}\
<p class=\"m\">{} {} · {}</p>",
        esc(&e.name),
        facts(e, lang),
        t("证照信息", "Licence and permits"),
        permits.len(),
        in_progress(l.in_progress, catalogue, lang),
        history(l.changes, lang),
        t("数据实时查询，最后更新于", "Live data, last changed"),
        esc(&county_minute(e.updated_at)),
        t(
            "本页不显示身份证号码、电话等个人信息",
            "No ID numbers or phone numbers are shown"
        ),
    )
}

/// The seal as a picture: the authority's name around a red ring, the star, "电子印章" —
/// drawn, not an image file (it prints sharp at any size). The signature is in the snapshot QR.
fn seal_image(authority: &str) -> String {
    format!(
        "<svg class=\"stamp\" viewBox=\"0 0 160 160\" width=\"150\" height=\"150\" role=\"img\" aria-label=\"{a}\">\
<defs><path id=\"seal-arc\" d=\"M 30,88 A 52,52 0 1,1 130,88\"/></defs>\
<circle cx=\"80\" cy=\"80\" r=\"74\" fill=\"none\" stroke=\"#c8102e\" stroke-width=\"5\"/>\
<text fill=\"#c8102e\" font-size=\"15\" font-weight=\"700\"><textPath href=\"#seal-arc\" startOffset=\"50%\" text-anchor=\"middle\">{a}</textPath></text>\
<polygon fill=\"#c8102e\" points=\"80,52 87,73 109,73 91,86 98,107 80,94 62,107 69,86 51,73 73,73\"/>\
<text x=\"80\" y=\"128\" fill=\"#c8102e\" font-size=\"13\" text-anchor=\"middle\">电子印章</text></svg>",
        a = esc(authority)
    )
}

/// The print layout's seal block: the QR of the live page, the seal, and the QR of the signed
/// snapshot (checked offline by the scan app) with the seal's key id.
pub fn seal_block(live_qr: &str, snapshot_qr: &str, kid: &str, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    format!(
        "<section class=\"seal\"><figure class=\"qr\">{live_qr}<figcaption>{}</figcaption></figure>\
<figure>{}<figcaption>{}</figcaption></figure>\
<figure class=\"qr\">{snapshot_qr}<figcaption>{} <span class=\"code\">{}</span></figcaption></figure></section>",
        t("扫码查看实时状态", "Scan for the live state"),
        seal_image("睢县市场监督管理局"),
        t(
            "睢县市场监督管理局 · 电子印章",
            "Suixian Market Regulation Bureau · electronic seal"
        ),
        t(
            "离线核验码（含电子签名），密钥",
            "Offline check (signed), key"
        ),
        esc(kid),
    )
}
