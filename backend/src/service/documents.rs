//! Sealed PDF documents: the procedure's formal notices (受理通知书, 一次性补正告知书,
//! 不予许可决定书) and each permit's electronic certificate (电子证照), as the holder downloads
//! them from the status page, the window prints them, and the archive keeps them — made afresh on
//! each request from the records as they stand, sealed by the bureau (`crate::pdf`). Which
//! documents an application has and what each says is `domain::documents`'.

use super::{Ctx, Result, now_and_today, views};
use crate::db;
use crate::domain::access::Act;
use crate::domain::certificate::{self, Certificate};
use crate::domain::clock::{county_date, rfc3339};
use crate::domain::documents::{self as words, DocumentId, Notice};
use crate::domain::error::Missing;
use crate::domain::licence;
use crate::domain::records::{Application, Enterprise, Item, Permit, StaffMember};
use crate::pdf::{Meta, Sheet};
use crate::seal::Purpose;

/// A document to hand out: its file name and bytes.
pub struct Document {
    /// The name in words (`受理通知书-LB-….pdf`).
    pub title: String,
    pub bytes: Vec<u8>,
}

/// An application's records a document is made from.
struct Records {
    app: Application,
    items: Vec<Item>,
    enterprise: Option<Enterprise>,
    permits: Vec<Permit>,
}

async fn records(ctx: &Ctx, app: Application) -> Result<Records> {
    let items = db::items::of_application(&ctx.db, app.id).await?;
    let enterprise = db::enterprises::of_application(&ctx.db, app.id).await?;
    let permits = match &enterprise {
        Some(e) => db::enterprises::permits_of(&ctx.db, e.id).await?,
        None => Vec::new(),
    };
    Ok(Records {
        app,
        items,
        enterprise,
        permits,
    })
}

/// One of the applicant's documents (`document` as its address names it), with the status
/// token; one the application does not have is 404.
pub async fn applicant_document(
    ctx: &Ctx,
    number: &str,
    token: Option<&str>,
    document: &str,
) -> Result<Document> {
    let app = super::private_link::authorised(ctx, number, token).await?;
    let r = records(ctx, app).await?;
    make(ctx, &r, document)
}

/// One of an application's documents for staff who see the application (the window, the
/// administrator, a reviewer of one of its departments).
pub async fn staff_document(
    ctx: &Ctx,
    staff: &StaffMember,
    number: &str,
    document: &str,
) -> Result<Document> {
    let access = ctx.access(staff);
    access.require(Act::SeeApplications)?;
    let app = db::applications::application(&ctx.db, number)
        .await?
        .ok_or(Missing::Application)?;
    let r = records(ctx, app).await?;
    if !access.application(&r.items) {
        return Err(Missing::Application.into());
    }
    make(ctx, &r, document)
}

/// Every document the application has, for its archive: (file name, bytes).
pub async fn for_archive(ctx: &Ctx, app: &Application) -> Result<Vec<(String, Vec<u8>)>> {
    let r = records(ctx, app.clone()).await?;
    let mut out = Vec::new();
    let today = views::today_text();
    for (path, _) in words::titled(&ctx.catalogue, &r.app, &r.items, &r.permits, &today) {
        let d = make(ctx, &r, &path)?;
        out.push((format!("documents/{}", d.title), d.bytes));
    }
    Ok(out)
}

fn day_of(unix: i64) -> String {
    shared::date::format_iso_date(county_date(unix))
}

