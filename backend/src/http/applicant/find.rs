//! 查询办件 / 找回链接: server-rendered pages, no script, no wasm. The application's number and
//! the phone or e-mail on its form → a code sent there → the code → the private link again
//! (303 to the status page, the token in the fragment). A saved draft the same way, by the
//! phone or e-mail alone → the code → the list of the drafts with their links.
//! `service::recovery` decides.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use shared::Lang;

use crate::domain::recovery::{self, Refusal};
use crate::http::error::AppError;
use crate::http::extract::{Query, ReqLang};
use crate::http::public::page::{self, Page, pick};
use crate::service::Ctx;
use crate::service::recovery::{Asked, Found, FoundDraft};

const STYLE: &str = "label{display:block;font-weight:600;margin:12px 0 4px}\
input{font:inherit;width:100%;box-sizing:border-box;padding:10px;border:1px solid #8a949f;border-radius:8px;min-height:44px}\
input[aria-invalid=true]{border-color:#b3261e}.e{color:#b3261e;font-weight:600;margin:4px 0}\
button{font:inherit;background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:10px 18px;min-height:44px;margin-top:16px}\
.code{letter-spacing:.3em;font-size:1.3rem;max-width:12em}";

/// What the find form and its answer carry (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(default)]
pub struct FindForm {
    /// The application's number (`LB-YYYYMMDD-NNNN`).
    n: String,
    /// The phone or e-mail address given on the form.
    contact: String,
    /// The challenge the code page carries.
    challenge: String,
    /// The six-digit code received.
    code: String,
}

/// At most `limit` characters of `s`.
fn cut(s: &str, limit: usize) -> &str {
    match s.char_indices().nth(limit) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// One labelled field `find-<id>` posted as `name`, its problem under it (`aria-describedby`).
fn field(
    (id, name): (&str, &str),
    label: &str,
    value: &str,
    extra: &str,
    problem: Option<&str>,
) -> String {
    let id = format!("find-{id}");
    let (invalid, note) = match problem {
        Some(p) => (
            " aria-invalid=\"true\"",
            format!("<p class=\"e\" id=\"{id}-e\">{}</p>", esc(p)),
        ),
        None => ("", String::new()),
    };
    let described = if problem.is_some() {
        format!(" aria-describedby=\"{id}-e\"")
    } else {
        String::new()
    };
    format!(
        "<label for=\"{id}\">{label}</label><input id=\"{id}\" name=\"{name}\" value=\"{v}\" {extra}{invalid}{described}>{note}",
        v = attr(value),
    )
}

fn document(lang: Lang, title: &str, body: &str) -> Page {
    let mut p = page::document_under(
        lang,
        pick(lang, "证照联办 · 查询办件", "Lianban · find an application"),
        title,
        body,
        STYLE,
    );
    p.allow_forms();
    p
}

/// What the first page says is wrong: a field's problem, or the whole request's.
#[derive(Default)]
struct Problems<'a> {
    number: Option<&'a str>,
    contact: Option<&'a str>,
    alert: Option<&'a str>,
    /// The drafts' form: its field's problem, and the whole request's.
    draft_contact: Option<&'a str>,
    drafts: Option<&'a str>,
}

