//! 双随机 — the random draw of inspection objects and inspectors, made so that anyone can
//! re-check it. Before the draw the bureau publishes the frozen lists (objects, inspectors,
//! conflicts of interest, the plan's rules) and a commitment to a secret seed; after it, the seed.
//! The draw is a pure function of the published lists and the seed, documented in
//! `docs/supervision-draw.md` and recomputed by an independent program in the tests
//! (`tests/reference/draw.py`): the bureau cannot choose the seed after seeing what it draws, nor
//! change the lists after the seed is known.
//!
//! Version 1 of the algorithm, with `key(text) = hex(SHA-256(seed_hex ":" text))`:
//! - objects: within each risk class, the objects holding a permit of one of the plan's
//!   departments; the class's ratio (per cent) of them, rounded up, are drawn — those with the
//!   smallest `key("object:" id)`;
//! - inspectors: for each drawn object (by id) and each plan department it holds a permit of,
//!   the department's inspectors without a conflict with that object, the `per_department` with
//!   the smallest `key("inspector:" object_id ":" inspector_id)`.

use serde::{Deserialize, Serialize};

use super::application::sha256_hex;

/// The algorithm's version, published with every plan.
pub const ALGORITHM: &str = "lianban-draw-1";

/// A plan's rules: which departments take part (several make a joint draw: one visit covers
/// them), the share of each risk class drawn, how many inspectors per department and object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub departments: Vec<String>,
    /// Per cent of each class drawn, `A` to `D` (higher risk, higher share).
    pub ratios: Vec<(String, u32)>,
    pub per_department: usize,
}

/// An inspection object: an enterprise with its risk class and the departments of its valid
/// permits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Object {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub class: String,
    pub departments: Vec<String>,
}

/// An inspector: a staff member's number (never their login name), name, department and
/// certificate number (执法证号, published as inspection notices carry it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspector {
    pub id: i64,
    pub name: String,
    pub department: String,
    #[serde(default)]
    pub certificate: String,
}

/// Everything the draw reads, frozen and published before the seed is revealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frozen {
    pub algorithm: String,
    pub rules: Rules,
    pub objects: Vec<Object>,
    pub inspectors: Vec<Inspector>,
    /// (object id, inspector id): the inspector may not inspect that object (they approved one
    /// of its permits, or a relation is recorded).
    pub conflicts: Vec<(i64, i64)>,
}

/// One drawn object and the inspectors drawn for it, per department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drawn {
    pub object: i64,
    /// (department, inspector ids); fewer than `per_department` when the department has no
    /// more inspectors free of conflict.
    pub inspectors: Vec<(String, Vec<i64>)>,
}

/// What a rule refuses in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoDepartment,
    BadRatio,
    BadPerDepartment,
}

/// Checks a plan's rules: known classes, ratios 0–100, one to five inspectors per department
/// and at least two for each visit (two from one department, or one from each of a joint
/// draw's) — an inspection is made by two officers at least.
pub fn check(rules: &Rules) -> Result<(), Refusal> {
    if rules.departments.is_empty() {
        return Err(Refusal::NoDepartment);
    }
    let classes_ok = rules
        .ratios
        .iter()
        .all(|(c, r)| shared::catalogue::RISK_CLASSES.contains(&c.as_str()) && *r <= 100);
    if !classes_ok {
        return Err(Refusal::BadRatio);
    }
    let per_visit = rules.per_department * rules.departments.len();
    if !(1..=5).contains(&rules.per_department) || per_visit < 2 {
        return Err(Refusal::BadPerDepartment);
    }
    Ok(())
}

/// The published commitment to `seed`: anyone can check the revealed seed against it.
pub fn commitment(seed: &str) -> String {
    sha256_hex(format!("{ALGORITHM}:commit:{seed}").as_bytes())
}

/// The frozen lists as published (their hash is published with the commitment).
pub fn canonical(frozen: &Frozen) -> String {
    serde_json::to_string(frozen).unwrap_or_default()
}

fn key(seed: &str, text: &str) -> String {
    sha256_hex(format!("{seed}:{text}").as_bytes())
}

/// The draw: a pure function of the frozen lists and the seed.
pub fn draw(frozen: &Frozen, seed: &str) -> Vec<Drawn> {
    let rules = &frozen.rules;
    let in_plan = |o: &&Object| o.departments.iter().any(|d| rules.departments.contains(d));
    let mut chosen: Vec<&Object> = Vec::new();
    for (class, ratio) in &rules.ratios {
        let mut pool: Vec<(String, &Object)> = frozen
            .objects
            .iter()
            .filter(in_plan)
            .filter(|o| &o.class == class)
            .map(|o| (key(seed, &format!("object:{}", o.id)), o))
            .collect();
        pool.sort_by(|a, b| a.0.cmp(&b.0));
        let take = (pool.len() * *ratio as usize).div_ceil(100);
        chosen.extend(pool.into_iter().take(take).map(|(_, o)| o));
    }
    chosen.sort_by_key(|o| o.id);
    chosen
        .into_iter()
        .map(|o| Drawn {
            object: o.id,
            inspectors: rules
                .departments
                .iter()
                .filter(|d| o.departments.contains(d))
                .map(|d| (d.clone(), inspectors_for(frozen, seed, o.id, d)))
                .collect(),
        })
        .collect()
}

