//! Finding an application again (`domain::recovery`): `ask` sends a code to the phone or
//! e-mail on the form — through the notifications outbox, queued with the code's row in one
//! transaction — and `open` trades the code for the private link. Both on the record.

use serde_json::json;
use shared::i18n::Lang;

use super::{Ctx, Result};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::application::{hash_token, is_number, new_token};
use crate::domain::clock::now_unix;
use crate::domain::jobs::Job;
use crate::domain::notify;
use crate::domain::records::Actor;
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
    let Some((app, (channel, address))) =
        app.and_then(|a| recovery::address_for(&a.answers, contact).map(|to| (a, to)))
    else {
        return Ok(sent);
    };
    let now = now_unix();
    let masked = notify::masked(channel, &address);
    let mut tx = ctx.db.begin().await?;
    db::applications::lock(&mut tx, app.id).await?;
    if db::recovery::sent_since(&mut tx, app.id, now - recovery::WINDOW).await?
        >= recovery::MAX_CODES
    {
        return Ok(Asked::TooMany);
    }
    let kept = db::recovery::New {
        application_id: app.id,
        challenge_hash: &recovery::challenge_hash(&challenge),
        code_hash: &recovery::code_hash(&challenge, &code),
        channel: channel.as_str(),
        address: &masked,
        expires_at: now + recovery::CODE_TTL,
    };
    let code_id = db::recovery::insert(&mut tx, &kept, now).await?;
    let m = recovery::compose(&app.number, &code, channel, lang);
    let message = db::notifications::New {
        recipient: &format!("application:{}", app.id),
        application_id: Some(app.id),
        step: &format!("recovery:{code_id}"),
        channel: channel.as_str(),
        address: &address,
        subject: &m.subject,
        body: &m.body,
    };
    if let Some(id) = db::notifications::insert(&mut tx, &message, now).await? {
        let job = Job::Notify {
            notification_id: id,
        };
        db::jobs::queue(&mut tx, &job, now).await?;
    }
    let after = json!({ "channel": channel.as_str(), "to": masked });
    let subject = format!("application {}", app.number);
    let entry = Entry::by(
        &Actor::Applicant,
        "application.recovery_code_sent",
        &subject,
        json!(null),
        after,
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    ctx.jobs_wake.notify_one();
    Ok(sent)
}

/// The private link's number and token for `challenge`'s `code`: the link the applicant had,
/// or — when none was kept (an application filed before links were kept) — a new one, the
/// old link then no longer working. Every code of the application is spent with it.
pub async fn open(
    ctx: &Ctx,
    challenge: &str,
    code: &str,
) -> Result<std::result::Result<(String, String), Refusal>> {
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
    let number = db::applications::application_by_id(&ctx.db, row.application_id)
        .await?
        .map(|a| a.number)
        .ok_or_else(|| anyhow::anyhow!("recovery code {} has no application", row.id))?;
    let at_rest = ctx.seal.at_rest();
    let kept_token = db::recovery::sealed_link(&mut tx, row.application_id)
        .await?
        .and_then(|s| secret_box::open(super::notifications::LINK_CONTEXT, at_rest, &s));
    let (token, rotated) = match kept_token {
        Some(token) => (token, false),
        None => {
            let token = new_token();
            let sealed = super::notifications::seal_link(ctx, &token);
            db::recovery::set_link(&mut tx, row.application_id, &hash_token(&token), &sealed)
                .await?;
            (token, true)
        }
    };
    db::recovery::spend(&mut tx, row.application_id, now).await?;
    let subject = format!("application {number}");
    let entry = Entry::by(
        &Actor::Applicant,
        "application.link_recovered",
        &subject,
        json!(null),
        json!({ "new_link": rotated }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(Ok((number, token)))
}