impl<'a> Problems<'a> {
    /// The whole request's problem, no field's.
    fn alert(message: &'a str) -> Problems<'a> {
        Problems {
            alert: Some(message),
            ..Problems::default()
        }
    }
}

/// The first page: the number and the phone or e-mail, each with its problem.
fn ask_page(lang: Lang, f: &FindForm, p: Problems) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    let alert = p
        .alert
        .map(|a| format!("<p class=\"e\" role=\"alert\">{}</p>", esc(a)))
        .unwrap_or_default();
    let body = format!(
        "<section><h1>{h}</h1><p>{intro}</p>{alert}<form method=\"post\" action=\"/find\" novalidate>{n}{c}\
<button type=\"submit\">{go}</button></form></section>\
<section id=\"drafts\"><h2>{dh}</h2><p>{dintro}</p>{dalert}<form method=\"post\" action=\"/find/drafts\" novalidate>{dc}\
<button type=\"submit\">{dgo}</button></form></section>\
<section><h2>{more}</h2><p class=\"m\">{hint}</p><p><a href=\"/\">{home}</a></p></section>",
        dh = t("找回已保存的草稿", "Find a draft you saved"),
        dgo = t("发送验证码找回草稿", "Send me a code for my drafts"),
        dintro = t(
            "点过“保存到服务器”的申请表，可凭表上法定代表人的手机号或电子邮箱找回续填链接。",
            "A form saved on the server can be found by the legal representative's phone or e-mail on it."
        ),
        dalert = p
            .drafts
            .map(|a| format!("<p class=\"e\" role=\"alert\">{}</p>", esc(a)))
            .unwrap_or_default(),
        dc = field(
            ("draft-contact", "contact"),
            t("手机号或电子邮箱", "Phone or e-mail"),
            cut(&f.contact, recovery::MAX_CONTACT),
            "autocomplete=\"tel\" required",
            p.draft_contact,
        ),
        h = t("查询办件 · 找回链接", "Find your application"),
        intro = t(
            "丢了查询链接也不要紧：输入办件编号和申请表上填写的手机号或电子邮箱，我们把验证码发到那里，验证后即可回到办理进度页。",
            "Lost the private link? Enter the application's number and the phone or e-mail on its form: we send a code there, and the code opens the status page again."
        ),
        n = field(
            ("n", "n"),
            t("办件编号", "Application number"),
            cut(&f.n, 40),
            "autocomplete=\"off\" autocapitalize=\"characters\" placeholder=\"LB-20261206-0001\" required",
            p.number,
        ),
        c = field(
            ("contact", "contact"),
            t("手机号或电子邮箱", "Phone or e-mail"),
            cut(&f.contact, recovery::MAX_CONTACT),
            "autocomplete=\"tel\" required",
            p.contact,
        ),
        go = t("发送验证码", "Send me a code"),
        more = t("找不到办件编号？", "No number?"),
        hint = t(
            "办件编号在受理回执、短信和邮件里。仍找不到，请携带身份证到政务服务中心综合窗口查询。",
            "The number is on the receipt and in every text and e-mail. Still lost: bring your ID card to the one window of the service centre."
        ),
        home = t("返回首页", "Home"),
    );
    document(lang, t("查询办件", "Find your application"), &body)
}

/// What the code page says of where the code went (`to`: masked; `None` after a wrong code).
fn sent_line(lang: Lang, number: &str, to: Option<&str>) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let minutes = recovery::CODE_TTL / 60;
    let drafts = number.is_empty();
    match (lang, to) {
        (_, None) => t(
            "请输入收到的 6 位验证码。",
            "Enter the 6-digit code you received.",
        )
        .to_string(),
        (Lang::Zh, Some(to)) if drafts => format!(
            "如果有以 {} 为联系方式保存的草稿，验证码已经发出，{minutes} 分钟内有效。",
            esc(to)
        ),
        (Lang::En, Some(to)) if drafts => format!(
            "If a draft was saved with {} as its contact, a code is on its way; it is valid for {minutes} minutes.",
            esc(to)
        ),
        (Lang::Zh, Some(to)) => format!(
            "如果办件 {} 登记的联系方式是 {}，验证码已经发出，{minutes} 分钟内有效。",
            esc(number),
            esc(to)
        ),
        (Lang::En, Some(to)) => format!(
            "If {} is the contact on application {}, a code is on its way; it is valid for {minutes} minutes.",
            esc(to),
            esc(number)
        ),
    }
}

/// The second page: where the code went, and the field for it.
fn code_page(
    lang: Lang,
    number: &str,
    challenge: &str,
    to: Option<&str>,
    problem: Option<&str>,
) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    // No number: the code finds the drafts saved with the contact.
    let drafts = number.is_empty();
    let sent = sent_line(lang, number, to);
    let body = format!(
        "<section><h1>{h}</h1><p role=\"status\">{sent}</p>\
<form method=\"post\" action=\"/find/code\" novalidate><input type=\"hidden\" name=\"challenge\" value=\"{ch}\">\
<input type=\"hidden\" name=\"n\" value=\"{n}\">{code}<button type=\"submit\">{go}</button></form>\
<p class=\"m\">{none} <a href=\"{back}\">{again}</a></p></section>",
        back = match drafts {
            true => "/find#drafts".to_string(),
            false => format!("/find?n={}", attr(number)),
        },
        h = t("输入验证码", "Enter the code"),
        ch = attr(challenge),
        n = attr(number),
        code = field(
            ("code", "code"),
            t("6 位验证码", "6-digit code"),
            "",
            "class=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\" required",
            problem,
        ),
        go = match drafts {
            true => t("验证并列出我的草稿", "Check and list my drafts"),
            false => t("验证并打开办理进度", "Check and open the status page"),
        },
        none = t(
            "没有收到？请核对号码或邮箱是否与申请表一致。",
            "Nothing came? Check that it is the phone or e-mail on the form."
        ),
        again = t("重新获取验证码", "Ask again"),
    );
    document(lang, t("输入验证码", "Enter the code"), &body)
}

