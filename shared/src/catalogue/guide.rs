//! The one-time notice's numbers (一次性告知): when each item of a bundle is due if accepted on
//! a given day, and the reform figures — fields, materials and days, separately versus joined —
//! computed from the catalogue, never typed in.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{BundleView, Cart, MergedMaterial};
use crate::calendar::Calendar;
use crate::date::format_iso_date;
use crate::figures::{AverageCut, average_cut, cut, floor_percent};

/// What joining the items saves, for one bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReformFigures {
    /// Fields if each item were applied for on its own form.
    pub fields_separate: usize,
    /// Fields of the integrated form.
    pub fields_merged: usize,
    pub materials_separate: usize,
    pub materials_merged: usize,
    /// Percent fewer fields and materials (floored).
    pub fields_cut_percent: u32,
    pub materials_cut_percent: u32,
    /// The bundle's limit (措施 8): its items run in parallel, so the longest committed limit.
    pub committed_days: f32,
    /// The longest statutory limit of the bundle's items, in working days.
    pub statutory_longest_days: f32,
    /// The plan's measure of the days (措施 8, 平均压减法定时限): each item's committed limit
    /// against its own statutory limit, averaged, against the 85% target.
    pub days: AverageCut,
    /// A different figure, shown only under a label that says so: every statutory limit one
    /// after another (the old serial way) against the parallel promise.
    pub serial_statutory_days: f32,
    pub serial_cut_percent: u32,
}

/// When one item is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDue {
    pub item: String,
    pub committed_days: f32,
    /// `YYYY-MM-DD`, the last working day of the committed limit.
    pub due_on: String,
}

/// `GET /api/bundles/{id}/guide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleGuide {
    pub bundle: String,
    pub accepted_on: String,
    pub items: Vec<ItemDue>,
    /// The latest of the items' dates: they run in parallel.
    pub due_on: String,
    pub figures: ReformFigures,
    /// Ids of the departments involved.
    pub departments: Vec<String>,
    /// The merged material list of the chosen items.
    pub materials: Vec<MergedMaterial>,
    /// False when a date falls in a year whose official arrangement is not in the calendar yet
    /// (then only weekends are known to be days off).
    pub calendar_covers: bool,
}

fn percent_cut(before: f64, after: f64) -> u32 {
    floor_percent(cut(before, after))
}

impl BundleView {
    /// The reform figures of one cart: the bundle as chosen, add-ons included.
    pub fn figures(&self, cart: &Cart) -> ReformFigures {
        let items = || cart.items.iter().filter_map(|id| self.item(id));
        let serial_statutory_days = items().map(|i| i.statutory_days).sum();
        ReformFigures {
            fields_separate: cart.separate_field_count,
            fields_merged: cart.merged_field_count,
            materials_separate: cart.separate_material_count,
            materials_merged: cart.materials.len(),
            statutory_longest_days: items().map(|i| i.statutory_days).fold(0.0, f32::max),
            committed_days: cart.promised_days,
            days: average_cut(items().map(|i| (i.id.as_str(), i.statutory_days, i.committed_days))),
            serial_statutory_days,
            fields_cut_percent: percent_cut(
                cart.separate_field_count as f64,
                cart.merged_field_count as f64,
            ),
            materials_cut_percent: percent_cut(
                cart.separate_material_count as f64,
                cart.materials.len() as f64,
            ),
            serial_cut_percent: percent_cut(
                f64::from(serial_statutory_days),
                f64::from(cart.promised_days),
            ),
        }
    }

    /// Due dates of a cart's items if accepted on `accepted`, counted in working days.
    pub fn guide(&self, cart: &Cart, calendar: &Calendar, accepted: Date) -> BundleGuide {
        let items: Vec<(String, f32, Date)> = cart
            .items
            .iter()
            .filter_map(|id| self.item(id))
            .map(|i| {
                (
                    i.id.clone(),
                    i.committed_days,
                    calendar.due_date(accepted, i.limit_working_days()),
                )
            })
            .collect();
        let due = items.iter().map(|(_, _, d)| *d).max().unwrap_or(accepted);
        BundleGuide {
            bundle: self.bundle.id.clone(),
            accepted_on: format_iso_date(accepted),
            calendar_covers: calendar.knows(accepted.year()) && calendar.knows(due.year()),
            items: items
                .into_iter()
                .map(|(item, committed_days, d)| ItemDue {
                    item,
                    committed_days,
                    due_on: format_iso_date(d),
                })
                .collect(),
            due_on: format_iso_date(due),
            figures: self.figures(cart),
            departments: cart.departments.clone(),
            materials: cart.materials.clone(),
        }
    }
}
