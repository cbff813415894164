//! 双随机、一公开: the administrator makes an inspection plan — the objects and inspectors
//! databases are frozen and published with a commitment to a secret seed — then draws it, which
//! reveals the seed; anyone recomputes the draw from the published plan (`domain::draw`).

use std::collections::HashMap;

use rand::RngCore;
use serde_json::json;
use shared::catalogue::InspectionItem;
use shared::staff::Role;
use shared::supervision::{
    CreditRecord, DeclaredConflict, DrawnInspector, DrawnInspectors, DrawnObject, InspectionPlan,
    NewConflict, NewInspectionPlan, PlanFilters, SupervisedObject,
};

use super::{Ctx, Result, now_and_today};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::supervision::PlanRow;
use crate::domain::access::Act;
use crate::domain::application::sha256_hex;
use crate::domain::draw::{self, Frozen, Inspector, Object, Refusal, Rules};
use crate::domain::error::{Conflict, Invalid, Missing};
use crate::domain::records::{Actor, StaffMember};
use crate::domain::risk::{self, Fact};

fn refusal(r: Refusal) -> Invalid {
    match r {
        Refusal::NoDepartment => Invalid::PlanDepartments,
        Refusal::BadRatio => Invalid::PlanRatios,
        Refusal::BadPerDepartment => Invalid::PlanPerDepartment,
    }
}

/// Makes a plan: checks it, freezes the two databases and the conflicts of interest, draws a
/// secret seed and publishes its commitment.
pub async fn create(
    ctx: &Ctx,
    staff: &StaffMember,
    req: &NewInspectionPlan,
) -> Result<InspectionPlan> {
    ctx.access(staff).require(Act::PlanInspections)?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Invalid::PlanName.into());
    }
    let known = |d: &String| ctx.catalogue.department(d).is_some();
    if !req.departments.iter().all(known) {
        return Err(Invalid::PlanDepartments.into());
    }
    let rules = Rules {
        departments: req.departments.clone(),
        ratios: req
            .ratios
            .iter()
            .map(|r| (r.class.clone(), r.percent))
            .collect(),
        per_department: req.per_department as usize,
    };
    draw::check(&rules).map_err(refusal)?;
    let items = plan_items(ctx, &req.items, &rules.departments)?;
    let filters = plan_filters(ctx, &req.filters)?;
    let objects = classified(ctx)
        .await?
        .into_iter()
        .filter(|o| filters.admits(&o.industry, &o.permits))
        .map(|o| Object {
            class: o.class,
            departments: o.departments,
            id: o.id,
            name: o.name,
            address: o.address,
        })
        .collect();
    let inspectors = db::supervision::inspectors(&ctx.db)
        .await?
        .into_iter()
        .filter(|(_, _, d, _)| rules.departments.contains(d))
        .map(|(id, name, department, certificate)| Inspector {
            id,
            name,
            department,
            certificate,
        })
        .collect();
    let frozen = Frozen {
        algorithm: draw::ALGORITHM.to_string(),
        rules,
        objects,
        inspectors,
        conflicts: db::supervision::conflicts(&ctx.db).await?,
    };
    let frozen_text = draw::canonical(&frozen);
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let seed: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    let (now, _) = now_and_today();
    let items_text = serde_json::to_string(&items).map_err(anyhow::Error::from)?;
    let filters_text = serde_json::to_string(&filters).map_err(anyhow::Error::from)?;
    let new = db::supervision::NewPlan {
        name,
        frozen: &frozen_text,
        frozen_hash: &sha256_hex(frozen_text.as_bytes()),
        commitment: &draw::commitment(&seed),
        seed: &seed,
        created_by: &staff.username,
        items: &items_text,
        filters: &filters_text,
        now,
    };
    let mut tx = ctx.db.begin().await?;
    let id = db::supervision::insert(&mut tx, &new).await?;
    let subject = format!("inspection_plan {id}");
    let after = json!({
        "name": name,
        "commitment": new.commitment,
        "frozen_hash": new.frozen_hash,
        "objects": frozen.objects.len(),
        "inspectors": frozen.inspectors.len(),
    });
    let actor = Actor::Staff(staff);
    let entry = Entry::by(&actor, "supervision.plan", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    public(ctx, id).await
}

