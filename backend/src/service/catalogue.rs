//! The catalogue as the public API gives it: the list of bundles and each bundle's view,
//! serialised once when the server starts (the catalogue does not change while it runs) and
//! served as bytes with an entity tag, so a client that has them is told so in a few bytes.

use std::collections::HashMap;

use axum::body::Bytes;
use shared::api::BundleSummary;
use shared::catalogue::BundleView;
use shared::form::Answers;

use crate::domain::application::sha256_hex;

/// One JSON document and its entity tag (quoted, as HTTP writes it).
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub bytes: Bytes,
    pub etag: String,
}

impl Document {
    fn of(value: &impl serde::Serialize) -> anyhow::Result<Document> {
        let bytes = serde_json::to_vec(value)?;
        let etag = format!("\"{}\"", &sha256_hex(&bytes)[..32]);
        Ok(Document {
            bytes: Bytes::from(bytes),
            etag,
        })
    }
}

/// The published documents.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// `GET /api/bundles`.
    pub bundles: Document,
    /// `GET /api/bundles/{id}`, by bundle id.
    pub views: HashMap<String, Document>,
}

impl Published {
    /// The documents of `views`, every bundle's view in catalogue order.
    pub fn of(views: &[BundleView]) -> anyhow::Result<Published> {
        let mut documents = HashMap::new();
        for view in views {
            documents.insert(view.bundle.id.clone(), Document::of(view)?);
        }
        Ok(Published {
            bundles: Document::of(&summaries(views))?,
            views: documents,
        })
    }
}

/// What the list of bundles says of each: its items and add-ons by name, how many departments,
/// the promised days.
pub fn summaries(views: &[BundleView]) -> Vec<BundleSummary> {
    views
        .iter()
        .cloned()
        .map(|v| {
            let cart = v.resolve(&Answers::new());
            let name = |id: &String| v.item(id).map(|i| i.name.clone());
            BundleSummary {
                item_names: v.bundle.items.iter().filter_map(name).collect(),
                addon_names: v
                    .bundle
                    .addons
                    .iter()
                    .filter_map(|a| name(&a.item))
                    .collect(),
                department_count: cart.departments.len(),
                promised_days: cart.promised_days,
                id: v.bundle.id,
                name: v.bundle.name,
                summary: v.bundle.summary,
            }
        })
        .collect()
}
