//! Placing a catalog order: every line checked, split into one fulfillment per enterprise,
//! names and prices snapshotted, private-contract limits enforced, stock taken with one
//! conditional UPDATE per line, everything in the caller's single transaction.

use crate::lifecycle::{record_event, Change, FulfillmentStatus};
use crate::view::{self, Order, Warning};
use crate::{money, OrderSettings};
use chrono::{Duration, NaiveDate};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use muhan_catalog::districts;
use muhan_core::{
    bounded_text, clock, in_range, stored, Actor, DomainError, DomainResult, EnterpriseKind,
    EnterpriseStatus, FieldErrors, ProductStatus, Role,
};
use muhan_db::schema::{
    enterprises as e, fulfillments as f, order_lines as l, orders as o, products as p,
};
use muhan_db::{Backend, DbConn};
use serde::Deserialize;
use std::collections::HashMap;

pub const MAX_LINES: usize = 100;
const MAX_QUANTITY: i64 = 1_000_000_000;
const SPLIT_PURCHASE_WINDOW_DAYS: i64 = 30;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub product_id: i64,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    pub address: String,
    /// District code from `GET /api/v1/districts`.
    pub district: String,
    /// `YYYY-MM-DD`, today or later.
    pub requested_date: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub lines: Vec<LineRequest>,
    pub delivery: DeliveryRequest,
    pub note: Option<String>,
}

/// An order request whose every field is well-formed (availability and stock are checked
/// against the database when it is placed).
pub struct ParsedOrder {
    lines: Vec<(i64, i64)>,
    address: String,
    district: String,
    requested_date: NaiveDate,
    note: Option<String>,
}

impl OrderRequest {
    pub fn parse(&self, today: NaiveDate) -> DomainResult<ParsedOrder> {
        let mut errors = FieldErrors::new();
        if self.lines.is_empty() {
            errors.push("lines", "must contain at least one line");
        }
        if self.lines.len() > MAX_LINES {
            errors.push("lines", format!("at most {MAX_LINES} lines"));
        }
        let mut seen = HashMap::new();
        for (i, line) in self.lines.iter().enumerate() {
            errors.check(
                &format!("lines[{i}].quantity"),
                in_range(line.quantity, 1, MAX_QUANTITY),
            );
            if let Some(first) = seen.insert(line.product_id, i) {
                errors.push(
                    &format!("lines[{i}].product_id"),
                    format!("repeats lines[{first}]; order the product once"),
                );
            }
        }
        let address = errors.check(
            "delivery.address",
            bounded_text(&self.delivery.address, 1, 200),
        );
        let district = errors.check(
            "delivery.district",
            muhan_core::values::district_code(&self.delivery.district),
        );
        let requested_date =
            match NaiveDate::parse_from_str(self.delivery.requested_date.trim(), "%Y-%m-%d") {
                Ok(d) if d < today => {
                    errors.push("delivery.requested_date", "must not be in the past");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push("delivery.requested_date", "must be a date as YYYY-MM-DD");
                    None
                }
            };
        let note = match &self.note {
            Some(n) => errors.check("note", bounded_text(n, 0, 1000)),
            None => None,
        };
        errors.finish("validation_failed")?;
        match (address, district, requested_date) {
            (Some(address), Some(district), Some(requested_date)) => Ok(ParsedOrder {
                lines: self
                    .lines
                    .iter()
                    .map(|l| (l.product_id, l.quantity))
                    .collect(),
                address,
                district,
                requested_date,
                note,
            }),
            _ => Err(DomainError::internal("unreachable: checked fields")),
        }
    }
}

#[derive(Queryable)]
struct ProductInfo {
    id: i64,
    enterprise_id: i64,
    category_id: i64,
    name: String,
    unit: String,
    price_won: i64,
    min_order_qty: i64,
    status: String,
    enterprise_status: String,
    enterprise_name: String,
    enterprise_kind: String,
}

/// One enterprise's part of the order being placed.
struct Part {
    enterprise_id: i64,
    enterprise_name: String,
    kind: EnterpriseKind,
    /// (product, category, name, unit, unit price, quantity, line total)
    lines: Vec<(i64, i64, String, String, i64, i64, i64)>,
    subtotal: i64,
}

#[derive(QueryableByName)]
struct NextId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The next order id, allocated before the insert so the order number can be derived from it.
/// PostgreSQL: the identity sequence (gap-tolerant, safe across instances); SQLite: writers
/// are serialised by `BEGIN IMMEDIATE`, so MAX + 1 is safe.
fn next_order_id(conn: &mut DbConn) -> DomainResult<i64> {
    let query = match conn.backend() {
        Backend::Postgres => "SELECT nextval(pg_get_serial_sequence('orders', 'id')) AS id",
        Backend::Sqlite => "SELECT COALESCE(MAX(id), 0) + 1 AS id FROM orders",
    };
    Ok(diesel::sql_query(query).get_result::<NextId>(conn)?.id)
}