/// The find page, the number filled in from `?n=` (the status page's link).
#[utoipa::path(get, path = "/find", tag = "applications", params(FindForm),
    responses((status = 200, content_type = "text/html", body = String)))]
pub async fn page(ReqLang(lang): ReqLang, Query(f): Query<FindForm>) -> Response {
    page::html(StatusCode::OK, ask_page(lang, &f, Problems::default()))
}

/// Asks for a code (form: `n`, `contact`): the code page — the same whether or not they
/// matched —, the first page again with each field's problem (422), or 429 when this
/// application had its codes for the hour.
#[utoipa::path(post, path = "/find", tag = "applications",
    request_body(content = FindForm, content_type = "application/x-www-form-urlencoded",
        description = "`n` (the number), `contact` (the phone or e-mail on the form)"),
    responses((status = 200, content_type = "text/html", body = String, description = "Where the code went; the field for it"),
        (status = 422, content_type = "text/html", body = String, description = "A field's problem"),
        (status = 429, content_type = "text/html", body = String, description = "Too many codes this hour")))]
pub async fn ask(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let t = |zh, en| pick(lang, zh, en);
    let f: FindForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let number = f.n.trim().to_uppercase();
    let contact = f.contact.trim();
    let asking = recovery::Asking::check(&number, contact);
    if !asking.is_fine() {
        let problems = Problems {
            number: asking.number.then(|| {
                t(
                    "请输入完整的办件编号，形如 LB-20261206-0001",
                    "Enter the whole number, like LB-20261206-0001",
                )
            }),
            contact: asking.contact.map(|too_long| match too_long {
                true => t("太长了", "Too long"),
                false => t(
                    "请输入手机号或电子邮箱",
                    "Enter a phone or an e-mail address",
                ),
            }),
            ..Problems::default()
        };
        let page = ask_page(lang, &f, problems);
        return Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let asked = crate::service::recovery::ask(&ctx, &number, contact, lang).await?;
    let too_many = Problems::alert(t(
        "这个办件一小时内已经发送过 3 次验证码，请稍后再试",
        "This application was sent 3 codes within the hour: please try again later",
    ));
    Ok(after_asking(lang, &f, &number, asked, too_many))
}

/// The answer to a request for a code: the page for the code, or the first page again with
/// `too_many` (429).
fn after_asking(
    lang: Lang,
    f: &FindForm,
    number: &str,
    asked: Asked,
    too_many: Problems,
) -> Response {
    match asked {
        Asked::Sent { challenge, to } => page::html(
            StatusCode::OK,
            code_page(lang, number, &challenge, Some(&to), None),
        ),
        Asked::TooMany => page::html(StatusCode::TOO_MANY_REQUESTS, ask_page(lang, f, too_many)),
    }
}

/// Trades the code (form: `challenge`, `n`, `code`) for the private link: 303 to the status
/// page; a wrong code the code page again with the tries left (422), a spent or expired one
/// the first page (410).
#[utoipa::path(post, path = "/find/code", tag = "applications",
    request_body(content = FindForm, content_type = "application/x-www-form-urlencoded",
        description = "`challenge`, `n`, `code`"),
    responses((status = 303, description = "The status page, the private token in the fragment"),
        (status = 410, content_type = "text/html", body = String, description = "Spent or expired: ask again"),
        (status = 422, content_type = "text/html", body = String, description = "Not the code")))]