/// A plan's filters, checked: known industries (bundles) and permit types (items).
fn plan_filters(ctx: &Ctx, f: &PlanFilters) -> Result<PlanFilters> {
    let known = f
        .industries
        .iter()
        .all(|b| ctx.catalogue.bundle(b).is_some())
        && f.permits.iter().all(|i| ctx.catalogue.item(i).is_some());
    if !known {
        return Err(Invalid::PlanFilters.into());
    }
    Ok(f.clone())
}

/// The inspection items a plan names, as the list has them now: each known and of one of the
/// plan's departments, none twice.
fn plan_items(ctx: &Ctx, ids: &[String], departments: &[String]) -> Result<Vec<InspectionItem>> {
    let mut items: Vec<InspectionItem> = Vec::new();
    for id in ids {
        let item = ctx
            .catalogue
            .inspection_item(id)
            .filter(|i| {
                ctx.catalogue
                    .item(&i.permit)
                    .is_some_and(|p| departments.contains(&p.department))
            })
            .filter(|i| !items.iter().any(|x| x.id == i.id))
            .ok_or(Invalid::PlanItems)?;
        items.push(item.clone());
    }
    Ok(items)
}

/// Draws a plan, once: reveals the seed and records the drawn objects and inspectors, and
/// makes one inspection task per drawn enterprise for its inspectors.
pub async fn draw(ctx: &Ctx, staff: &StaffMember, id: i64) -> Result<InspectionPlan> {
    ctx.access(staff).require(Act::PlanInspections)?;
    let row = db::supervision::plan(&ctx.db, id)
        .await?
        .ok_or(Missing::Plan)?;
    if row.drawn.is_some() {
        return Err(Conflict::PlanDrawn.into());
    }
    let frozen: Frozen = serde_json::from_str(&row.frozen).map_err(anyhow::Error::from)?;
    let drawn = draw::draw(&frozen, &row.seed);
    let text = serde_json::to_string(&drawn).map_err(anyhow::Error::from)?;
    let (now, _) = now_and_today();
    let mut tx = ctx.db.begin().await?;
    if !db::supervision::set_drawn(&mut tx, id, &text, now).await? {
        return Err(Conflict::PlanDrawn.into());
    }
    for d in &drawn {
        let inspectors: Vec<(i64, String)> = d
            .inspectors
            .iter()
            .flat_map(|(dept, ids)| ids.iter().map(move |i| (*i, dept.clone())))
            .collect();
        db::inspection_tasks::insert(&mut tx, id, d.object, &inspectors, now).await?;
    }
    let subject = format!("inspection_plan {id}");
    let actor = Actor::Staff(staff);
    let after = json!({ "seed": row.seed, "drawn": drawn.len() });
    let entry = Entry::by(&actor, "supervision.draw", &subject, json!(null), after);
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    public(ctx, id).await
}