fn inspectors_for(frozen: &Frozen, seed: &str, object: i64, department: &str) -> Vec<i64> {
    let conflicted = |id: i64| frozen.conflicts.contains(&(object, id));
    let mut pool: Vec<(String, i64)> = frozen
        .inspectors
        .iter()
        .filter(|i| i.department == department && !conflicted(i.id))
        .map(|i| (key(seed, &format!("inspector:{object}:{}", i.id)), i.id))
        .collect();
    pool.sort();
    pool.into_iter()
        .take(frozen.rules.per_department)
        .map(|(_, id)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(id: i64, class: &str, departments: &[&str]) -> Object {
        Object {
            id,
            name: format!("店{id}"),
            address: "睢县".into(),
            class: class.into(),
            departments: departments.iter().map(|d| d.to_string()).collect(),
        }
    }

    fn inspector(id: i64, department: &str) -> Inspector {
        Inspector {
            id,
            name: format!("检查员{id}"),
            department: department.into(),
            certificate: format!("执法证{id}"),
        }
    }

    fn frozen() -> Frozen {
        let mut objects: Vec<Object> = (1..=20).map(|n| object(n, "B", &["samr"])).collect();
        objects.extend((21..=24).map(|n| object(n, "D", &["samr", "fire"])));
        objects.push(object(25, "B", &["tax"]));
        Frozen {
            algorithm: ALGORITHM.into(),
            rules: Rules {
                departments: vec!["samr".into(), "fire".into()],
                ratios: vec![("B".into(), 10), ("D".into(), 100)],
                per_department: 2,
            },
            objects,
            inspectors: vec![
                inspector(1, "samr"),
                inspector(2, "samr"),
                inspector(3, "samr"),
                inspector(11, "fire"),
                inspector(12, "fire"),
            ],
            conflicts: vec![(21, 1), (21, 2)],
        }
    }

    /// The share of each class, rounded up; every object of class D; none outside the plan's
    /// departments; the same seed draws the same, another seed (almost surely) not.
    #[test]
    fn draws_each_class_by_its_ratio_and_is_a_function_of_the_seed() {
        let f = frozen();
        let seed = "00ff".repeat(16);
        let drawn = draw(&f, &seed);
        let ids: Vec<i64> = drawn.iter().map(|d| d.object).collect();
        assert_eq!(ids.iter().filter(|id| **id <= 20).count(), 2, "10% of 20");
        assert!((21..=24).all(|id| ids.contains(&id)), "all of class D");
        assert!(!ids.contains(&25), "no permit of the plan's departments");
        assert_eq!(draw(&f, &seed), drawn);
        let others: Vec<Vec<Drawn>> = (0..5).map(|n| draw(&f, &format!("{n:064}"))).collect();
        assert!(others.iter().any(|o| *o != drawn));
    }

    /// Two inspectors per department the object holds a permit of, never one in conflict; a
    /// department with too few free inspectors gets those it has.
    #[test]
    fn inspectors_come_from_each_department_and_never_with_a_conflict() {
        let f = frozen();
        let drawn = draw(&f, &"ab".repeat(32));
        let d21 = drawn.iter().find(|d| d.object == 21).expect("21 drawn");
        assert_eq!(d21.inspectors[0], ("samr".to_string(), vec![3]));
        let (department, mut fire) = d21.inspectors[1].clone();
        fire.sort();
        assert_eq!((department.as_str(), fire), ("fire", vec![11, 12]));
        for d in drawn.iter().filter(|d| d.object <= 20) {
            assert_eq!(d.inspectors.len(), 1, "samr only");
            assert_eq!(d.inspectors[0].1.len(), 2);
        }
    }

    #[test]
    fn the_commitment_binds_the_seed() {
        assert_ne!(commitment("a"), commitment("b"));
        assert_eq!(commitment("a").len(), 64);
    }

    #[test]
    fn rules_are_checked() {
        let mut r = frozen().rules;
        assert_eq!(check(&r), Ok(()));
        r.ratios.push(("E".into(), 5));
        assert_eq!(check(&r), Err(Refusal::BadRatio));
        r.ratios.pop();
        r.ratios.push(("A".into(), 101));
        assert_eq!(check(&r), Err(Refusal::BadRatio));
        r.ratios.pop();
        r.per_department = 0;
        assert_eq!(check(&r), Err(Refusal::BadPerDepartment));
        r.per_department = 1;
        assert_eq!(check(&r), Ok(()), "one from each of two departments");
        let both = r.departments.clone();
        r.departments.truncate(1);
        assert_eq!(
            check(&r),
            Err(Refusal::BadPerDepartment),
            "one officer alone"
        );
        r.departments = both;
        r.departments.clear();
        assert_eq!(check(&r), Err(Refusal::NoDepartment));
    }
}