pub async fn code(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let f: FindForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let challenge = cut(f.challenge.trim(), 64);
    let number = cut(f.n.trim(), 40);
    match crate::service::recovery::open(&ctx, challenge, cut(&f.code, 12)).await? {
        Ok(Found::Application { number, token }) => {
            Ok(Redirect::to(&shared::api::status_page(&number, &token)).into_response())
        }
        Ok(Found::Drafts(drafts)) => {
            Ok(page::html(StatusCode::OK, drafts_page(&ctx, lang, &drafts)))
        }
        Err(Refusal::Wrong { left }) => {
            let problem = match lang {
                Lang::Zh => format!("验证码不对，还可以再试 {left} 次"),
                Lang::En => format!("That is not the code: {left} tries left"),
            };
            let page = code_page(lang, number, challenge, None, Some(&problem));
            Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(Refusal::Expired) => {
            let f = FindForm {
                n: number.to_string(),
                ..FindForm::default()
            };
            let problem = pick(
                lang,
                "验证码已失效（超过 10 分钟、用过或错误次数太多），请重新获取",
                "The code has expired (over 10 minutes, used, or too many tries): ask for a new one",
            );
            let problems = match number.is_empty() {
                true => Problems {
                    drafts: Some(problem),
                    ..Problems::default()
                },
                false => Problems::alert(problem),
            };
            Ok(page::html(StatusCode::GONE, ask_page(lang, &f, problems)))
        }
    }
}

/// Asks for a code for the drafts saved with the phone or e-mail (form: `contact`): the code
/// page — the same whether or not any draft has it —, the first page with the field's problem
/// (422), or 429 when the contact had its codes for the hour.
#[utoipa::path(post, path = "/find/drafts", tag = "applications",
    request_body(content = FindForm, content_type = "application/x-www-form-urlencoded",
        description = "`contact` (the phone or e-mail on the saved draft)"),
    responses((status = 200, content_type = "text/html", body = String, description = "Where the code went; the field for it"),
        (status = 422, content_type = "text/html", body = String, description = "The field's problem"),
        (status = 429, content_type = "text/html", body = String, description = "Too many codes this hour")))]
pub async fn drafts(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let t = |zh, en| pick(lang, zh, en);
    let f: FindForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let contact = f.contact.trim();
    let problems = match (recovery::contact_key(contact), contact.is_empty()) {
        (Some(_), _) => None,
        (None, true) => Some(t(
            "请输入手机号或电子邮箱",
            "Enter a phone or an e-mail address",
        )),
        (None, false) => Some(t(
            "请输入完整的手机号或电子邮箱",
            "Enter the whole phone number or e-mail address",
        )),
    };
    if let Some(problem) = problems {
        let problems = Problems {
            draft_contact: Some(problem),
            ..Problems::default()
        };
        let page = ask_page(lang, &f, problems);
        return Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let asked = crate::service::recovery::ask_drafts(&ctx, contact, lang).await?;
    let too_many = Problems {
        drafts: Some(t(
            "这个联系方式一小时内已经发送过 3 次验证码，请稍后再试",
            "This contact was sent 3 codes within the hour: please try again later",
        )),
        ..Problems::default()
    };
    Ok(after_asking(lang, &f, "", asked, too_many))
}

/// The drafts a code found: each bundle with when it was saved and its link to go on.
fn drafts_page(ctx: &Ctx, lang: Lang, drafts: &[FoundDraft]) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    let rows: String = drafts
        .iter()
        .map(|d| {
            let bundle = ctx
                .catalogue
                .bundle(&d.bundle)
                .map(|b| b.name.get(lang).to_string())
                .unwrap_or_else(|| d.bundle.clone());
            let name = match &d.name {
                Some(n) => format!("{bundle} · {n}"),
                None => bundle,
            };
            format!(
                "<li><a href=\"{href}\">{go}{name}</a> <span class=\"m\">{saved}{when}</span></li>",
                href = attr(&shared::files::draft_page(&d.bundle, &d.link)),
                go = t("继续填写：", "Go on with: "),
                name = esc(&name),
                saved = t("保存于 ", "saved "),
                when = crate::domain::clock::county_minute(d.saved_at),
            )
        })
        .collect();
    let list = match drafts.is_empty() {
        true => format!(
            "<p>{}</p>",
            t(
                "没有未提交的草稿（已提交的请用上面的办件编号查询，超过保存期限的草稿已清除）。",
                "No draft left to go on with (a submitted one is found by its number; old drafts are cleared)."
            )
        ),
        false => format!("<ul class=\"drafts\">{rows}</ul>"),
    };
    let body = format!(
        "<section><h1>{h}</h1><p role=\"status\">{intro}</p>{list}<p class=\"m\">{private}</p>\
<p><a href=\"/\">{home}</a></p></section>",
        h = t("我的草稿", "My drafts"),
        intro = t(
            "验证通过。以下是用这个联系方式保存、尚未提交的申请表：",
            "Checked. The forms saved with this contact and not yet submitted:"
        ),
        private = t(
            "链接相当于钥匙，请勿转给他人；在公用电脑上用完请关闭页面。",
            "Each link is a key: keep it to yourself, and close the page when done on a public computer."
        ),
        home = t("返回首页", "Home"),
    );
    document(lang, t("我的草稿", "My drafts"), &body)
}
