//! 增项 from the status page: a plain form (the token in the body) opens a server-rendered page
//! of the permits the business may add; the chosen ones lead to the integrated form of their
//! addition, filled in with what the licence knows (`known`, which the form asks for).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use shared::Lang;
use shared::form::Answers;

use crate::http::error::AppError;
use crate::http::extract::{Bearer, Json, Path, Query, ReqLang};
use crate::http::public::page::{self, Page, pick};
use crate::service::Ctx;
use crate::service::additions::{self, Choice};

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct KnownQuery {
    /// The addition's bundle id (`add.<item>.<item>…`).
    bundle: String,
}

/// What the licence knows for an addition's form (增项): the registered answers the form asks —
/// the business's name, legal representative, address… — as the licence has them now. The
/// filing must keep them (a change goes through the change procedure).
#[utoipa::path(get, path = "/api/applications/{number}/known", tag = "applications",
    params(("number" = String, Path), KnownQuery), security(("status_token" = [])),
    responses((status = 200, body = Object, description = "Answers by field key"), (status = 401),
        (status = 404), (status = 409, description = "No licence yet, or no longer in force"),
        (status = 422, description = "Not an addition's bundle")))]
pub async fn known(
    State(ctx): State<Ctx>,
    Path(number): Path<String>,
    Query(q): Query<KnownQuery>,
    token: Bearer,
) -> Result<Json<Answers>, AppError> {
    Ok(Json(
        additions::known(&ctx, &number, token.as_deref(), &q.bundle).await?,
    ))
}

/// One permit of the choices: a box to tick, or "held".
fn choice_row(c: &Choice, lang: Lang) -> String {
    let t = |zh, en| pick(lang, zh, en);
    let days = shared::i18n::number(f64::from(c.committed_days));
    let about = format!(
        "{} · {}{days}{}",
        esc(c.department.get(lang)),
        t("承诺 ", "promised in "),
        if lang == Lang::En && c.committed_days == 1.0 {
            " working day"
        } else {
            t(" 个工作日", " working days")
        }
    );
    if c.held {
        format!(
            "<li><span>{}</span> <span class=\"s valid\">{}</span><br><span class=\"m\">{about}</span></li>",
            esc(c.name.get(lang)),
            t("已持有", "Held")
        )
    } else {
        format!(
            "<li><label><input type=\"checkbox\" name=\"item\" value=\"{id}\"> {}</label><br><span class=\"m\">{about}</span></li>",
            esc(c.name.get(lang)),
            id = attr(&c.id)
        )
    }
}

/// The page of choices: each permit the business may add, a box to tick; those it holds are
/// listed as held.
fn choices_page(
    number: &str,
    token: &str,
    enterprise: &crate::domain::records::Enterprise,
    list: &[Choice],
    problem: Option<&str>,
    lang: Lang,
) -> Page {
    let t = |zh, en| pick(lang, zh, en);
    let rows: String = list.iter().map(|c| choice_row(c, lang)).collect();
    let problem = problem
        .map(|p| format!("<p class=\"e\" role=\"alert\">{}</p>", esc(p)))
        .unwrap_or_default();
    let back = shared::api::status_page(number, token);
    let body = format!(
        "<section><h1>{h}</h1><p class=\"m\">{who}</p><p>{intro}</p>{problem}\
<form method=\"post\" action=\"/status/{n}/add\"><input type=\"hidden\" name=\"token\" value=\"{tok}\">\
<fieldset><legend>{legend}</legend><ul>{rows}</ul></fieldset>\
<p><button type=\"submit\">{go}</button></p></form><p><a href=\"{back}\">{ret}</a></p></section>",
        h = t("增办许可", "Add permits"),
        who = esc(&format!("{} · {}", enterprise.name, enterprise.uscc)),
        intro = t(
            "勾选要增办的许可，填写一张综合表：营业执照不再重复办理，已登记的信息自动带入，各部门并联审批。",
            "Tick the permits to add and fill in one form: the licence is not applied for again, what it registered is filled in, the departments decide in parallel."
        ),
        n = attr(number),
        tok = attr(token),
        legend = t("可增办的许可", "Permits you may add"),
        go = t("下一步：填写综合表", "Next: the form"),
        back = attr(&back),
        ret = t("返回办理进度", "Back to the status page"),
    );
    let style = "fieldset{border:0;padding:0;margin:0}legend{font-weight:600;margin-bottom:4px}\
label{display:inline-flex;gap:8px;align-items:center;min-height:44px}input[type=checkbox]{width:22px;height:22px}\
button{font:inherit;background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:10px 18px;min-height:44px}\
.e{color:#b3261e;font-weight:600}";
    let mut page = page::document_under(
        lang,
        t("证照联办 · 增办许可", "Lianban · add permits"),
        t("增办许可", "Add permits"),
        &body,
        style,
    );
    page.allow_forms();
    page
}

/// 增项 from the status page's form (`application/x-www-form-urlencoded`, the token in the
/// body): without `item`, the page of choices; with the chosen `item`s, on to their addition's
/// integrated form (303, the token in the fragment). Refused, a page saying why.
#[utoipa::path(post, path = "/status/{number}/add", tag = "applications",
    params(("number" = String, Path)),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`token`, and `item` once per permit chosen"),
    responses((status = 200, content_type = "text/html", body = String, description = "The choices"),
        (status = 303, description = "On to the addition's form"),
        (status = 401, content_type = "text/html", body = String),
        (status = 404, content_type = "text/html", body = String),
        (status = 409, content_type = "text/html", body = String)))]
pub async fn form(
    State(ctx): State<Ctx>,
    ReqLang(lang): ReqLang,
    Path(number): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = pairs
        .iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.as_str());
    let chosen: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "item")
        .map(|(_, v)| v.as_str())
        .collect();
    let back = shared::api::status_page(&number, token.unwrap_or(""));
    let (enterprise, list) = match additions::choices(&ctx, &number, token).await {
        Ok(found) => found,
        Err(e) => {
            let e = AppError::from(e);
            let Some((status, message)) = e.in_words(lang) else {
                return Err(e);
            };
            let page = crate::http::report::pages::refused_addition(&message, &back, lang);
            return Ok(page::html(status, page));
        }
    };
    let token = token.unwrap_or_default();
    let offered = |id: &&str| list.iter().any(|c| c.id == *id && !c.held);
    let id = (!chosen.is_empty() && chosen.iter().all(offered))
        .then(|| ctx.catalogue.addition_id(&chosen))
        .flatten();
    match (chosen.is_empty(), id) {
        (true, _) => Ok(page::html(
            StatusCode::OK,
            choices_page(&number, token, &enterprise, &list, None, lang),
        )),
        (false, Some(id)) => {
            let to = format!("/bundles/{id}/apply?for={number}#t={token}");
            Ok(Redirect::to(&to).into_response())
        }
        (false, None) => {
            let problem = pick(
                lang,
                "请只勾选列出的、尚未持有的许可（一次最多 8 项）",
                "Tick only listed permits the business does not hold (8 at most)",
            );
            let page = choices_page(&number, token, &enterprise, &list, Some(problem), lang);
            Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
