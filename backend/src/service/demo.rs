//! Demonstration data (`lianban demo seed`): realistic applications filed, accepted at the
//! window and decided by each department through the same use cases as real ones, then spread
//! over the past months — some items still open past their deadline. For trying the back
//! office and for measuring it at a county's (or a province's) volume.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shared::Lang;
use shared::api::CreateApplication;
use shared::catalogue::Catalogue;
use shared::records::IntakeStatus;
use shared::staff::{IntakeDecision, IntakeRequest, ReviewRequest, Role};
use shared::statistics::RatingRequest;
use shared::status::{ReviewAction, SubStatus};

use super::{Ctx, Result, accounts, applications, backoffice, review, views};
use crate::db;
use crate::domain::clock::county_date;
use crate::domain::records::{Item, StaffMember};
use crate::domain::statistics::measure;

/// What a run made.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub applications: usize,
    pub accepted: usize,
    pub decisions: usize,
}

const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
];
const SHOPS: [&str; 8] = [
    "家常菜馆",
    "烧烤店",
    "面馆",
    "便利店",
    "小吃店",
    "水饺馆",
    "粮油店",
    "百货店",
];
const STREETS: [&str; 5] = ["北湖路", "凤城大道", "袁山路", "胜利路", "睢州大道"];

/// A valid resident ID number born on `year`-`month`-`day` in Suixian, sequence `seq`.
fn id_number(year: u32, month: u32, day: u32, seq: u32) -> String {
    let first = format!("411422{year:04}{month:02}{day:02}{:03}", seq % 1000);
    let check = shared::ids::resident_id::check_char(first.as_bytes()) as char;
    format!("{first}{check}")
}

fn answers(rng: &mut StdRng, bundle: &str, n: usize) -> Value {
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    let shop = SHOPS[rng.random_range(0..SHOPS.len())];
    let id = id_number(
        rng.random_range(1960..2000),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(0..1000),
    );
    let mut a = json!({
        "business.name": format!("睢县{surname}记{shop}{n}号"),
        "business.form": "individual",
        "business.capital": rng.random_range(1..50),
        "business.employees": 0,
        "legal_rep.name": format!("{surname}某"),
        "legal_rep.id_number": id,
        "legal_rep.phone": format!("138{:08}", rng.random_range(0..100_000_000u32)),
        "premises.address": format!("睢县城关镇{}{}号", STREETS[rng.random_range(0..STREETS.len())], rng.random_range(1..300)),
        "premises.area": rng.random_range(20..200),
        "premises.tenure": "owned",
        "seal.kinds": ["official"],
        "tax.invoice_kind": "e_ordinary",
        "declaration.truthful": true,
    });
    if !["small_shop", "small_workshop"].contains(&bundle) {
        a["plans.investment"] = json!(rng.random_range(5..29));
    }
    let food = |a: &mut Value| {
        a["food.safety_manager"] = json!(format!("{surname}某某"));
        a["food.manager_phone"] = json!("13900139000");
    };
    match bundle {
        "restaurant" => {
            a["business.scope"] = json!(["catering"]);
            a["food.categories"] = json!(["hot_food"]);
            food(&mut a);
        }
        "pharmacy" => {
            a["business.scope"] = json!(["drug_retail"]);
            a["pharmacy.scope"] = json!("otc");
            a["pharmacy.pharmacist_name"] = json!(format!("{surname}药师"));
            a["pharmacy.pharmacist_id_number"] = json!(id_number(1985, 6, 1, n as u32));
            a["pharmacy.pharmacist_registration"] = json!(format!("ZY{:08}", n));
            a["pharmacy.quality_manager"] = json!(format!("{surname}某某"));
        }
        "small_workshop" => {
            a["business.scope"] = json!(["bulk_food"]);
            a["workshop.products"] = json!(["pastry"]);
            let workers = rng.random_range(1..6);
            a["workshop.workers"] = json!(workers);
            // The workers are of the staff (the catalogue's check `workshop_workers`).
            a["business.employees"] = json!(workers);
            food(&mut a);
        }
        "supermarket" => a["business.scope"] = json!(["prepackaged_food", "daily_goods"]),
        _ => a["business.scope"] = json!(["prepackaged_food"]),
    }
    a
}

/// The bundles filed, with their shares in a hundred.
const BUNDLES: [(&str, u32); 5] = [
    ("restaurant", 40),
    ("small_shop", 25),
    ("supermarket", 15),
    ("pharmacy", 10),
    ("small_workshop", 10),
];

