//! Sending a message: e-mail through SMTP (lettre), a text message through the county's SMS
//! gateway (an HTTP webhook), or — where no provider is configured — the log. Each message
//! carries its notification's id as an idempotency key (the e-mail's `Message-ID`, the
//! webhook's `Idempotency-Key`): the job marks a message sent after the provider took it, so
//! a worker that dies between the two sends it again, and the receiver can tell it is the same.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::notify::Channel;

/// One message to hand over.
pub struct Outgoing<'a> {
    /// The notification's id: the same message always has the same.
    pub id: i64,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

enum Mail {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Box<Mailbox>,
    },
    Log,
}

enum Sms {
    Webhook {
        url: String,
        token: Option<String>,
        client: reqwest::Client,
    },
    Log,
}

/// The configured providers.
pub struct Outbox {
    mail: Mail,
    sms: Sms,
}

/// The settings `serve` takes.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `smtp://host:port` (STARTTLS when offered), `smtps://host:465`, with
    /// `user:password@` if the server asks; `None`: e-mails go to the log.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `联办 <noreply@lianban.example>`.
    pub mail_from: String,
    /// The SMS gateway's address; `None`: text messages go to the log.
    pub sms_webhook: Option<String>,
    /// Sent as `Authorization: Bearer …` to the gateway.
    pub sms_token: Option<String>,
}

impl Outbox {
    /// Every message to the log (development, and tests that do not look at them).
    pub fn log() -> Outbox {
        Outbox {
            mail: Mail::Log,
            sms: Sms::Log,
        }
    }

    pub fn new(s: &Settings) -> anyhow::Result<Outbox> {
        let mail = match &s.smtp_url {
            None => Mail::Log,
            Some(url) => Mail::Smtp {
                transport: Box::new(
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                        .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
                        .timeout(Some(Duration::from_secs(20)))
                        .build(),
                ),
                from: Box::new(
                    s.mail_from
                        .parse()
                        .map_err(|e| anyhow::anyhow!("--mail-from {}: {e}", s.mail_from))?,
                ),
            },
        };
        let sms = match &s.sms_webhook {
            None => Sms::Log,
            Some(url) => Sms::Webhook {
                url: url.clone(),
                token: s.sms_token.clone(),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()?,
            },
        };
        Ok(Outbox { mail, sms })
    }

    /// Hands `m` to `channel`'s provider; what it answered, if anything.
    pub async fn send(&self, channel: Channel, m: &Outgoing<'_>) -> anyhow::Result<Option<String>> {
        let key = format!("lianban-notification-{}", m.id);
        match (channel, &self.mail, &self.sms) {
            (Channel::Email, Mail::Smtp { transport, from }, _) => {
                let domain = from.email.domain().to_string();
                let message = Message::builder()
                    .message_id(Some(format!("<{key}@{domain}>")))
                    .from(Mailbox::clone(from))
                    .to(m.to.parse()?)
                    .subject(m.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(m.body.to_string())?;
                let answer = transport.send(message).await?;
                Ok(Some(answer.message().collect::<Vec<_>>().join(" ")))
            }
            (Channel::Sms, _, Sms::Webhook { url, token, client }) => {
                let body = serde_json::json!({ "id": key, "to": m.to, "text": m.body });
                let mut req = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", &key)
                    .body(body.to_string());
                if let Some(token) = token {
                    req = req.header("authorization", format!("Bearer {token}"));
                }
                let res = req.send().await?;
                let status = res.status();
                let text = res.text().await.unwrap_or_default();
                anyhow::ensure!(
                    status.is_success(),
                    "SMS gateway answered {status}: {}",
                    text.chars().take(200).collect::<String>()
                );
                let id = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(String::from));
                Ok(id)
            }
            (channel, _, _) => {
                tracing::info!(
                    notification = m.id,
                    channel = channel.as_str(),
                    subject = m.subject,
                    "message (no provider configured: logged, not sent)"
                );
                Ok(Some("log".into()))
            }
        }
    }
}

/// Posts one signed event to a webhook's address (`POST_TIMEOUT` at most); `Err` with what
/// went wrong unless the receiver answered 2xx.
pub async fn post_event(url: &str, headers: &[(&str, String)], body: String) -> Result<(), String> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let client = CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(crate::domain::webhooks::POST_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    });
    let mut req = client
        .post(url)
        .header("Content-Type", "application/cloudevents+json");
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    match req.body(body).send().await {
        Ok(res) if res.status().is_success() => Ok(()),
        Ok(res) => Err(format!("HTTP {}", res.status().as_u16())),
        Err(e) => Err(e.without_url().to_string()),
    }
}