/// The administrator records a relation between an inspector and an enterprise (a relative, a
/// former employer…): every plan made afterwards freezes it among the conflicts, so the
/// inspector is never drawn for that enterprise. On the record; the first reason stands.
pub async fn declare_conflict(
    ctx: &Ctx,
    staff: &StaffMember,
    req: &NewConflict,
) -> Result<Vec<DeclaredConflict>> {
    ctx.access(staff).require(Act::PlanInspections)?;
    let inspector = db::staff::by_username(&ctx.db, req.inspector.trim())
        .await?
        .filter(|s| s.role == Role::Inspector.as_str() && s.active == 1)
        .ok_or(Invalid::ConflictInspector)?;
    let enterprise = db::enterprises::by_uscc(&ctx.db, req.uscc.trim())
        .await?
        .ok_or(Invalid::ConflictEnterprise)?;
    let reason = crate::domain::error::message(Some(&req.reason)).ok_or(Invalid::Reason)?;
    let (now, _) = now_and_today();
    let actor = Actor::Staff(staff);
    let mut tx = ctx.db.begin().await?;
    let pair = (inspector.id, enterprise.id);
    if db::supervision::declare(&mut tx, pair, reason, &staff.username, now).await? {
        let subject = format!("staff {}", inspector.username);
        let after = json!({ "enterprise": enterprise.uscc, "reason": reason });
        let entry = Entry::by(&actor, "supervision.conflict", &subject, json!(null), after);
        audit::append(&mut tx, &entry, now).await?;
    }
    tx.commit().await?;
    declared(ctx, staff).await
}

