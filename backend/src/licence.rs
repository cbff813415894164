//! The business licence and its permits (一业一证): approving the business registration brings
//! the enterprise into being with an issued credit code and the token of its public verify page;
//! every approved item of the application — before or after — becomes a permit of it. All of it
//! happens in the approval's own transaction.

use serde_json::Value;
use shared::catalogue::Catalogue;
use shared::form::Answers;
use sqlx::{Any, Transaction};

use crate::db::enterprises::{self as db_ent, NewEnterprise, NewPermit};
use crate::db::review::{AppRow, ItemRow};
use crate::domain::application::new_token;

/// The item whose approval creates the enterprise.
pub const REGISTRATION: &str = "business_registration";
/// This county's administrative division code (睢县): the 3rd–8th characters of every code it
/// issues.
pub const COUNTY_DIVISION: &str = "411422";

fn text<'a>(answers: &'a Answers, key: &str) -> &'a str {
    answers.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The option labels (Chinese) of a select or multiselect answer.
fn labels(catalogue: &Catalogue, answers: &Answers, key: &str) -> String {
    let Some(field) = catalogue.field(key) else {
        return String::new();
    };
    let label = |v: &str| {
        field
            .options
            .iter()
            .find(|o| o.value == v)
            .map_or(v.to_string(), |o| o.label.zh.clone())
    };
    match answers.get(key) {
        Some(Value::String(s)) => label(s),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(label)
            .collect::<Vec<_>>()
            .join("、"),
        _ => String::new(),
    }
}

/// Creates the enterprise of `app` (inside `tx`) and returns its credit code.
pub async fn create_enterprise(
    tx: &mut Transaction<'_, Any>,
    catalogue: &Catalogue,
    app: &AppRow,
    established_on: &str,
    now: i64,
) -> anyhow::Result<(i64, String)> {
    let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
    let entity = if text(&answers, "business.form") == "individual" {
        b'2'
    } else {
        b'1'
    };
    let serial = db_ent::next_serial(tx, now).await?;
    let uscc = shared::ids::uscc::issue(entity, COUNTY_DIVISION, serial as u64)
        .ok_or_else(|| anyhow::anyhow!("credit-code serials exhausted"))?;
    let token = new_token()[..22].to_string();
    let id = db_ent::insert(
        tx,
        &NewEnterprise {
            application_id: app.id,
            uscc: &uscc,
            name: text(&answers, "business.name"),
            entity_type: &labels(catalogue, &answers, "business.form"),
            address: text(&answers, "premises.address"),
            legal_rep: text(&answers, "legal_rep.name"),
            scope: &labels(catalogue, &answers, "business.scope"),
            established_on,
            verify_token: &token,
        },
        now,
    )
    .await?;
    Ok((id, uscc))
}

/// Attaches every approved item of `items` (their decisions hold certificate and validity) to
/// the enterprise. Already attached ones are left as they are.
pub async fn attach_approved(
    tx: &mut Transaction<'_, Any>,
    enterprise_id: i64,
    items: &[(ItemRow, serde_json::Map<String, Value>)],
    issued_on: &str,
    now: i64,
) -> sqlx::Result<()> {
    for (row, decision) in items {
        let Some(certificate) = decision.get("certificate").and_then(Value::as_str) else {
            continue;
        };
        db_ent::attach(
            tx,
            &NewPermit {
                enterprise_id,
                sub_application_id: row.id,
                item: &row.item,
                department: &row.department,
                certificate,
                issued_on,
                valid_until: decision.get("valid_until").and_then(Value::as_str),
            },
            now,
        )
        .await?;
    }
    Ok(())
}
