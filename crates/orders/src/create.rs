//! Placing a catalog order: every line checked, split into one fulfillment per enterprise,
//! names and prices snapshotted, private-contract limits enforced, stock checked against the
//! locked product rows and taken, everything in the caller's single transaction.

use crate::idempotency::{self, KeyedRequest};
use crate::lifecycle::FulfillmentStatus;
use crate::split_purchase;
use crate::store::{self, sqlite, NewOrder, OrderInputs, ProductRow, PurchaseAmount};
use crate::view::{Delivery, Fulfillment, Line, Order};
use crate::{money, OrderSettings};
use chrono::Datelike;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_catalog::districts;
use muhan_core::{
    clock, in_range, stored, text, Actor, DomainError, DomainResult, EnterpriseKind,
    EnterpriseStatus, FieldErrors, ProductStatus, Role,
};
use muhan_db::schema::{fulfillments as f, order_lines as l, orders as o, purchase_totals as pt};
use muhan_db::{write_tx, DbConn};
use serde::Deserialize;
use std::collections::HashMap;

pub const MAX_LINES: usize = 100;
const MAX_QUANTITY: i64 = 1_000_000_000;

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
    pub(crate) lines: Vec<(i64, i64)>,
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
            text::line(&self.delivery.address, 1, 200),
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
            Some(n) => errors.check("note", text::free(n, 0, 1000)),
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

/// One enterprise's part of the order being placed.
pub(crate) struct Part {
    pub(crate) enterprise_id: i64,
    pub(crate) enterprise_name: String,
    pub(crate) kind: EnterpriseKind,
    pub(crate) lines: Vec<PartLine>,
    pub(crate) subtotal: i64,
}

pub(crate) struct PartLine {
    pub(crate) product_id: i64,
    pub(crate) category_id: i64,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) unit_price_won: i64,
    pub(crate) quantity: i64,
    pub(crate) line_total_won: i64,
}

pub fn order_no(year: i32, id: i64) -> String {
    format!("MH-{year:04}-{id:06}")
}

fn forbidden_buyer() -> DomainError {
    DomainError::forbidden("only active buyers of an agency may place orders")
}

/// The answer to an order request made under an idempotency key, placing orders one at a
/// time (SQLite; PostgreSQL places them in batches, `crate::batch`): the stored answer when
/// the key was used before (422 if with another body), else the newly placed order (201),
/// stored under the key. `parse` runs only when the order is new.
///
/// New keys are the common case, so the order is attempted first, in one `BEGIN IMMEDIATE`
/// transaction: storing its key fails when the key exists, and so does any refusal; only
/// then is the stored answer looked up (a retried request must get its first answer even if
/// it would now be refused, say for a delivery date that has passed).
pub fn place_keyed(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    keyed: &KeyedRequest,
    parse: impl FnOnce() -> DomainResult<ParsedOrder>,
) -> DomainResult<(u16, String)> {
    let attempted = write_tx(conn, |c| place(c, settings, actor, &parse()?, keyed));
    match attempted {
        Ok(body) => Ok((201, body)),
        Err(refused) => {
            match idempotency::lookup(conn, keyed.user_id, keyed.key, keyed.fingerprint)? {
                Some(replay) => Ok(replay),
                None => Err(refused),
            }
        }
    }
}

/// Places the order and stores the answer under the request's idempotency key; returns that
/// answer (the order as JSON). Writers are serialised, so the stock read is exact. Any
/// refusal leaves nothing behind (the caller's transaction).
fn place(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    req: &ParsedOrder,
    keyed: &KeyedRequest,
) -> DomainResult<String> {
    let agency_id = ordering_agency(conn, actor, req)?;
    let DbConn::Sqlite(lite) = conn else {
        return Err(DomainError::internal(
            "orders are placed one at a time on SQLite only",
        ));
    };
    let ids: Vec<i64> = req.lines.iter().map(|(id, _)| *id).collect();
    let now = clock::now();
    let window_start = split_purchase::window_start(now.date());
    let inputs = sqlite::order_inputs(lite, &ids, agency_id, window_start)?;
    let prepared = prepare(settings, actor, agency_id, req, &inputs, now)?;
    sqlite::insert_rows(lite, &prepared.new_order(settings, keyed))?;
    idempotency::store(conn, keyed, 201, &prepared.response_body)?;
    Ok(prepared.response_body)
}

/// The agency an order is placed for: the caller's, if they are an active buyer; also checks
/// the delivery district against the reference table.
pub(crate) fn ordering_agency(
    conn: &mut DbConn,
    actor: &Actor,
    req: &ParsedOrder,
) -> DomainResult<i64> {
    if actor.role != Role::Buyer {
        return Err(forbidden_buyer());
    }
    actor.require_active()?;
    let agency_id = actor.agency_id.ok_or_else(forbidden_buyer)?;
    districts::require(conn, "delivery.district", &req.district)?;
    Ok(agency_id)
}