/// An account of `role` (and department) for the demonstration, made if missing (with a
/// random password: nobody logs in as it).
async fn account(
    ctx: &Ctx,
    username: &str,
    role: Role,
    department: Option<&str>,
) -> Result<StaffMember> {
    if db::staff::by_username(&ctx.db, username).await?.is_none() {
        let password: String = (0..24)
            .map(|_| rand::random_range(b'a'..=b'z') as char)
            .collect();
        let new = accounts::NewAccount {
            username,
            role: role.as_str(),
            department,
            certificate: None,
            display_name: None,
            password: &password,
        };
        accounts::add_staff(&ctx.db, &ctx.catalogue, &new).await?;
    }
    db::staff::by_username(&ctx.db, username)
        .await?
        .and_then(|r| r.member())
        .ok_or_else(|| anyhow::anyhow!("no account {username}").into())
}

/// Applications filed at once (on SQLite they still commit one after another).
const CONCURRENCY: usize = 8;

/// Files `n` applications spread over the last `days` days (`seed` makes a run repeatable):
/// most accepted, most items of those decided — the older, the more — the rest still open;
/// some items paused for expert review or testing, most decided within their limit, some
/// late; many of the completed ones rated by their applicant. The statistics' rollup is folded
/// at the end.
pub async fn seed(ctx: &Ctx, n: usize, days: u32, seed: u64) -> Result<Seeded> {
    use futures_util::StreamExt;
    let clerk = account(ctx, "demo_clerk", Role::Clerk, None).await?;
    let mut reviewers = Vec::new();
    for d in &departments(&ctx.catalogue) {
        reviewers.push(account(ctx, &format!("demo_{d}"), Role::Reviewer, Some(d)).await?);
    }
    let staff = (&clerk, reviewers.as_slice());
    let mut runs = futures_util::stream::iter(0..n)
        .map(|i| one(ctx, staff, i, days, seed))
        .buffer_unordered(CONCURRENCY);
    let mut done = Seeded::default();
    while let Some(one) = runs.next().await {
        let one = one?;
        done.applications += one.applications;
        done.accepted += one.accepted;
        done.decisions += one.decisions;
    }
    // The statistics' totals brought up to date, as their periodic job would.
    db::statistics::fold(&ctx.db).await?;
    Ok(done)
}

/// Application `i` of a run: filed, perhaps accepted and decided, moved into the past.
async fn one(
    ctx: &Ctx,
    (clerk, reviewers): (&StaffMember, &[StaffMember]),
    i: usize,
    days: u32,
    seed: u64,
) -> Result<Seeded> {
    let mut rng = StdRng::seed_from_u64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut done = Seeded::default();
    let mut pick = rng.random_range(0..100u32);
    let bundle = BUNDLES
        .iter()
        .find(|(_, share)| {
            let here = pick < *share;
            pick = pick.saturating_sub(*share);
            here
        })
        .map_or("small_shop", |(b, _)| b);
    let req = CreateApplication {
        holder: None,
        bundle: bundle.into(),
        answers: answers(&mut rng, bundle, i)
            .as_object()
            .cloned()
            .unwrap_or_default(),
        draft: None,
    };
    let filed = match applications::file(ctx, &req, None, None, Lang::Zh).await {
        Err(super::Error::Refused(crate::domain::Error::Answers(problems))) => {
            // The demonstration's own answers are wrong: say which, for whoever changes them.
            let fields: Vec<&String> = problems.keys().collect();
            return Err(anyhow::anyhow!("demo answers for {bundle} refused: {fields:?}").into());
        }
        filed => filed?,
    };
    done.applications += 1;
    let age = rng.random_range(0..days.max(1));
    if rng.random_bool(0.85) {
        let access = ctx.access(clerk);
        let (app, _) = backoffice::load(ctx, &access, &filed.number).await?;
        // Every material brought on paper at the counter.
        let paper = ctx
            .view(&app.bundle)
            .map(|v| v.resolve(&app.answers).materials)
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.material.id)
            .collect();
        let accept = IntakeRequest {
            decision: IntakeDecision::Accept,
            version: app.version,
            notice: None,
            fields: Vec::new(),
            materials: Vec::new(),
            paper_materials: paper,
            missing_materials: Vec::new(),
            bring_by: None,
        };
        let view = backoffice::decide_intake(ctx, clerk, &filed.number, &accept).await?;
        done.accepted += 1;
        // The older, the likelier decided; a recent one mostly still open.
        let likely = f64::from(age) / f64::from(days.max(1));
        done.decisions += decide(ctx, reviewers, &view.items, likely, &mut rng).await?;
        if rng.random_bool(0.5) {
            let rating = RatingRequest {
                score: [5, 5, 5, 4, 4, 3, 2][rng.random_range(0..7)],
                comment: if rng.random_bool(0.2) {
                    [
                        "一窗办完，很方便",
                        "材料一次说清楚了",
                        "等现场核查时间长了点",
                    ][rng.random_range(0..3)]
                    .into()
                } else {
                    String::new()
                },
            };
            // Only an application with every item decided can be rated.
            let token = serde_json::from_str::<shared::api::ApplicationCreated>(&filed.body)
                .map(|c| c.token)
                .unwrap_or_default();
            let _ = super::statistics::rate(ctx, &filed.number, Some(&token), &rating).await;
        }
    }
    backdate(ctx, &filed.number, age, &mut rng).await?;
    Ok(done)
}

