//! Placing a catalog order: every line checked, split into one fulfillment per enterprise,
//! names and prices snapshotted, private-contract limits enforced, stock checked against the
//! locked product rows and taken, everything in the caller's single transaction.

use crate::idempotency::{self, KeyedRequest};
use crate::model::{Delivery, Fulfillment, Line, Order, Part, PartLine};
use crate::request::ParsedOrder;
use crate::split_purchase;
use crate::status::FulfillmentStatus;
use crate::store::{self, sqlite, NewOrder, OrderInputs, ProductRow, PurchaseAmount};
use crate::{money, OrderSettings};
use chrono::Datelike;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_catalog::districts;
use muhan_core::ErrorCode;
use muhan_core::{
    clock, stored, Actor, DomainError, DomainResult, EnterpriseStatus, FieldErrors, ProductStatus,
    Role,
};
use muhan_db::{write_tx, DbConn};
use std::collections::HashMap;

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
    let lite = store::sqlite(conn)?;
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
                product_id: Some(line.product_id),
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
    errors.finish(ErrorCode::ValidationFailed)?;
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
    over.finish(ErrorCode::PrivateContractLimitExceeded)
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
    insufficient_named(product_id, name)
}

/// 409 `insufficient_stock` naming the product, read from the catalog.
pub(crate) fn insufficient_product(
    conn: &mut DbConn,
    product_id: i64,
) -> DomainResult<DomainError> {
    use muhan_db::schema::products as p;
    let name: Option<String> = p::table
        .find(product_id)
        .select(p::name)
        .first(conn)
        .optional()?;
    Ok(insufficient_named(
        product_id,
        name.as_deref().unwrap_or(""),
    ))
}

fn insufficient_named(product_id: i64, name: &str) -> DomainError {
    DomainError::conflict(
        ErrorCode::InsufficientStock,
        format!("not enough stock of product {product_id} ({name})"),
    )
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
