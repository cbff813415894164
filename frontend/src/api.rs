//! The only module that speaks HTTP: typed calls to the API, every failure decoded into the
//! shared error body.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::api::{
    self, ApplicationCreated, ApplicationStatus, BundleSummary, CreateApplication, Reply,
};
use shared::catalogue::BundleView;
use shared::error::ErrorBody;

/// A failed call: the HTTP status (0 when the network failed) and the error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub body: ErrorBody,
}

fn network(lang: Lang, e: impl std::fmt::Display) -> ApiError {
    let msg = match lang {
        Lang::Zh => format!("网络连接失败，请检查网络后重试（{e}）"),
        Lang::En => format!("Network error, please check your connection and retry ({e})"),
    };
    ApiError {
        status: 0,
        body: ErrorBody::new(msg),
    }
}

async fn decode<T: DeserializeOwned>(res: Response, lang: Lang) -> Result<T, ApiError> {
    if res.ok() {
        return res.json::<T>().await.map_err(|e| network(lang, e));
    }
    let status = res.status();
    let body = res
        .json::<ErrorBody>()
        .await
        .unwrap_or_else(|_| ErrorBody::new(format!("HTTP {status}")));
    Err(ApiError { status, body })
}

async fn get<T: DeserializeOwned>(
    url: &str,
    lang: Lang,
    token: Option<&str>,
) -> Result<T, ApiError> {
    let mut req = Request::get(url).header("Accept-Language", lang.tag());
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let res = req.send().await.map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

pub async fn bundles(lang: Lang) -> Result<Vec<BundleSummary>, ApiError> {
    get(api::BUNDLES, lang, None).await
}

pub async fn bundle(id: &str, lang: Lang) -> Result<BundleView, ApiError> {
    get(&api::bundle_path(id), lang, None).await
}

async fn post<T: DeserializeOwned>(
    url: &str,
    body: &impl serde::Serialize,
    lang: Lang,
    header: (&str, &str),
) -> Result<T, ApiError> {
    let res = Request::post(url)
        .header("Accept-Language", lang.tag())
        .header(header.0, header.1)
        .json(body)
        .map_err(|e| network(lang, e))?
        .send()
        .await
        .map_err(|e| network(lang, e))?;
    decode(res, lang).await
}

/// Files an application. `idempotency_key` stays the same for retries of one submission.
pub async fn submit(
    body: &CreateApplication,
    idempotency_key: &str,
    lang: Lang,
) -> Result<ApplicationCreated, ApiError> {
    post(
        api::APPLICATIONS,
        body,
        lang,
        ("Idempotency-Key", idempotency_key),
    )
    .await
}

/// Answers a correction notice or a supplement request.
pub async fn reply(
    number: &str,
    token: &str,
    body: &Reply,
    lang: Lang,
) -> Result<ApplicationStatus, ApiError> {
    let url = format!("{}/reply", api::application_path(number));
    post(
        &url,
        body,
        lang,
        ("Authorization", &format!("Bearer {token}")),
    )
    .await
}

pub async fn status(number: &str, token: &str, lang: Lang) -> Result<ApplicationStatus, ApiError> {
    get(&api::application_path(number), lang, Some(token)).await
}