/// Each accepted item of an application decided by a reviewer of its department with
/// probability `likely` (now and then after a test); how many were.
async fn decide(
    ctx: &Ctx,
    reviewers: &[StaffMember],
    items: &[shared::staff::StaffItem],
    likely: f64,
    rng: &mut StdRng,
) -> Result<usize> {
    let mut decided = 0;
    for item in items.iter().filter(|i| i.status == SubStatus::Accepted) {
        if !rng.random_bool(likely.clamp(0.05, 0.95)) {
            continue;
        }
        let Some(reviewer) = reviewers
            .iter()
            .find(|r| r.department.as_deref() == Some(item.department.as_str()))
        else {
            continue;
        };
        let mut version = item.version;
        // Now and then a test or an expert review first (its days set by `backdate`).
        if item.item != "business_registration" && rng.random_bool(0.08) {
            for (action, kind) in [
                (ReviewAction::Pause, Some("testing")),
                (ReviewAction::Resume, None),
            ] {
                let req = request(action, version, kind);
                version = review::act(ctx, reviewer, item.id, &req).await?.version;
            }
        }
        let action = if rng.random_bool(0.95) {
            ReviewAction::Approve
        } else {
            ReviewAction::Reject
        };
        let req = request(action, version, None);
        // Some items cannot be decided straight away (an inspection first): left open.
        if review::act(ctx, reviewer, item.id, &req).await.is_ok() {
            decided += 1;
        }
    }
    Ok(decided)
}

/// A staff member's request for the demonstration.
fn request(action: ReviewAction, version: i64, pause_kind: Option<&str>) -> ReviewRequest {
    let message = match action {
        ReviewAction::Reject => Some("材料与实际不符".to_string()),
        ReviewAction::Pause => Some("送检".to_string()),
        _ => None,
    };
    ReviewRequest {
        action,
        version,
        message,
        // Numbered by each department's rule (catalogue/certificates.toml).
        certificate: None,
        inspection_on: None,
        follow_up_on: None,
        fields: Vec::new(),
        insufficient: Vec::new(),
        pause_kind: pause_kind.map(str::to_string),
        // Demonstration data decides in any order.
        before_licence: true,
    }
}

/// Every department the catalogue names.
fn departments(c: &Catalogue) -> Vec<String> {
    c.departments.iter().map(|d| d.id.clone()).collect()
}

/// Moves an application `days` days into the past, its open items' due dates with it, and
/// gives each decided item the day it was decided then: mostly within its limit, some late,
/// a paused one some working days stood still — measured as real ones are.
async fn backdate(ctx: &Ctx, number: &str, days: u32, rng: &mut StdRng) -> Result<()> {
    if days == 0 {
        return Ok(());
    }
    let app = db::applications::application(&ctx.db, number)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{number} vanished"))?;
    let seconds = i64::from(days) * 86_400;
    let accepted = county_date(app.submitted_at - seconds);
    let today = county_date(crate::domain::clock::now_unix());
    let mut tx = ctx.db.begin().await?;
    let accepted_on = shared::date::format_iso_date(accepted);
    db::demo::backdate(&mut tx, app.id, seconds, &accepted_on).await?;
    tx.commit().await?;
    if app.intake != IntakeStatus::Accepted {
        return Ok(());
    }
    let items = db::items::of_application(&ctx.db, app.id).await?;
    let mut tx = ctx.db.begin().await?;
    for i in &items {
        let limit = ctx
            .catalogue
            .item(&i.item)
            .map_or(1, |c| c.limit_working_days());
        if !i.status.is_final() {
            let moved = Item {
                accepted_on: Some(accepted),
                ..i.clone()
            };
            db::worklist::set_due(&mut tx, i.id, views::due(ctx, &moved).as_deref()).await?;
            continue;
        }
        let paused = if i.decision.pauses.is_empty() {
            0
        } else {
            rng.random_range(1..=5)
        };
        let took = if rng.random_bool(0.85) {
            rng.random_range(0..=limit)
        } else {
            limit + rng.random_range(1..=4)
        };
        let decided = ctx.calendar.due_date(accepted, took + paused).min(today);
        let m = measure(accepted, decided, paused, limit, &ctx.calendar);
        db::demo::set_measure(&mut tx, i.id, &m, paused).await?;
    }
    tx.commit().await?;
    Ok(())
}