/// Every recorded relation, the newest first.
pub async fn declared(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<DeclaredConflict>> {
    ctx.access(staff).require(Act::PlanInspections)?;
    let rows = db::supervision::declared(&ctx.db).await?;
    Ok(rows
        .into_iter()
        .map(
            |(inspector, inspector_name, enterprise, uscc, reason, at)| DeclaredConflict {
                inspector,
                inspector_name,
                enterprise,
                uscc,
                reason,
                declared_at: crate::domain::clock::rfc3339(at),
            },
        )
        .collect())
}

/// The list of inspection items, for the administrator making a plan.
pub fn items(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<InspectionItem>> {
    ctx.access(staff).require(Act::PlanInspections)?;
    Ok(ctx.catalogue.inspection_items.clone())
}

/// The inspection objects database, for the administrator.
pub async fn objects(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<SupervisedObject>> {
    ctx.access(staff).require(Act::PlanInspections)?;
    classified(ctx).await
}

/// Every enterprise holding a valid permit with its credit records and the risk class they
/// make today (`domain::risk`, by the catalogue's rules), by id.
async fn classified(ctx: &Ctx) -> Result<Vec<SupervisedObject>> {
    let (_, today) = now_and_today();
    let mut records: HashMap<i64, Vec<db::credit::RecordRow>> = HashMap::new();
    for r in db::credit::records_of_enterprises(&ctx.db).await? {
        if let Some(e) = r.enterprise_id {
            records.entry(e).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for o in db::supervision::objects(&ctx.db).await? {
        let mine = records.remove(&o.id).unwrap_or_default();
        let mut facts: Vec<Fact> = mine
            .iter()
            .filter_map(|r| {
                let on = shared::date::parse_iso_date(&r.recorded_on)?;
                Some(Fact {
                    kind: r.kind.clone(),
                    on,
                })
            })
            .collect();
        if o.listed {
            facts.push(Fact {
                kind: risk::LISTED.into(),
                on: today,
            });
        }
        let rule = risk::class(&ctx.catalogue.risk_classes, &facts, today)
            .ok_or_else(|| anyhow::anyhow!("no risk class rule holds (the last must hold)"))?;
        let kind_name = |k: &str| ctx.catalogue.credit_kind(k).map(|k| k.name.clone());
        let departments = o.departments;
        let department_names = departments
            .iter()
            .filter_map(|d| ctx.catalogue.department(d).map(|d| d.name.clone()))
            .collect();
        out.push(SupervisedObject {
            class: rule.class.clone(),
            class_reason: rule.reason.clone(),
            departments,
            department_names,
            records: mine
                .into_iter()
                .map(|r| CreditRecord {
                    kind_name: kind_name(&r.kind).unwrap_or_default(),
                    id: r.id,
                    kind: r.kind,
                    detail: r.detail,
                    recorded_on: r.recorded_on,
                    bars_until: r.bars_until,
                })
                .collect(),
            id: o.id,
            name: o.name,
            uscc: o.uscc,
            address: o.address,
            industry_name: ctx
                .catalogue
                .bundle(&o.industry)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            permit_names: o
                .permits
                .iter()
                .filter_map(|i| ctx.catalogue.item(i).map(|i| i.name.clone()))
                .collect(),
            industry: o.industry,
            permits: o.permits,
            listed: o.listed,
        });
    }
    Ok(out)
}

/// Every plan as published, newest first.
pub async fn plans(ctx: &Ctx, staff: &StaffMember) -> Result<Vec<InspectionPlan>> {
    ctx.access(staff).require(Act::PlanInspections)?;
    let rows = db::supervision::plans(&ctx.db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let results = results_of(ctx, row.id).await?;
        out.push(published(row, &results)?);
    }
    Ok(out)
}

/// The results of a plan's visits, by enterprise.
async fn results_of(
    ctx: &Ctx,
    plan_id: i64,
) -> Result<HashMap<i64, db::inspection_tasks::TaskRow>> {
    let rows = db::inspection_tasks::recorded(&ctx.db, Some(plan_id), None).await?;
    Ok(rows.into_iter().map(|t| (t.enterprise_id, t)).collect())
}

/// A plan as anyone may see it: the seed only once drawn.
pub async fn public(ctx: &Ctx, id: i64) -> Result<InspectionPlan> {
    let row = db::supervision::plan(&ctx.db, id)
        .await?
        .ok_or(Missing::Plan)?;
    let results = results_of(ctx, id).await?;
    published(row, &results)
}

fn published(
    row: PlanRow,
    results: &HashMap<i64, db::inspection_tasks::TaskRow>,
) -> Result<InspectionPlan> {
    let items: Vec<InspectionItem> =
        serde_json::from_str(&row.items).map_err(anyhow::Error::from)?;
    let filters: PlanFilters = serde_json::from_str(&row.filters).map_err(anyhow::Error::from)?;
    let frozen: Frozen = serde_json::from_str(&row.frozen).map_err(anyhow::Error::from)?;
    let drawn: Option<Vec<draw::Drawn>> = match &row.drawn {
        Some(text) => Some(serde_json::from_str(text).map_err(anyhow::Error::from)?),
        None => None,
    };
    let object = |id: i64| frozen.objects.iter().find(|o| o.id == id);
    let drawn = drawn.map(|list| {
        list.into_iter()
            .filter_map(|d| {
                let o = object(d.object)?;
                Some(DrawnObject {
                    object: d.object,
                    name: o.name.clone(),
                    address: o.address.clone(),
                    class: o.class.clone(),
                    departments: d
                        .inspectors
                        .into_iter()
                        .map(|(department, ids)| DrawnInspectors {
                            department,
                            inspectors: ids
                                .iter()
                                .filter_map(|id| frozen.inspectors.iter().find(|i| i.id == *id))
                                .map(|i| DrawnInspector {
                                    id: i.id,
                                    name: i.name.clone(),
                                    certificate: i.certificate.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                    result: results.get(&d.object).and_then(|t| t.result.clone()),
                    recorded_on: results.get(&d.object).and_then(|t| t.recorded_on.clone()),
                    recheck_result: results
                        .get(&d.object)
                        .and_then(|t| t.recheck_result.clone()),
                    rechecked_on: results.get(&d.object).and_then(|t| t.rechecked_on.clone()),
                })
            })
            .collect()
    });
    let revealed = row.drawn.is_some();
    Ok(InspectionPlan {
        id: row.id,
        name: row.name,
        algorithm: frozen.algorithm.clone(),
        objects: frozen.objects.len() as u32,
        inspectors: frozen.inspectors.len() as u32,
        frozen: row.frozen,
        frozen_hash: row.frozen_hash,
        commitment: row.commitment,
        seed: revealed.then_some(row.seed),
        drawn,
        created_at: row.created_at,
        drawn_at: row.drawn_at,
        items,
        filters,
    })
}
