//! Placing a catalog order: every line checked, split into one fulfillment per enterprise,
//! names and prices snapshotted, private-contract limits enforced, stock taken with one
//! conditional UPDATE per line, everything in the caller's single transaction.

use crate::lifecycle::FulfillmentStatus;
use crate::view::{Delivery, Fulfillment, Line, Order, Warning};
use crate::{money, OrderSettings};
use chrono::Datelike;
use chrono::{Duration, NaiveDate};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel::upsert::excluded;
use muhan_catalog::districts;
use muhan_core::{
    bounded_text, clock, in_range, stored, Actor, DomainError, DomainResult, EnterpriseKind,
    EnterpriseStatus, FieldErrors, ProductStatus, Role,
};
use muhan_db::schema::{
    enterprises as e, fulfillments as f, order_events as ev, order_lines as l, orders as o,
    products as p, purchase_totals as pt,
};
use muhan_db::{on_backend, Backend, DbConn};
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
    lines: Vec<PartLine>,
    subtotal: i64,
}

struct PartLine {
    product_id: i64,
    category_id: i64,
    name: String,
    unit: String,
    unit_price_won: i64,
    quantity: i64,
    line_total_won: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// `n` fresh ids for `table`, ascending, allocated before the insert (so that the order number
/// and the lines can refer to them without reading them back). PostgreSQL: the identity
/// sequence (gap-tolerant, safe across instances); SQLite: writers are serialised by
/// `BEGIN IMMEDIATE`, so MAX + 1 … MAX + n is safe.
fn allocate_ids(conn: &mut DbConn, table: &str, n: usize) -> DomainResult<Vec<i64>> {
    let mut ids: Vec<i64> = match conn.backend() {
        Backend::Postgres => diesel::sql_query(format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, {n})"
        ))
        .load::<Id>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect(),
        Backend::Sqlite => {
            let max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
                .get_result::<Id>(conn)?
                .id;
            (1..=n as i64).map(|i| max + i).collect()
        }
    };
    ids.sort_unstable();
    Ok(ids)
}

pub fn order_no(year: i32, id: i64) -> String {
    format!("MH-{year:04}-{id:06}")
}

