//! The public verify page a licence's QR code opens: server-rendered HTML, no script, no wasm,
//! a few kilobytes — fast on a slow mobile network. It shows what a licence shows publicly (name,
//! code, type, address, the legal representative's name partly masked, scope, date) and every
//! permit with its state and validity, read live (never cached). Never an ID number or phone.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use html_escape::encode_text as esc;
use shared::Lang;

use super::ReqLang;
use crate::AppState;
use crate::db::enterprises::{self as db_ent, EnterpriseRow, PermitRow};
use crate::domain::clock::{county_date, county_minute, now_unix, rfc3339};
use crate::error::AppError;

/// The verify page's address for a token.
pub fn verify_url(state: &AppState, token: &str) -> String {
    format!("{}/v/{token}", state.public_url.trim_end_matches('/'))
}

/// Tokens are 22 base64url characters; anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 22
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `张三` → `张*`: the family name and a star per further character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A permit's state as the public sees it: `valid` past its last day is `expired`.
pub fn public_state(p: &PermitRow, today: &str) -> &'static str {
    match p.state.as_str() {
        "valid" if p.valid_until.as_deref().is_some_and(|u| u < today) => "expired",
        "valid" => "valid",
        "suspended" => "suspended",
        "revoked" => "revoked",
        _ => "cancelled",
    }
}

const STYLE: &str = "body{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1b1f24;background:#f4f6f9}\
header{background:#0b5cad;color:#fff;padding:12px 16px}main{max-width:720px;margin:0 auto;padding:12px}\
section{background:#fff;border:1px solid #d8dee6;border-radius:10px;padding:12px 16px;margin:12px 0}\
h1{font-size:1.3rem;margin:0 0 4px}h2{font-size:1.1rem;margin:0 0 8px}dl{margin:0}dt{color:#5a6470;font-size:14px}\
dd{margin:0 0 8px;word-break:break-all}ul{list-style:none;padding:0;margin:0}li{padding:8px 0;border-top:1px solid #d8dee6}\
.s{float:right;border-radius:999px;padding:0 10px;font-size:14px;background:#e8f0fa;color:#084483}\
.valid{background:#e7f4ea;color:#1e6b34}.revoked,.expired,.cancelled{background:#fbe9e8;color:#b3261e}\
.suspended{background:#fff4de;color:#8a5a00}.m{color:#5a6470;font-size:14px}.code{font-family:ui-monospace,monospace}";

fn page(lang: Lang, title: &str, body: &str) -> String {
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{STYLE}</style></head><body><header>{}</header><main>{body}</main></body></html>",
        if lang == Lang::Zh {
            "证照联办 · 营业执照核验"
        } else {
            "Lianban · licence check"
        },
        title = esc(title),
    )
}