fn make(ctx: &Ctx, r: &Records, document: &str) -> Result<Document> {
    let today = views::today_text();
    let doc = DocumentId::parse(document)
        .filter(|d| words::available(&r.app, &r.items, &r.permits, &today).contains(d))
        .ok_or(Missing::Document)?;
    let submitted = day_of(r.app.submitted_at);
    let notice = match &doc {
        DocumentId::Certificate(id) => {
            let (Some(e), Some(p)) = (&r.enterprise, r.permits.iter().find(|p| p.id == *id)) else {
                return Err(Missing::Document.into());
            };
            return certificate_of(ctx, e, p);
        }
        DocumentId::Acceptance => {
            // The day each item was promised by when the window accepted it (the notice's
            // date), whatever happened since.
            let promised = |i: &Item| {
                let limit = ctx.catalogue.item(&i.item)?.limit_working_days();
                let due = ctx.calendar.due_date(i.accepted_on?, limit);
                Some(shared::date::format_iso_date(due))
            };
            let dues: Vec<(&Item, Option<String>)> =
                r.items.iter().map(|i| (i, promised(i))).collect();
            let accepted = r
                .items
                .iter()
                .filter_map(|i| i.accepted_on)
                .min()
                .map_or_else(|| submitted.clone(), shared::date::format_iso_date);
            words::acceptance(&ctx.catalogue, &r.app, &dues, &submitted, &accepted)
        }
        DocumentId::Correction => {
            let asked = r
                .app
                .notice
                .asked_at
                .map_or_else(|| submitted.clone(), day_of);
            words::correction(&ctx.catalogue, &r.app, &submitted, &asked)
        }
        DocumentId::Refusal(item) => {
            let it = r
                .items
                .iter()
                .find(|i| &i.item == item)
                .ok_or(Missing::Document)?;
            words::refusal(&ctx.catalogue, &r.app, it, &day_of(it.updated_at))
        }
    };
    let bytes = draw_notice(ctx, ctx.pdf_font.sheet()?, &notice)?;
    Ok(Document {
        title: format!("{}-{}.pdf", notice.title, r.app.number),
        bytes,
    })
}

/// A notice on A4: title, reference, addressee, what it says, its table, the seal over the
/// authority's name and the date.
fn draw_notice(ctx: &Ctx, mut s: Sheet, n: &Notice) -> Result<Vec<u8>> {
    let (now, _) = now_and_today();
    s.centred(100.0, 24.0, &n.title);
    let reference = format!("编号：{}", n.reference);
    let width = s.width(&reference, 10.5);
    s.text(535.0 - width, 132.0, 10.5, &reference);
    s.text(60.0, 170.0, 12.5, &n.addressee);
    let mut y = 200.0;
    for p in &n.paragraphs {
        y = s.wrapped(85.0, y, 450.0, 12.0, p) + 6.0;
    }
    if !n.table.is_empty() {
        let columns = [60.0, 270.0, 440.0, 535.0];
        y += 4.0;
        for (r, row) in n.table.iter().enumerate() {
            s.line(
                (60.0, y - 14.0),
                (535.0, y - 14.0),
                if r == 0 { 0.8 } else { 0.4 },
            );
            let mut bottom = y;
            for (c, cell) in row.iter().enumerate().take(3) {
                let (x, right) = (columns[c] + 4.0, columns[c + 1] - 4.0);
                bottom = bottom.max(s.wrapped(x, y, right - x, 10.5, cell));
            }
            y = bottom + 4.0;
        }
        s.line((60.0, y - 14.0), (535.0, y - 14.0), 0.8);
        y += 10.0;
    }
    for p in &n.closing {
        y = s.wrapped(85.0, y, 450.0, 12.0, p) + 6.0;
    }
    let top = y.max(600.0);
    s.seal(440.0, top + 40.0, &n.authority, "行政审批专用章");
    s.text(360.0, top + 120.0, 12.0, &n.authority);
    s.text(
        360.0,
        top + 140.0,
        12.0,
        &certificate::chinese_date(&n.dated),
    );
    footer(ctx, &mut s, now);
    let mut payload = serde_json::to_value(n).unwrap_or_default();
    payload["made_at"] = serde_json::Value::String(rfc3339(now));
    seal(ctx, s, &n.title, &payload)
}

/// The line at the foot of every document: how it was sealed and how to check it.
fn footer(ctx: &Ctx, s: &mut Sheet, now: i64) {
    s.wrapped(
        60.0,
        780.0,
        475.0,
        7.5,
        &format!(
            "本文书由证照联办系统生成，经电子印章签名（密钥 {}，{}）。核验：lianban certificate verify 本文件。",
            ctx.seal.kid(),
            rfc3339(now)
        ),
    );
}

/// The finished file with its facts as the signed payload.
fn seal(ctx: &Ctx, s: Sheet, title: &str, payload: &serde_json::Value) -> Result<Vec<u8>> {
    let payload = serde_json::to_vec(payload).unwrap_or_default();
    let meta = Meta {
        title,
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
    footer(ctx, &mut s, now);
    let mut payload = serde_json::to_value(c).unwrap_or_default();
    payload["made_at"] = serde_json::Value::String(rfc3339(now));
    seal(ctx, s, &c.title, &payload)
}
