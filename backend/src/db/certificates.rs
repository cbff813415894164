//! Certificate serials: the next serial of a series of an item's certificate numbers.

use sqlx::{Any, Transaction};

/// Takes the next serial of `series` of `item` (1 for a new series), in the caller's
/// transaction: the series' row stays locked until it ends, so two approvals never share a
/// serial and a rolled-back one gives its serial back.
pub async fn next_serial(
    tx: &mut Transaction<'_, Any>,
    item: &str,
    series: &str,
) -> sqlx::Result<i64> {
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO certificate_serials (item, series, last) VALUES ($1, $2, 1)
         ON CONFLICT (item, series) DO UPDATE SET last = certificate_serials.last + 1
         RETURNING last",
    )
    .bind(item)
    .bind(series)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last)
}