fn html(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A permit revoked a second ago must show revoked: never served from a cache.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn not_found(lang: Lang) -> Response {
    let t = if lang == Lang::Zh {
        "没有找到这份执照"
    } else {
        "No such licence"
    };
    let body = format!(
        "<section><h1>{t}</h1><p class=\"m\">{}</p></section>",
        if lang == Lang::Zh {
            "请核对二维码或链接是否完整。"
        } else {
            "Check that the QR code or link is complete."
        }
    );
    html(StatusCode::NOT_FOUND, page(lang, t, &body))
}

fn render(
    e: &EnterpriseRow,
    permits: &[PermitRow],
    changes: &[db_ent::ChangeRow],
    state: &AppState,
    lang: Lang,
) -> String {
    let today = shared::date::format_iso_date(county_date(now_unix()));
    let zh = lang == Lang::Zh;
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let field = |label: &str, value: &str| format!("<dt>{label}</dt><dd>{}</dd>", esc(value));
    let mut facts = String::new();
    facts += &format!(
        "<dt>{}</dt><dd class=\"code\">{}</dd>",
        t("统一社会信用代码", "Unified social credit code"),
        esc(&e.uscc)
    );
    facts += &field(t("类型", "Type"), &e.entity_type);
    facts += &field(t("经营场所", "Address"), &e.address);
    facts += &field(
        t("经营者 / 法定代表人", "Operator / legal representative"),
        &mask_name(&e.legal_rep),
    );
    facts += &field(t("经营范围", "Scope"), &e.scope);
    facts += &field(t("成立日期", "Established"), &e.established_on);
    let mut list = String::new();
    for p in permits {
        let (name, dept) = (
            state
                .catalogue
                .item(&p.item)
                .map(|i| i.name.get(lang).to_string())
                .unwrap_or_default(),
            state
                .catalogue
                .department(&p.department)
                .map(|d| d.name.get(lang).to_string())
                .unwrap_or_default(),
        );
        let s = public_state(p, &today);
        let validity = match &p.valid_until {
            Some(u) => format!("{} {} – {u}", t("有效期", "valid"), p.issued_on),
            None => format!("{} {}", t("核发于", "issued"), p.issued_on),
        };
        let reason = p
            .reason
            .as_deref()
            .filter(|_| s != "valid")
            .map(|r| format!("<br><span class=\"m\">{}</span>", esc(r)))
            .unwrap_or_default();
        list += &format!(
            "<li data-item=\"{}\"><span class=\"s {s}\">{}</span><strong>{}</strong><br><span class=\"m\">{} · <span class=\"code\">{}</span> · {}</span>{reason}</li>",
            esc(&p.item),
            shared::holder::permit_state_label(s, lang),
            esc(&name),
            esc(&dept),
            esc(&p.certificate),
            esc(&validity),
        );
    }
    let mut history = String::new();
    for c in changes {
        let (label, values) = match c.field.as_str() {
            "name" => (
                t("名称变更", "Name changed"),
                format!("{} → {}", esc(&c.before_value), esc(&c.after_value)),
            ),
            "address" => (
                t("经营场所变更", "Address changed"),
                format!("{} → {}", esc(&c.before_value), esc(&c.after_value)),
            ),
            _ => (
                t("法定代表人变更", "Legal representative changed"),
                format!(
                    "{} → {}",
                    esc(&mask_name(&c.before_value)),
                    esc(&mask_name(&c.after_value))
                ),
            ),
        };
        history += &format!(
            "<li>{label}<br><span class=\"m\">{} · {values}</span></li>",
            esc(&county_minute(c.changed_at))
        );
    }
    if !history.is_empty() {
        history = format!(
            "<section><h2>{}</h2><ul>{history}</ul></section>",
            t("变更记录", "Changes")
        );
    }
    let body = format!(
        "<section><h1>{}</h1><dl>{facts}</dl></section><section><h2>{} ({})</h2><ul>{list}</ul></section>{history}\
<p class=\"m\">{} {} · {}</p>",
        esc(&e.name),
        t("证照信息", "Licence and permits"),
        permits.len(),
        t("数据实时查询，最后更新于", "Live data, last changed"),
        esc(&county_minute(e.updated_at)),
        t(
            "本页不显示身份证号码、电话等个人信息",
            "No ID numbers or phone numbers are shown"
        ),
    );
    page(lang, &e.name, &body)
}

/// The enterprise behind a verify token and its permits; `None` for a malformed or unknown
/// token (every public route answers those with the same 404 page).
async fn licence(
    state: &AppState,
    token: &str,
) -> Result<Option<(EnterpriseRow, Vec<PermitRow>)>, AppError> {
    if !plausible(token) {
        return Ok(None);
    }
    let Some(e) = db_ent::by_token(&state.db, token).await? else {
        return Ok(None);
    };
    let permits = db_ent::permits_of(&state.db, e.id).await?;
    Ok(Some((e, permits)))
}

/// `GET /v/{token}`: the public verify page.
pub async fn page_of(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((e, permits)) = licence(&state, &token).await? else {
        return Ok(not_found(lang));
    };
    let changes = db_ent::changes_of(&state.db, e.id).await?;
    Ok(html(
        StatusCode::OK,
        render(&e, &permits, &changes, &state, lang),
    ))
}

fn qr(state: &AppState, token: &str) -> Option<qrcode::QrCode> {
    qrcode::QrCode::with_error_correction_level(verify_url(state, token), qrcode::EcLevel::Q).ok()
}

/// `GET /v/{token}/qr.svg` and `/v/{token}/qr.png`: the code printed on the licence.
pub async fn qr_image(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((token, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let Some((e, permits)) = licence(&state, &token).await? else {
        return Ok(not_found(lang));
    };
    let code = match file.as_str() {
        "snapshot.svg" | "snapshot.png" => qrcode::QrCode::with_error_correction_level(
            snapshot(&state, &e, &permits),
            qrcode::EcLevel::Q,
        )
        .ok(),
        _ => qr(&state, &token),
    }
    .ok_or_else(|| anyhow::anyhow!("QR encoding failed"))?;
    let file = file.replace("snapshot.", "qr.");
    let (content_type, bytes) = match file.as_str() {
        "qr.svg" => (
            "image/svg+xml",
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .build()
                .into_bytes(),
        ),
        "qr.png" => {
            let img = code
                .render::<image::Luma<u8>>()
                .min_dimensions(240, 240)
                .build();
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png)
                .map_err(|e| anyhow::anyhow!("PNG: {e}"))?;
            ("image/png", out.into_inner())
        }
        _ => return Ok(not_found(lang)),
    };
    let mut res = bytes.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(res)
}

/// The licence as the seal signs it: fixed field order, the legal representative masked.
fn canonical(e: &EnterpriseRow, permits: &[PermitRow], today: &str) -> String {
    let permits: Vec<serde_json::Value> = permits
        .iter()
        .map(|p| {
            serde_json::json!({
                "item": p.item, "certificate": p.certificate, "issued_on": p.issued_on,
                "valid_until": p.valid_until, "state": public_state(p, today),
            })
        })
        .collect();
    // serde_json keeps object keys sorted (no `preserve_order`): the text is canonical.
    serde_json::json!({
        "uscc": e.uscc, "name": e.name, "entity_type": e.entity_type, "address": e.address,
        "legal_rep": mask_name(&e.legal_rep), "scope": e.scope, "established_on": e.established_on,
        "permits": permits, "as_of": rfc3339(now_unix()),
    })
    .to_string()
}

/// `GET /v/{token}/licence.json`: the licence and its permits now, signed with the bureau's
/// seal: `{document, kid, signature}`, the signature over the exact bytes of `document`.
pub async fn signed(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((e, permits)) = licence(&state, &token).await? else {
        return Ok(not_found(lang));
    };
    let today = shared::date::format_iso_date(county_date(now_unix()));
    let document = canonical(&e, &permits, &today);
    let body = serde_json::json!({
        "document": document,
        "kid": state.seal.kid(),
        "signature": state.seal.sign(document.as_bytes()),
    });
    let mut res = axum::Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /.well-known/lianban-keys.json`: every public key of the seal, old ones included.
pub async fn keys(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "keys": state.seal.public_keys() }))
}

/// `GET /v/{token}/print`: the licence on A4 — facts, every permit (one comprehensive licence),
/// the QR and the electronic seal.
pub async fn print(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((e, permits)) = licence(&state, &token).await? else {
        return Ok(not_found(lang));
    };
    let changes = db_ent::changes_of(&state.db, e.id).await?;
    let today = shared::date::format_iso_date(county_date(now_unix()));
    let document = canonical(&e, &permits, &today);
    let signature = state.seal.sign(document.as_bytes());
    let svg = qr(&state, &token)
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(160, 160)
                .build()
        })
        .unwrap_or_default();
    let zh = lang == Lang::Zh;
    let seal_block = format!(
        "<section class=\"seal\"><div class=\"qr\">{svg}</div><div><strong>{}</strong><br>\
<span class=\"m\">{} <span class=\"code\">{}</span></span><br><span class=\"m code sig\">{}</span><br>\
<span class=\"m\">{}</span></div></section>",
        if zh {
            "睢县市场监督管理局 · 电子印章"
        } else {
            "Suixian Market Regulation Bureau · electronic seal"
        },
        if zh { "密钥" } else { "key" },
        esc(state.seal.kid()),
        esc(&signature),
        if zh {
            "扫码查看实时状态；签名可用公开密钥核验（/.well-known/lianban-keys.json）"
        } else {
            "Scan for the live state; the signature verifies with the published keys"
        },
    );
    let page_html = render(&e, &permits, &changes, &state, lang).replace(
        "</main>",
        &format!("{seal_block}</main>"),
    ).replace(
        "</style>",
        "@page{size:A4;margin:12mm}.seal{display:flex;gap:16px;align-items:center}.qr svg{width:160px;height:160px}\
.sig{word-break:break-all;font-size:11px}@media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}\
section{break-inside:avoid;border-color:#000}}</style>",
    );
    Ok(html(StatusCode::OK, page_html))
}

/// How long a signed snapshot is good for offline; past it the scan page asks for the live page.
pub const SNAPSHOT_SECS: i64 = 24 * 3600;

/// The signed snapshot text of the licence now (the second QR, checked offline).
pub fn snapshot(state: &AppState, e: &EnterpriseRow, permits: &[PermitRow]) -> String {
    let now = now_unix();
    let today = shared::date::format_iso_date(county_date(now));
    let payload = shared::snapshot::Payload {
        u: e.uscc.clone(),
        n: e.name.clone(),
        t: e.verify_token.clone(),
        p: permits
            .iter()
            .map(|p| {
                (
                    p.item.clone(),
                    state
                        .catalogue
                        .item(&p.item)
                        .map(|i| i.name.zh.clone())
                        .unwrap_or_default(),
                    public_state(p, &today).to_string(),
                    p.valid_until.clone().unwrap_or_default(),
                )
            })
            .collect(),
        iat: now,
        exp: now + SNAPSHOT_SECS,
    };
    let bytes = serde_json::to_vec(&payload).unwrap_or_default();
    shared::snapshot::encode(
        &bytes,
        &state.seal.kid_bytes(),
        &state.seal.sign_raw(&bytes),
    )
}
