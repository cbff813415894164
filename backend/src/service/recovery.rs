//! Finding an application or the saved drafts again (`domain::recovery`): `ask` (`ask_drafts`)
//! sends a code to the phone or e-mail on the form — through the notifications outbox, queued
//! with the code's row in one transaction — and `open` trades the code for the private link
//! (the drafts' links). All on the record.

use serde_json::json;
use shared::files::DraftRef;
use shared::form::Answers;
use shared::i18n::Lang;

use super::{Ctx, Result};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::application::{hash_token, is_number, new_token};
use crate::domain::clock::now_unix;
use crate::domain::notify;
use crate::domain::records::{Actor, Application};
use crate::domain::recovery::{self, Kept, Refusal};
use crate::domain::secret_box;

/// What asking for a code gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// A code is on its way if the number and the contact matched — the same answer when they
    /// did not, so the page tells no one whose number or phone it is. `to`: the contact as
    /// given, masked.
    Sent { challenge: String, to: String },
    /// This application was sent [`recovery::MAX_CODES`] codes within the hour already.
    TooMany,
}

/// Whom a code finds: an application, or the saved drafts of a contact (its key).
enum Finds<'a> {
    Application(&'a Application),
    Drafts { key: &'a str },
}

/// Sends a code for application `number` to `contact` if it is the phone or e-mail address on
/// its form, in `lang`.
pub async fn ask(ctx: &Ctx, number: &str, contact: &str, lang: Lang) -> Result<Asked> {
    let (challenge, code) = recovery::new_challenge();
    let (channel, given) = recovery::given(contact);
    let sent = Asked::Sent {
        challenge: challenge.clone(),
        to: notify::masked(channel, &given),
    };
    let app = match is_number(number) {
        true => db::applications::application(&ctx.db, number).await?,
        false => None,
    };
    let Some((app, to)) =
        app.and_then(|a| recovery::address_for(&a.answers, contact).map(|to| (a, to)))
    else {
        return Ok(sent);
    };
    send(
        ctx,
        Finds::Application(&app),
        to,
        (&challenge, &code),
        lang,
        sent,
    )
    .await
}

/// Sends a code for the drafts saved on the server with `contact` as their phone or e-mail —
/// to that address as the latest of them has it —, in `lang`. The same answer when none has.
pub async fn ask_drafts(ctx: &Ctx, contact: &str, lang: Lang) -> Result<Asked> {
    let (challenge, code) = recovery::new_challenge();
    let (channel, given) = recovery::given(contact);
    let sent = Asked::Sent {
        challenge: challenge.clone(),
        to: notify::masked(channel, &given),
    };
    let Some(key) = recovery::contact_key(contact) else {
        return Ok(sent);
    };
    let mut conn = ctx.db.pool.acquire().await?;
    let latest = db::recovery::drafts_for(&mut conn, &key)
        .await?
        .into_iter()
        .next();
    drop(conn);
    let answers = match latest {
        Some(d) => db::materials::draft(&ctx.db, &d.id)
            .await?
            .map(|d| d.answers),
        None => None,
    };
    let Some(to) = answers.and_then(|a| recovery::address_for(&a, contact)) else {
        return Ok(sent);
    };
    send(
        ctx,
        Finds::Drafts { key: &key },
        to,
        (&challenge, &code),
        lang,
        sent,
    )
    .await
}

/// Keeps the code and queues its message to `(channel, address)` in one transaction, with
/// its audit entry — unless [`recovery::MAX_CODES`] went to the same within the hour.
async fn send(
    ctx: &Ctx,
    finds: Finds<'_>,
    (channel, address): (notify::Channel, String),
    (challenge, code): (&str, &str),
    lang: Lang,
    sent: Asked,
) -> Result<Asked> {
    let now = now_unix();
    let masked = notify::masked(channel, &address);
    let since = now - recovery::WINDOW;
    let mut tx = ctx.db.begin().await?;
    let (application_id, contact_key, before) = match finds {
        Finds::Application(app) => {
            db::applications::lock(&mut tx, app.id).await?;
            let before = db::recovery::sent_since(&mut tx, app.id, since).await?;
            (Some(app.id), None, before)
        }
        Finds::Drafts { key } => {
            db::recovery::lock_contact(&mut tx, key).await?;
            let before = db::recovery::sent_to_since(&mut tx, key, since).await?;
            (None, Some(key), before)
        }
    };
    if before >= recovery::MAX_CODES {
        return Ok(Asked::TooMany);
    }
    let kept = db::recovery::New {
        application_id,
        contact_key,
        challenge_hash: &recovery::challenge_hash(challenge),
        code_hash: &recovery::code_hash(challenge, code),
        channel: channel.as_str(),
        address: &masked,
        expires_at: now + recovery::CODE_TTL,
    };
    let code_id = db::recovery::insert(&mut tx, &kept, now).await?;
    let (number, recipient, subject, action) = match finds {
        Finds::Application(app) => (
            Some(app.number.as_str()),
            format!("application:{}", app.id),
            app.subject(),
            "application.recovery_code_sent",
        ),
        Finds::Drafts { key } => (
            None,
            format!("drafts:{}", &key[..16]),
            format!("drafts of {masked}"),
            "drafts.recovery_code_sent",
        ),
    };
    let m = recovery::compose(number, code, channel, lang);
    let message = db::notifications::New {
        recipient: &recipient,
        application_id,
        step: &format!("recovery:{code_id}"),
        channel: channel.as_str(),
        address: &address,
        subject: &m.subject,
        body: &m.body,
    };
    super::notifications::keep(&mut tx, &message, now).await?;
    let after = json!({ "channel": channel.as_str(), "to": masked });
    let entry = Entry::by(&Actor::Applicant, action, &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    ctx.jobs_wake.notify_one();
    Ok(sent)
}

/// What a right code gives back.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The application's private link: its number and token.
    Application { number: String, token: String },
    /// The contact's drafts not yet submitted, the latest first (none left: empty).
    Drafts(Vec<FoundDraft>),
}

/// A saved draft found again: its bundle, the business's name as typed, its link, and when it
/// was last saved.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundDraft {
    pub bundle: String,
    pub name: Option<String>,
    pub link: DraftRef,
    pub saved_at: i64,
}