/// Adds `sign × quantity` to the stock of each product in one statement. Taking stock
/// (`sign = -1`) only touches rows that have enough, so the number of rows changed tells
/// whether every line was served. On PostgreSQL the rows are first locked in id order, so
/// concurrent orders over the same products queue instead of deadlocking.
pub(crate) fn adjust_stock(
    conn: &mut DbConn,
    lines: &[(i64, i64)],
    sign: i64,
) -> DomainResult<bool> {
    if lines.is_empty() {
        return Ok(true);
    }
    let mut lines = lines.to_vec();
    lines.sort_unstable();
    // Only integers are spliced into the SQL text.
    let ids = lines
        .iter()
        .map(|(id, _)| id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let values = lines
        .iter()
        .map(|(id, q)| format!("SELECT {id} AS id, {q} AS q"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    if conn.backend() == Backend::Postgres {
        diesel::sql_query(format!(
            "SELECT id FROM products WHERE id IN ({ids}) ORDER BY id FOR UPDATE"
        ))
        .execute(conn)?;
    }
    let guard = if sign < 0 {
        " AND products.stock >= v.q"
    } else {
        ""
    };
    let changed = diesel::sql_query(format!(
        "UPDATE products SET stock = products.stock + ({sign}) * v.q FROM ({values}) AS v \
         WHERE products.id = v.id{guard}"
    ))
    .execute(conn)?;
    Ok(changed == lines.len())
}

fn forbidden_buyer() -> DomainError {
    DomainError::forbidden("only active buyers of an agency may place orders")
}

/// Places the order. Run inside one write transaction: any refusal leaves nothing behind.
/// About a dozen statements whatever the number of lines (see the README's benchmark).
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
    let parts = split_by_enterprise(req, &infos)?;
    check_limits(settings, &parts)?;

    let wanted: Vec<(i64, i64)> = req.lines.clone();
    if !adjust_stock(conn, &wanted, -1)? {
        return Err(insufficient(conn, &wanted, &infos)?);
    }

    let now = clock::now();
    let warnings = split_purchase_check(conn, settings, agency_id, &parts, now.date())?;
    let id = allocate_ids(conn, "orders", 1)?
        .first()
        .copied()
        .ok_or_else(|| DomainError::internal("no order id allocated"))?;
    let fulfillment_ids = allocate_ids(conn, "fulfillments", parts.len())?;
    let total: i64 = parts.iter().map(|p| p.subtotal).sum();
    let order_no = order_no(now.date().year(), id);
    let warnings_json = serde_json::to_string(&warnings).map_err(DomainError::internal)?;
    diesel::insert_into(o::table)
        .values((
            o::id.eq(id),
            o::order_no.eq(&order_no),
            o::agency_id.eq(agency_id),
            o::buyer_id.eq(actor.user_id),
            o::contract_type.eq("catalog"),
            o::status.eq(FulfillmentStatus::Placed.as_str()),
            o::total_won.eq(total),
            o::delivery_address.eq(&req.address),
            o::delivery_district.eq(&req.district),
            o::requested_date.eq(req.requested_date),
            o::note.eq(&req.note),
            o::warnings.eq(&warnings_json),
            o::created_at.eq(now),
        ))
        .execute(conn)?;

    let mut fulfillment_rows = Vec::new();
    let mut line_rows = Vec::new();
    let mut event_rows = Vec::new();
    let mut views = Vec::new();
    for (part, fid) in parts.iter().zip(&fulfillment_ids) {
        let commission = money::commission(part.subtotal, settings.commission_bp);
        fulfillment_rows.push((
            f::id.eq(*fid),
            f::order_id.eq(id),
            f::enterprise_id.eq(part.enterprise_id),
            f::enterprise_name.eq(part.enterprise_name.clone()),
            f::status.eq(FulfillmentStatus::Placed.as_str()),
            f::subtotal_won.eq(part.subtotal),
            f::commission_bp.eq(settings.commission_bp),
            f::commission_won.eq(commission),
            f::updated_at.eq(now),
        ));
        for line in &part.lines {
            line_rows.push((
                l::fulfillment_id.eq(*fid),
                l::product_id.eq(line.product_id),
                l::category_id.eq(line.category_id),
                l::product_name.eq(line.name.clone()),
                l::unit.eq(line.unit.clone()),
                l::unit_price_won.eq(line.unit_price_won),
                l::quantity.eq(line.quantity),
                l::line_total_won.eq(line.line_total_won),
            ));
        }
        event_rows.push((
            ev::order_id.eq(id),
            ev::fulfillment_id.eq(Some(*fid)),
            ev::actor_id.eq(actor.user_id),
            ev::from_status.eq(None::<&str>),
            ev::to_status.eq(FulfillmentStatus::Placed.as_str()),
            ev::note.eq(None::<&str>),
            ev::at.eq(now),
        ));
        views.push(Fulfillment {
            id: *fid,
            order_id: id,
            enterprise_id: part.enterprise_id,
            enterprise_name: part.enterprise_name.clone(),
            status: FulfillmentStatus::Placed,
            subtotal_won: part.subtotal,
            commission_won: commission,
            settlement_won: None,
            lines: part
                .lines
                .iter()
                .map(|line| Line {
                    fulfillment_id: *fid,
                    product_id: line.product_id,
                    product_name: line.name.clone(),
                    unit: line.unit.clone(),
                    unit_price_won: line.unit_price_won,
                    quantity: line.quantity,
                    line_total_won: line.line_total_won,
                })
                .collect(),
            reject_reason: None,
            delivered_at: None,
            inspection_due: None,
            payment_claimed_at: None,
            payment_due: None,
            paid_at: None,
            settled_at: None,
        });
    }
    // Multi-row inserts are written per backend (the multi-backend enum has no batch insert).
    on_backend!(conn, |c| diesel::insert_into(f::table)
        .values(&fulfillment_rows)
        .execute(c))?;
    on_backend!(conn, |c| diesel::insert_into(l::table)
        .values(&line_rows)
        .execute(c))?;
    on_backend!(conn, |c| diesel::insert_into(ev::table)
        .values(&event_rows)
        .execute(c))?;

    Ok(Order {
        id,
        order_no,
        agency_id,
        buyer_id: actor.user_id,
        contract_type: "catalog".into(),
        status: FulfillmentStatus::Placed,
        total_won: total,
        delivery: Delivery {
            address: req.address.clone(),
            district: req.district.clone(),
            requested_date: req.requested_date,
        },
        note: req.note.clone(),
        created_at: now,
        fulfillments: views,
        warnings,
    })
}

/// Checks every line against the catalog and groups the lines by enterprise, in the order the
/// enterprises first appear.
fn split_by_enterprise(req: &ParsedOrder, infos: &[ProductInfo]) -> DomainResult<Vec<Part>> {
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
        let Ok(total) = i64::try_from(i128::from(info.price_won) * i128::from(*quantity)) else {
            errors.push(&format!("lines[{i}].quantity"), "too large");
            continue;
        };
        let at = match parts
            .iter()
            .position(|p| p.enterprise_id == info.enterprise_id)
        {
            Some(at) => at,
            None => {
                parts.push(Part {
                    enterprise_id: info.enterprise_id,
                    enterprise_name: info.enterprise_name.clone(),
                    kind: stored(&info.enterprise_kind)?,
                    lines: Vec::new(),
                    subtotal: 0,
                });
                parts.len() - 1
            }
        };
        let part = &mut parts[at];
        part.subtotal = part.subtotal.saturating_add(total);
        part.lines.push(PartLine {
            product_id: info.id,
            category_id: info.category_id,
            name: info.name.clone(),
            unit: info.unit.clone(),
            unit_price_won: info.price_won,
            quantity: *quantity,
            line_total_won: total,
        });
    }
    errors.finish("validation_failed")?;
    Ok(parts)
}

/// 422 `private_contract_limit_exceeded` when a fulfillment is over its enterprise kind's limit.
fn check_limits(settings: &OrderSettings, parts: &[Part]) -> DomainResult<()> {
    let mut over = FieldErrors::new();
    for part in parts {
        let limit = settings.limit_for(part.kind);
        if part.subtotal > limit {
            over.push(
                "lines",
                format!(
                    "{} won from {} exceeds the {limit} won private-contract limit for a {}; open a procurement request instead",
                    part.subtotal, part.enterprise_name, part.kind
                ),
            );
        }
    }
    over.finish("private_contract_limit_exceeded")
}

/// The 409 for an order some line of which cannot be served, naming the first such product.
fn insufficient(
    conn: &mut DbConn,
    wanted: &[(i64, i64)],
    infos: &[ProductInfo],
) -> DomainResult<DomainError> {
    let ids: Vec<i64> = wanted.iter().map(|(id, _)| *id).collect();
    let stock: HashMap<i64, i64> = p::table
        .filter(p::id.eq_any(&ids))
        .select((p::id, p::stock))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let short = wanted
        .iter()
        .find(|(id, q)| stock.get(id).is_none_or(|s| s < q))
        .or_else(|| wanted.first());
    let detail = match short {
        Some((id, q)) => {
            let name = infos
                .iter()
                .find(|i| i.id == *id)
                .map_or("", |i| i.name.as_str());
            format!("not enough stock of product {id} ({name}) for {q}")
        }
        None => "not enough stock".into(),
    };
    Ok(DomainError::conflict("insufficient_stock", detail))
}

/// `possible_split_purchase`: the agency's catalog purchases from one enterprise in one
/// category within 30 days (this order included) add up past that enterprise's limit. Reads
/// and then updates the per-day running totals.
fn split_purchase_check(
    conn: &mut DbConn,
    settings: &OrderSettings,
    agency_id: i64,
    parts: &[Part],
    today: NaiveDate,
) -> DomainResult<Vec<Warning>> {
    let mut amounts: Vec<(i64, i64, i64, i64)> = Vec::new(); // enterprise, category, amount, limit
    for part in parts {
        for line in &part.lines {
            match amounts
                .iter_mut()
                .find(|a| a.0 == part.enterprise_id && a.1 == line.category_id)
            {
                Some(entry) => entry.2 += line.line_total_won,
                None => amounts.push((
                    part.enterprise_id,
                    line.category_id,
                    line.line_total_won,
                    settings.limit_for(part.kind),
                )),
            }
        }
    }
    let enterprise_ids: Vec<i64> = parts.iter().map(|p| p.enterprise_id).collect();
    let earlier: Vec<(i64, i64, Option<i64>)> = pt::table
        .filter(pt::agency_id.eq(agency_id))
        .filter(pt::day.gt(today - Duration::days(SPLIT_PURCHASE_WINDOW_DAYS)))
        .filter(pt::enterprise_id.eq_any(&enterprise_ids))
        .group_by((pt::enterprise_id, pt::category_id))
        .select((
            pt::enterprise_id,
            pt::category_id,
            sql::<Nullable<BigInt>>("CAST(SUM(purchase_totals.total_won) AS BIGINT)"),
        ))
        .load(conn)?;
    let rows: Vec<_> = amounts
        .iter()
        .map(|(enterprise_id, category_id, amount, _)| {
            (
                pt::agency_id.eq(agency_id),
                pt::enterprise_id.eq(*enterprise_id),
                pt::category_id.eq(*category_id),
                pt::day.eq(today),
                pt::total_won.eq(*amount),
            )
        })
        .collect();
    on_backend!(conn, |c| diesel::insert_into(pt::table)
        .values(&rows)
        .on_conflict((pt::agency_id, pt::enterprise_id, pt::category_id, pt::day))
        .do_update()
        .set(pt::total_won.eq(pt::total_won + excluded(pt::total_won)))
        .execute(c))?;
    let names: HashMap<i64, &str> = parts
        .iter()
        .map(|p| (p.enterprise_id, p.enterprise_name.as_str()))
        .collect();
    Ok(amounts
        .into_iter()
        .filter_map(|(enterprise_id, category_id, amount, limit)| {
            let before = earlier
                .iter()
                .find(|(e, c, _)| *e == enterprise_id && *c == category_id)
                .and_then(|(_, _, sum)| *sum)
                .unwrap_or(0);
            let total = before + amount;
            (total > limit).then(|| Warning {
                code: "possible_split_purchase".into(),
                message: format!(
                    "catalog purchases from {} in this category add up to {total} won within {SPLIT_PURCHASE_WINDOW_DAYS} days, over the {limit} won private-contract limit",
                    names.get(&enterprise_id).copied().unwrap_or_default()
                ),
                enterprise_id,
                category_id,
                total_won: total,
                limit_won: limit,
            })
        })
        .collect())
}

/// Puts a refused or cancelled fulfillment back: its stock, and its amounts in the running
/// totals of the split-purchase check.
pub(crate) fn release(conn: &mut DbConn, fulfillment_id: i64) -> DomainResult<()> {
    let lines: Vec<(i64, i64, i64, i64)> = l::table
        .filter(l::fulfillment_id.eq(fulfillment_id))
        .select((
            l::product_id,
            l::quantity,
            l::category_id,
            l::line_total_won,
        ))
        .load(conn)?;
    let stock: Vec<(i64, i64)> = lines.iter().map(|(p, q, _, _)| (*p, *q)).collect();
    adjust_stock(conn, &stock, 1)?;
    let (agency_id, enterprise_id, contract_type, created_at): (
        i64,
        i64,
        String,
        chrono::NaiveDateTime,
    ) = f::table
        .inner_join(o::table)
        .filter(f::id.eq(fulfillment_id))
        .select((
            o::agency_id,
            f::enterprise_id,
            o::contract_type,
            o::created_at,
        ))
        .first(conn)?;
    if contract_type != "catalog" {
        return Ok(());
    }
    let mut by_category: Vec<(i64, i64)> = Vec::new();
    for (_, _, category_id, total) in &lines {
        match by_category.iter_mut().find(|(c, _)| c == category_id) {
            Some(entry) => entry.1 += total,
            None => by_category.push((*category_id, *total)),
        }
    }
    for (category_id, amount) in by_category {
        diesel::update(pt::table.find((agency_id, enterprise_id, category_id, created_at.date())))
            .set(pt::total_won.eq(pt::total_won - amount))
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
