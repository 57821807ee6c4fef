//! What the engine is fed from the database: the need of a request, the catalog offers that
//! could serve it, and each enterprise's trailing-12-month platform revenue.

use crate::engine::{Need, Offer};
use crate::requests::RequestRow;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_catalog::categories;
use muhan_core::{stored, DomainResult, EnterpriseKind, EnterpriseStatus, ProductStatus};
use muhan_db::schema::{enterprises as e, fulfillments as f, orders as o, products as p};
use muhan_db::DbConn;
use std::collections::HashMap;

/// Revenue counts fulfillments that were not refused or cancelled.
const NOT_REVENUE: [&str; 2] = ["rejected", "cancelled"];
const REVENUE_WINDOW_DAYS: i64 = 365;
/// Enterprise ids per `IN (...)` list, well under either backend's bind limit.
const CHUNK: usize = 5_000;

/// The request's need on `today` (the engine has no clock).
pub(crate) fn need(row: &RequestRow, today: NaiveDate) -> Need {
    Need {
        quantity: row.quantity,
        budget_won: row.budget_won,
        delivery_district: row.delivery_district.clone(),
        days_to_deadline: (row.deliver_by - today).num_days(),
        allow_consortium: row.allow_consortium,
    }
}

/// A catalog offer's names, for the answer.
pub(crate) struct OfferNames {
    pub enterprise_name: String,
    pub product_name: String,
}

type ProductOfferRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
);

/// Approved, in-stock products of verified enterprises in the request's category or below it,
/// as engine offers (with their names, index for index).
pub(crate) fn catalog_offers(
    conn: &mut DbConn,
    row: &RequestRow,
    now: NaiveDateTime,
) -> DomainResult<(Vec<Offer>, Vec<OfferNames>)> {
    let depths = categories::depths_below(conn, row.category_id)?;
    let in_subtree: Vec<i64> = depths.keys().copied().collect();
    let rows: Vec<ProductOfferRow> = p::table
        .inner_join(e::table)
        .filter(p::category_id.eq_any(&in_subtree))
        .filter(p::status.eq(ProductStatus::Approved.as_str()))
        .filter(e::status.eq(EnterpriseStatus::Verified.as_str()))
        .filter(p::stock.gt(0))
        .order(p::id.asc())
        .select((
            p::id,
            p::enterprise_id,
            p::category_id,
            p::name,
            p::price_won,
            p::stock,
            p::min_order_qty,
            p::lead_time_days,
            e::name,
            e::kind,
            e::district,
            e::status,
        ))
        .load(conn)?;
    let mut enterprise_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    enterprise_ids.sort_unstable();
    enterprise_ids.dedup();
    let revenue = trailing_revenue(conn, &enterprise_ids, now)?;
    let mut offers = Vec::with_capacity(rows.len());
    let mut names = Vec::with_capacity(rows.len());
    for (
        id,
        enterprise_id,
        category_id,
        name,
        price,
        stock,
        moq,
        lead,
        e_name,
        kind,
        district,
        _,
    ) in rows
    {
        let kind: EnterpriseKind = stored(&kind)?;
        offers.push(Offer {
            enterprise_id,
            enterprise_kind: kind,
            district,
            product_id: Some(id),
            unit_price_won: price,
            available_qty: stock,
            min_order_qty: moq,
            lead_time_days: lead,
            trailing_revenue_won: revenue.get(&enterprise_id).copied().unwrap_or(0),
            category_depth: depths.get(&category_id).copied(),
        });
        names.push(OfferNames {
            enterprise_name: e_name,
            product_name: name,
        });
    }
    Ok((offers, names))
}

/// Each enterprise's platform revenue over the 365 days before `now`.
pub(crate) fn trailing_revenue(
    conn: &mut DbConn,
    enterprise_ids: &[i64],
    now: NaiveDateTime,
) -> DomainResult<HashMap<i64, i64>> {
    let since = now - Duration::days(REVENUE_WINDOW_DAYS);
    let mut revenue = HashMap::new();
    for chunk in enterprise_ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64)> = f::table
            .inner_join(o::table)
            .filter(f::enterprise_id.eq_any(chunk))
            .filter(f::status.ne_all(NOT_REVENUE))
            .filter(o::created_at.ge(since))
            .select((f::enterprise_id, f::subtotal_won))
            .load(conn)?;
        for (enterprise_id, won) in rows {
            *revenue.entry(enterprise_id).or_insert(0i64) += won;
        }
    }
    Ok(revenue)
}

/// The category depths below the request's category (for quotes naming a product).
pub(crate) fn depths(conn: &mut DbConn, row: &RequestRow) -> DomainResult<HashMap<i64, u32>> {
    categories::depths_below(conn, row.category_id)
}