pub fn order_no(year: i32, id: i64) -> String {
    format!("MH-{year:04}-{id:06}")
}

fn forbidden_buyer() -> DomainError {
    DomainError::forbidden("only active buyers of an agency may place orders")
}

/// Places the order. Run inside one write transaction: any refusal leaves nothing behind.
pub fn place(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    req: &ParsedOrder,
) -> DomainResult<Order> {
    if actor.role != Role::Buyer {
        return Err(forbidden_buyer());
    }
    actor.require_active()?;
    let agency_id = actor.agency_id.ok_or_else(forbidden_buyer)?;
    districts::require(conn, "delivery.district", &req.district)?;

    let ids: Vec<i64> = req.lines.iter().map(|(id, _)| *id).collect();
    let infos: Vec<ProductInfo> = p::table
        .inner_join(e::table)
        .filter(p::id.eq_any(&ids))
        .select((
            p::id,
            p::enterprise_id,
            p::category_id,
            p::name,
            p::unit,
            p::price_won,
            p::min_order_qty,
            p::status,
            e::status,
            e::name,
            e::kind,
        ))
        .load(conn)?;
    let by_id: HashMap<i64, &ProductInfo> = infos.iter().map(|i| (i.id, i)).collect();

    let mut errors = FieldErrors::new();
    let mut parts: Vec<Part> = Vec::new();
    for (i, (product_id, quantity)) in req.lines.iter().enumerate() {
        let Some(info) = by_id.get(product_id) else {
            errors.push(&format!("lines[{i}].product_id"), "no such product");
            continue;
        };
        let public = stored::<ProductStatus>(&info.status)? == ProductStatus::Approved
            && stored::<EnterpriseStatus>(&info.enterprise_status)? == EnterpriseStatus::Verified;
        if !public {
            errors.push(
                &format!("lines[{i}].product_id"),
                "this product cannot be ordered",
            );
            continue;
        }
        if *quantity < info.min_order_qty {
            errors.push(
                &format!("lines[{i}].quantity"),
                format!(
                    "must be at least the minimum order quantity {}",
                    info.min_order_qty
                ),
            );
            continue;
        }
        let total = i128::from(info.price_won) * i128::from(*quantity);
        let total = i64::try_from(total)
            .map_err(|_| DomainError::invalid(format!("lines[{i}].quantity"), "too large"))?;
        let part = match parts
            .iter_mut()
            .position(|p| p.enterprise_id == info.enterprise_id)
        {
            Some(at) => &mut parts[at],
            None => {
                parts.push(Part {
                    enterprise_id: info.enterprise_id,
                    enterprise_name: info.enterprise_name.clone(),
                    kind: stored(&info.enterprise_kind)?,
                    lines: Vec::new(),
                    subtotal: 0,
                });
                let last = parts.len() - 1;
                &mut parts[last]
            }
        };
        part.subtotal = part.subtotal.saturating_add(total);
        part.lines.push((
            info.id,
            info.category_id,
            info.name.clone(),
            info.unit.clone(),
            info.price_won,
            *quantity,
            total,
        ));
    }
    errors.finish("validation_failed")?;

    let mut over = FieldErrors::new();
    for part in &parts {
        let limit = settings.limit_for(part.kind);
        if part.subtotal > limit {
            over.push(
                "lines",
                format!(
                    "{} won from {} exceeds the {} won private-contract limit for a {}; open a procurement request instead",
                    part.subtotal, part.enterprise_name, limit, part.kind
                ),
            );
        }
    }
    over.finish("private_contract_limit_exceeded")?;

    // Take the stock: the conditional UPDATE is what keeps concurrent orders (also from other
    // server processes) from selling more than there is.
    for part in &parts {
        for (product_id, _, name, _, _, quantity, _) in &part.lines {
            let taken = diesel::update(
                p::table
                    .filter(p::id.eq(product_id))
                    .filter(p::stock.ge(quantity)),
            )
            .set(p::stock.eq(p::stock - quantity))
            .execute(conn)?;
            if taken == 0 {
                return Err(DomainError::conflict(
                    "insufficient_stock",
                    format!("not enough stock of product {product_id} ({name}) for {quantity}"),
                ));
            }
        }
    }

    let now = clock::now();
    let warnings = split_purchase_warnings(conn, settings, agency_id, &parts, now)?;
    let id = next_order_id(conn)?;
    let total: i64 = parts.iter().map(|p| p.subtotal).sum();
    diesel::insert_into(o::table)
        .values((
            o::id.eq(id),
            o::order_no.eq(order_no(now.date().year_ce().1 as i32, id)),
            o::agency_id.eq(agency_id),
            o::buyer_id.eq(actor.user_id),
            o::contract_type.eq("catalog"),
            o::status.eq(FulfillmentStatus::Placed.as_str()),
            o::total_won.eq(total),
            o::delivery_address.eq(&req.address),
            o::delivery_district.eq(&req.district),
            o::requested_date.eq(req.requested_date),
            o::note.eq(&req.note),
            o::warnings.eq(serde_json::to_string(&warnings).map_err(DomainError::internal)?),
            o::created_at.eq(now),
        ))
        .execute(conn)?;
    for part in &parts {
        let fulfillment_id: i64 = diesel::insert_into(f::table)
            .values((
                f::order_id.eq(id),
                f::enterprise_id.eq(part.enterprise_id),
                f::enterprise_name.eq(&part.enterprise_name),
                f::status.eq(FulfillmentStatus::Placed.as_str()),
                f::subtotal_won.eq(part.subtotal),
                f::commission_bp.eq(settings.commission_bp),
                f::commission_won.eq(money::commission(part.subtotal, settings.commission_bp)),
                f::updated_at.eq(now),
            ))
            .returning(f::id)
            .get_result(conn)?;
        for (product_id, category_id, name, unit, price, quantity, line_total) in &part.lines {
            diesel::insert_into(l::table)
                .values((
                    l::fulfillment_id.eq(fulfillment_id),
                    l::product_id.eq(product_id),
                    l::category_id.eq(category_id),
                    l::product_name.eq(name),
                    l::unit.eq(unit),
                    l::unit_price_won.eq(price),
                    l::quantity.eq(quantity),
                    l::line_total_won.eq(line_total),
                ))
                .execute(conn)?;
        }
        record_event(
            conn,
            &Change {
                actor_id: actor.user_id,
                order_id: id,
                fulfillment_id,
                from: None,
                to: FulfillmentStatus::Placed,
                note: None,
                at: now,
            },
        )?;
    }
    view::order(conn, actor, id)
}

