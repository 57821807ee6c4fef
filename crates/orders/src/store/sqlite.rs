//! The SQLite statements of order placement: writers are serialised by `BEGIN IMMEDIATE`, so
//! plain reads, MAX + 1 ids and unconditional stock updates are exact.

use super::{NewOrder, OrderInputs, ProductRow, PurchaseAmount};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel::SqliteConnection;
use muhan_core::DomainResult;
use muhan_db::schema::{
    enterprises as e, fulfillments as f, order_events as ev, order_lines as l, orders as o,
    products as p, purchase_totals as pt,
};

/// Reads the inputs of an order over `product_ids` by `agency_id`.
pub(crate) fn order_inputs(
    lite: &mut SqliteConnection,
    product_ids: &[i64],
    agency_id: i64,
    window_start: NaiveDate,
) -> DomainResult<OrderInputs> {
    let products: Vec<ProductRow> = p::table
        .inner_join(e::table)
        .filter(p::id.eq_any(product_ids))
        .select((
            p::id,
            p::enterprise_id,
            p::category_id,
            p::name,
            p::unit,
            p::price_won,
            p::min_order_qty,
            p::stock,
            p::status,
            e::status,
            e::name,
            e::kind,
        ))
        .load(lite)?;
    let mut enterprise_ids: Vec<i64> = products.iter().map(|p| p.enterprise_id).collect();
    enterprise_ids.sort_unstable();
    enterprise_ids.dedup();
    let max_order: Option<i64> = o::table.select(diesel::dsl::max(o::id)).first(lite)?;
    let max_fulfillment: Option<i64> = f::table.select(diesel::dsl::max(f::id)).first(lite)?;
    let first = max_fulfillment.unwrap_or(0);
    let rows: Vec<(i64, i64, i64)> = pt::table
        .filter(pt::agency_id.eq(agency_id))
        .filter(pt::day.gt(window_start))
        .filter(pt::enterprise_id.eq_any(&enterprise_ids))
        .select((pt::enterprise_id, pt::category_id, pt::total_won))
        .load(lite)?;
    let mut earlier: Vec<PurchaseAmount> = Vec::new();
    for (enterprise_id, category_id, total) in rows {
        match earlier
            .iter_mut()
            .find(|a| a.enterprise_id == enterprise_id && a.category_id == category_id)
        {
            Some(sum) => sum.amount_won += total,
            None => earlier.push(PurchaseAmount {
                enterprise_id,
                category_id,
                amount_won: total,
            }),
        }
    }
    Ok(OrderInputs {
        products,
        order_id: max_order.unwrap_or(0) + 1,
        fulfillment_ids: (1..=enterprise_ids.len() as i64)
            .map(|n| first + n)
            .collect(),
        earlier,
    })
}

/// Writes the order, its fulfillments, lines and `placed` events, takes the stock and adds
/// to today's purchase totals (the caller stores the answer under the key).
pub(crate) fn insert_rows(lite: &mut SqliteConnection, new: &NewOrder) -> DomainResult<()> {
    let order = new.order;
    let lines = order.fulfillments.iter().flat_map(|f| &f.lines);
    let take: Vec<(i64, i64)> = lines
        .clone()
        .filter_map(|l| l.product_id.map(|p| (p, -l.quantity)))
        .collect();
    add_stock(lite, &take)?;
    diesel::insert_into(o::table)
        .values((
            o::id.eq(order.id),
            o::order_no.eq(&order.order_no),
            o::agency_id.eq(order.agency_id),
            o::buyer_id.eq(order.buyer_id),
            o::contract_type.eq(&order.contract_type),
            o::status.eq(order.status.as_str()),
            o::total_won.eq(order.total_won),
            o::delivery_address.eq(&order.delivery.address),
            o::delivery_district.eq(&order.delivery.district),
            o::requested_date.eq(order.delivery.requested_date),
            o::note.eq(&order.note),
            o::warnings.eq(new.warnings_json),
            o::created_at.eq(order.created_at),
        ))
        .execute(lite)?;
    let fulfillment_rows: Vec<_> = order
        .fulfillments
        .iter()
        .map(|fu| {
            (
                f::id.eq(fu.id),
                f::order_id.eq(order.id),
                f::enterprise_id.eq(fu.enterprise_id),
                f::enterprise_name.eq(&fu.enterprise_name),
                f::status.eq(fu.status.as_str()),
                f::subtotal_won.eq(fu.subtotal_won),
                f::commission_bp.eq(new.commission_bp),
                f::commission_won.eq(fu.commission_won),
                f::updated_at.eq(order.created_at),
            )
        })
        .collect();
    diesel::insert_into(f::table)
        .values(&fulfillment_rows)
        .execute(lite)?;
    let line_rows: Vec<_> = lines
        .zip(new.line_categories)
        .map(|(line, category_id)| {
            (
                l::fulfillment_id.eq(line.fulfillment_id),
                l::product_id.eq(line.product_id),
                l::category_id.eq(*category_id),
                l::product_name.eq(&line.product_name),
                l::unit.eq(&line.unit),
                l::unit_price_won.eq(line.unit_price_won),
                l::quantity.eq(line.quantity),
                l::line_total_won.eq(line.line_total_won),
            )
        })
        .collect();
    diesel::insert_into(l::table)
        .values(&line_rows)
        .execute(lite)?;
    let event_rows: Vec<_> = order
        .fulfillments
        .iter()
        .map(|fu| {
            (
                ev::order_id.eq(order.id),
                ev::fulfillment_id.eq(Some(fu.id)),
                ev::actor_id.eq(order.buyer_id),
                ev::to_status.eq(fu.status.as_str()),
                ev::at.eq(order.created_at),
            )
        })
        .collect();
    diesel::insert_into(ev::table)
        .values(&event_rows)
        .execute(lite)?;
    let total_rows: Vec<_> = new
        .amounts
        .iter()
        .map(|a| {
            (
                pt::agency_id.eq(order.agency_id),
                pt::enterprise_id.eq(a.enterprise_id),
                pt::category_id.eq(a.category_id),
                pt::day.eq(new.today),
                pt::total_won.eq(a.amount_won),
            )
        })
        .collect();
    diesel::insert_into(pt::table)
        .values(&total_rows)
        .on_conflict((pt::agency_id, pt::enterprise_id, pt::category_id, pt::day))
        .do_update()
        .set(pt::total_won.eq(pt::total_won + excluded(pt::total_won)))
        .execute(lite)?;
    Ok(())
}

/// Adds each signed quantity to its product's stock in one statement (SQLite; only integers
/// are spliced into the text). Writers are serialised there, and `CHECK (stock >= 0)` stops a
/// take that the caller failed to check.
pub(super) fn add_stock(lite: &mut SqliteConnection, changes: &[(i64, i64)]) -> DomainResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let values = changes
        .iter()
        .map(|(id, q)| format!("SELECT {id} AS id, {q} AS q"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    diesel::sql_query(format!(
        "UPDATE products SET stock = products.stock + v.q FROM ({values}) AS v \
         WHERE products.id = v.id"
    ))
    .execute(lite)?;
    Ok(())
}
