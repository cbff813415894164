//! Supervision after approval (双随机、一公开): inspection plans as the API takes and gives
//! them. A plan's public document carries everything a draw reads, so anyone can recompute it
//! (`docs/supervision-draw.md`).

use serde::{Deserialize, Serialize};

/// `POST /api/staff/supervision/plans`: what to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInspectionPlan {
    pub name: String,
    /// Department ids taking part; several make a joint draw (one visit covers them).
    pub departments: Vec<String>,
    /// The share of each risk class drawn.
    pub ratios: Vec<ClassRatio>,
    /// Inspectors drawn per department for each object (at least two in practice).
    pub per_department: u32,
}

/// The per cent of risk class `class` (`A` lowest risk … `D` highest) drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassRatio {
    pub class: String,
    pub percent: u32,
}

/// A plan as published: before the draw, the frozen lists and the commitment to the seed;
/// after it, the seed and the drawn objects too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionPlan {
    pub id: i64,
    pub name: String,
    /// The draw's algorithm, e.g. `lianban-draw-1`.
    pub algorithm: String,
    /// The frozen lists exactly as hashed (JSON text): rules, objects, inspectors, conflicts.
    pub frozen: String,
    /// SHA-256 (hex) of `frozen`.
    pub frozen_hash: String,
    /// SHA-256 (hex) of `"{algorithm}:commit:{seed}"`, published before the draw.
    pub commitment: String,
    /// Revealed by the draw.
    pub seed: Option<String>,
    pub drawn: Option<Vec<DrawnObject>>,
    pub objects: u32,
    pub inspectors: u32,
    pub created_at: i64,
    pub drawn_at: Option<i64>,
}

/// One drawn object and its inspectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnObject {
    pub object: i64,
    pub name: String,
    pub address: String,
    pub class: String,
    pub departments: Vec<DrawnInspectors>,
}

/// The inspectors drawn from one department (fewer than asked when it has no more free of
/// conflict).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnInspectors {
    pub department: String,
    pub inspectors: Vec<DrawnInspector>,
}

/// An inspector as published: their staff number and name, never their login name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawnInspector {
    pub id: i64,
    pub name: String,
}