use chrono::Datelike;

/// `possible_split_purchase`: the agency's catalog purchases from one enterprise in one
/// category within 30 days (this order included) add up past that enterprise's limit.
fn split_purchase_warnings(
    conn: &mut DbConn,
    settings: &OrderSettings,
    agency_id: i64,
    parts: &[Part],
    now: chrono::NaiveDateTime,
) -> DomainResult<Vec<Warning>> {
    let since = now - Duration::days(SPLIT_PURCHASE_WINDOW_DAYS);
    let mut warnings = Vec::new();
    for part in parts {
        let mut by_category: Vec<(i64, i64)> = Vec::new();
        for (_, category_id, _, _, _, _, total) in &part.lines {
            match by_category.iter_mut().find(|(c, _)| c == category_id) {
                Some(entry) => entry.1 += total,
                None => by_category.push((*category_id, *total)),
            }
        }
        let limit = settings.limit_for(part.kind);
        for (category_id, amount) in by_category {
            let earlier: Option<i64> = l::table
                .inner_join(f::table.inner_join(o::table))
                .filter(o::agency_id.eq(agency_id))
                .filter(o::contract_type.eq("catalog"))
                .filter(o::created_at.ge(since))
                .filter(f::enterprise_id.eq(part.enterprise_id))
                .filter(f::status.ne_all([
                    FulfillmentStatus::Rejected.as_str(),
                    FulfillmentStatus::Cancelled.as_str(),
                ]))
                .filter(l::category_id.eq(category_id))
                .select(sql::<Nullable<BigInt>>(
                    "CAST(SUM(order_lines.line_total_won) AS BIGINT)",
                ))
                .first(conn)?;
            let total = earlier.unwrap_or(0) + amount;
            if total > limit {
                warnings.push(Warning {
                    code: "possible_split_purchase".into(),
                    message: format!(
                        "catalog purchases from {} in this category add up to {total} won within {SPLIT_PURCHASE_WINDOW_DAYS} days, over the {limit} won private-contract limit",
                        part.enterprise_name
                    ),
                    enterprise_id: part.enterprise_id,
                    category_id,
                    total_won: total,
                    limit_won: limit,
                });
            }
        }
    }
    Ok(warnings)
}

/// Puts a fulfillment's quantities back on the shelf (reject, cancel).
pub(crate) fn restore_stock(conn: &mut DbConn, fulfillment_id: i64) -> DomainResult<()> {
    let lines: Vec<(i64, i64)> = l::table
        .filter(l::fulfillment_id.eq(fulfillment_id))
        .select((l::product_id, l::quantity))
        .load(conn)?;
    for (product_id, quantity) in lines {
        diesel::update(p::table.find(product_id))
            .set(p::stock.eq(p::stock + quantity))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::order_no;

    #[test]
    fn order_numbers() {
        assert_eq!(order_no(2026, 42), "MH-2026-000042");
        assert_eq!(order_no(2027, 1_234_567), "MH-2027-1234567");
    }
}