/// What `challenge`'s `code` finds: the link the applicant had, or — when none was kept (an
/// application or draft from before links were kept, or sealed under a key this server does
/// not hold) — a new one, the old link then no longer working. Every code of the application
/// (or contact) is spent with it.
pub async fn open(
    ctx: &Ctx,
    challenge: &str,
    code: &str,
) -> Result<std::result::Result<Found, Refusal>> {
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    let Some(row) = db::recovery::kept(&mut tx, &recovery::challenge_hash(challenge)).await? else {
        return Ok(Err(Refusal::Expired));
    };
    let kept = Kept {
        expires_at: row.expires_at,
        tries: row.tries,
        used: row.used_at.is_some(),
    };
    if let Err(refused) = recovery::usable(&kept, now) {
        return Ok(Err(refused));
    }
    if !recovery::code_matches(challenge, code, &row.code_hash) {
        db::recovery::wrong_try(&mut tx, row.id).await?;
        tx.commit().await?;
        return Ok(Err(recovery::after_wrong(&kept)));
    }
    let (found, subject, action, after) = match (row.application_id, &row.contact_key) {
        (Some(id), _) => {
            let (number, token, rotated) = application_link(ctx, &mut tx, id).await?;
            let subject = format!("application {number}");
            let found = Found::Application { number, token };
            (
                found,
                subject,
                "application.link_recovered",
                json!({ "new_link": rotated }),
            )
        }
        (None, Some(key)) => {
            let drafts = draft_links(ctx, &mut tx, key).await?;
            let ids: Vec<&str> = drafts.iter().map(|d| d.link.id.as_str()).collect();
            let after = json!({ "drafts": ids });
            (
                Found::Drafts(drafts.clone()),
                format!("drafts:{}", &key[..16]),
                "drafts.links_recovered",
                after,
            )
        }
        (None, None) => {
            return Err(anyhow::anyhow!("recovery code {} finds nothing", row.id).into());
        }
    };
    db::recovery::spend(&mut tx, &row, now).await?;
    let entry = Entry::by(&Actor::Applicant, action, &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(Ok(found))
}

/// The application's number, its token (kept sealed, or new) and whether it is new.
async fn application_link(
    ctx: &Ctx,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<(String, String, bool)> {
    let number = db::applications::application_by_id(&ctx.db, id)
        .await?
        .map(|a| a.number)
        .ok_or_else(|| anyhow::anyhow!("recovery code for application {id}, not there"))?;
    let kept = db::recovery::sealed_link(tx, id)
        .await?
        .and_then(|s| secret_box::open(super::notifications::LINK_CONTEXT, ctx.seal.at_rest(), &s));
    if let Some(token) = kept {
        return Ok((number, token, false));
    }
    let token = new_token();
    let sealed = super::notifications::seal_link(ctx, &token);
    db::recovery::set_link(tx, id, &hash_token(&token), &sealed).await?;
    Ok((number, token, true))
}

/// The links of the drafts not yet submitted of the contact with `key`.
async fn draft_links(
    ctx: &Ctx,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &str,
) -> Result<Vec<FoundDraft>> {
    let mut found = Vec::new();
    for d in db::recovery::drafts_for(tx, key).await? {
        let at_rest = ctx.seal.at_rest();
        let kept = d
            .link_sealed
            .as_deref()
            .and_then(|s| secret_box::open(super::materials::DRAFT_LINK, at_rest, s));
        let token = match kept {
            Some(token) => token,
            None => {
                let token = new_token();
                let sealed = secret_box::seal(super::materials::DRAFT_LINK, at_rest, &token);
                db::recovery::set_draft_link(tx, &d.id, &hash_token(&token), &sealed).await?;
                token
            }
        };
        let answers: Answers = serde_json::from_str(&d.answers).unwrap_or_default();
        let name = answers
            .get(crate::domain::names::FIELD)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        found.push(FoundDraft {
            bundle: d.bundle,
            name,
            link: DraftRef { id: d.id, token },
            saved_at: d.updated_at,
        });
    }
    Ok(found)
}