/// An order checked against what was read and ready to be written, with its answer.
pub(crate) struct Prepared {
    pub(crate) order: Order,
    pub(crate) line_categories: Vec<i64>,
    pub(crate) amounts: Vec<PurchaseAmount>,
    pub(crate) warnings_json: String,
    pub(crate) response_body: String,
    pub(crate) today: NaiveDate,
}

impl Prepared {
    pub(crate) fn new_order<'a>(
        &'a self,
        settings: &OrderSettings,
        keyed: &'a KeyedRequest<'a>,
    ) -> NewOrder<'a> {
        NewOrder {
            order: &self.order,
            commission_bp: settings.commission_bp,
            line_categories: &self.line_categories,
            amounts: &self.amounts,
            today: self.today,
            warnings_json: &self.warnings_json,
            keyed,
            response_body: &self.response_body,
        }
    }
}

/// Checks every line against the products read, splits the order by enterprise, applies the
/// private-contract limits and the split-purchase warning, and renders the answer.
pub(crate) fn prepare(
    settings: &OrderSettings,
    actor: &Actor,
    agency_id: i64,
    req: &ParsedOrder,
    inputs: &OrderInputs,
    now: NaiveDateTime,
) -> DomainResult<Prepared> {
    let today = now.date();
    let products = &inputs.products;
    let parts = split_by_enterprise(req, products)?;
    check_limits(settings, &parts)?;
    if let Some(short) = short_line(req, products) {
        return Err(insufficient(products, short));
    }
    if inputs.fulfillment_ids.len() != parts.len() {
        return Err(DomainError::internal(
            "one fulfillment id per enterprise expected",
        ));
    }
    let (id, fulfillment_ids) = (inputs.order_id, &inputs.fulfillment_ids);
    let amounts = split_purchase::amounts(&parts);
    let warnings = split_purchase::warnings(settings, &parts, &amounts, &inputs.earlier);
    let mut line_categories = Vec::with_capacity(req.lines.len());
    let fulfillments = parts
        .iter()
        .zip(fulfillment_ids)
        .map(|(part, fid)| {
            line_categories.extend(part.lines.iter().map(|l| l.category_id));
            fulfillment_view(part, *fid, id, settings.commission_bp)
        })
        .collect();
    let order = Order {
        id,
        order_no: order_no(today.year(), id),
        agency_id,
        buyer_id: actor.user_id,
        contract_type: "catalog".into(),
        status: FulfillmentStatus::Placed,
        total_won: parts.iter().map(|p| p.subtotal).sum(),
        delivery: Delivery {
            address: req.address.clone(),
            district: req.district.clone(),
            requested_date: req.requested_date,
        },
        note: req.note.clone(),
        created_at: now,
        fulfillments,
        warnings,
    };
    let response_body = serde_json::to_string(&order).map_err(DomainError::internal)?;
    let warnings_json = serde_json::to_string(&order.warnings).map_err(DomainError::internal)?;
    Ok(Prepared {
        order,
        line_categories,
        amounts,
        warnings_json,
        response_body,
        today,
    })
}

fn fulfillment_view(part: &Part, id: i64, order_id: i64, commission_bp: i64) -> Fulfillment {
    Fulfillment {
        id,
        order_id,
        enterprise_id: part.enterprise_id,
        enterprise_name: part.enterprise_name.clone(),
        status: FulfillmentStatus::Placed,
        subtotal_won: part.subtotal,
        commission_won: money::commission(part.subtotal, commission_bp),
        settlement_won: None,
        lines: part
            .lines
            .iter()
            .map(|line| Line {
                fulfillment_id: id,
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
    }
}

/// Checks every line against the catalog and groups the lines by enterprise, in the order the
/// enterprises first appear.
fn split_by_enterprise(req: &ParsedOrder, infos: &[ProductRow]) -> DomainResult<Vec<Part>> {
    let by_id: HashMap<i64, &ProductRow> = infos.iter().map(|i| (i.id, i)).collect();
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

/// The first line whose product has less stock than it asks for.
pub(crate) fn short_line(req: &ParsedOrder, products: &[ProductRow]) -> Option<i64> {
    req.lines.iter().find_map(|(id, quantity)| {
        products
            .iter()
            .any(|p| p.id == *id && p.stock < *quantity)
            .then_some(*id)
    })
}

/// 409 `insufficient_stock` naming the product.
pub(crate) fn insufficient(products: &[ProductRow], product_id: i64) -> DomainError {
    let name = products
        .iter()
        .find(|p| p.id == product_id)
        .map_or("", |p| p.name.as_str());
    DomainError::conflict(
        "insufficient_stock",
        format!("not enough stock of product {product_id} ({name})"),
    )
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
    store::restore_stock(conn, &stock)?;
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
    // In key order, as placing orders upserts them (no deadlock between them).
    by_category.sort_unstable();
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
