//! Sealed PDF documents: a permit's electronic certificate (电子证照) as its holder downloads it
//! from the status page and the window prints it — made afresh on each request from the permit
//! as it stands (a permit no longer in force has none), sealed by the bureau (`crate::pdf`).

use super::{Ctx, Result, applications, now_and_today, views};
use crate::db;
use crate::domain::access::Act;
use crate::domain::certificate::{self, Certificate};
use crate::domain::clock::rfc3339;
use crate::domain::error::Missing;
use crate::domain::licence;
use crate::domain::records::{Enterprise, Permit, StaffMember};
use crate::pdf::{Meta, Sheet};
use crate::seal::Purpose;

/// A document to hand out: its file name and bytes.
pub struct Document {
    /// For the `Content-Disposition`: an ASCII name and the name in words.
    pub file_name: String,
    pub title: String,
    pub bytes: Vec<u8>,
}

/// The applicant's certificate of permit `id` of the licence their application brought into
/// being (any other permit does not exist for them).
pub async fn applicant_certificate(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
    id: i64,
) -> Result<Document> {
    let app = applications::authorised(ctx, number, token).await?;
    let e = db::enterprises::of_application(&ctx.db, app.id)
        .await?
        .ok_or(Missing::Permit)?;
    let p = db::enterprises::permit(&ctx.db, id)
        .await?
        .filter(|p| p.enterprise_id == e.id)
        .ok_or(Missing::Permit)?;
    certificate_of(ctx, &e, &p)
}

/// The certificate of permit `id` as the one window (or an administrator) prints it for the
/// holder, or a reviewer of the issuing department.
pub async fn staff_certificate(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<Document> {
    let access = ctx.access(staff);
    access.require(Act::SeeApplications)?;
    let p = db::enterprises::permit(&ctx.db, id)
        .await?
        .filter(|p| access.item(&p.department))
        .ok_or(Missing::Permit)?;
    let e = db::enterprises::by_id(&ctx.db, p.enterprise_id)
        .await?
        .ok_or(Missing::Permit)?;
    certificate_of(ctx, &e, &p)
}

fn certificate_of(ctx: &Ctx, e: &Enterprise, p: &Permit) -> Result<Document> {
    let (now, _) = now_and_today();
    let today = views::today_text();
    let c = certificate::certificate(
        &ctx.catalogue,
        e,
        p,
        &today,
        ctx.verify_url(&e.verify_token),
    )?;
    let payload = licence::snapshot(&ctx.catalogue, e, std::slice::from_ref(p), &today, now);
    let bytes = serde_json::to_vec(&payload).unwrap_or_default();
    let snapshot = shared::snapshot::encode(
        &bytes,
        &ctx.seal.kid_bytes(),
        &ctx.seal.sign_raw(Purpose::Snapshot, &bytes),
    );
    let sheet = ctx.pdf_font.sheet()?;
    let bytes = draw_certificate(ctx, sheet, &c, &snapshot, now)?;
    Ok(Document {
        file_name: format!("certificate-{}-{}.pdf", p.item, p.id),
        title: format!("{}-{}.pdf", c.title, c.number),
        bytes,
    })
}

/// The certificate on A4: title, the facts, the live page's QR and the signed snapshot's, the
/// seal over the issuing department's name.
fn draw_certificate(
    ctx: &Ctx,
    mut s: Sheet,
    c: &Certificate,
    snapshot: &str,
    now: i64,
) -> Result<Vec<u8>> {
    s.frame(28.0, 28.0, 539.0, 786.0, 2.0);
    s.frame(34.0, 34.0, 527.0, 774.0, 0.6);
    s.centred(112.0, 30.0, &c.title);
    s.centred(140.0, 11.0, "（电子证照）");
    let mut y = 200.0;
    for (label, value) in &c.lines {
        s.text(72.0, y, 12.5, label);
        y = s.wrapped(186.0, y, 340.0, 12.5, value) + 8.0;
    }
    let top = y.max(560.0);
    s.qr(60.0, top, 120.0, &c.verify_url)?;
    s.text(76.0, top + 130.0, 9.0, "扫码查看实时状态");
    s.qr(186.0, top, 120.0, snapshot)?;
    s.text(196.0, top + 130.0, 9.0, "离线核验（签名快照）");
    s.seal(450.0, top + 60.0, &c.authority, "电子证照专用章");
    s.text(
        360.0,
        top + 142.0,
        11.0,
        &format!("发证机关：{}", c.authority),
    );
    s.text(
        360.0,
        top + 160.0,
        11.0,
        &certificate::chinese_date(&c.issued_on),
    );
    s.wrapped(
        60.0,
        780.0,
        475.0,
        7.5,
        &format!(
            "本电子证照由证照联办系统生成，经电子印章签名（密钥 {}，{}）。核验：扫码，或 lianban certificate verify 本文件。",
            ctx.seal.kid(),
            rfc3339(now)
        ),
    );
    let mut payload = serde_json::to_value(c).unwrap_or_default();
    payload["made_at"] = serde_json::Value::String(rfc3339(now));
    let payload = serde_json::to_vec(&payload).unwrap_or_default();
    let meta = Meta {
        title: &c.title,
        payload: &payload,
    };
    Ok(s.finish(&meta, |bytes| {
        format!(
            "{}.{}",
            ctx.seal.kid(),
            ctx.seal.sign(Purpose::Document, bytes)
        )
    })?)
}
