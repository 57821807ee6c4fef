//! Writing the order that awarded quotes become (`contract_type: "rfq"`): one fulfillment per
//! awarded quote, with the same commission, events, lifecycle and settlement as a catalog
//! order; stock taken for quotes of catalog products; amounts added to the running
//! split-purchase totals. Runs inside the caller's write transaction; the caller has already
//! applied the award's rules (limits, sealing, one award per request).

use crate::create::{insufficient_product, order_no};
use crate::model::{Delivery, Fulfillment, Line, Order};
use crate::status::FulfillmentStatus;
use crate::store::{self, PurchaseAmount};
use crate::{money, OrderSettings};
use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use muhan_core::DomainResult;
use muhan_db::schema::{
    fulfillments as f, order_events as ev, order_lines as l, orders as o, products as p,
};
use muhan_db::DbConn;

/// One awarded quote: the enterprise's part of the order.
#[derive(Debug, Clone)]
pub struct AwardedPart {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// The catalog product quoted, whose stock the award takes; `None` for made-to-order.
    pub product_id: Option<i64>,
    /// The classification the purchase is counted in (the product's, else the request's).
    pub category_id: i64,
    pub product_name: String,
    pub unit: String,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub subtotal_won: i64,
}

/// An award to write as an order.
#[derive(Debug, Clone)]
pub struct AwardedOrder {
    pub agency_id: i64,
    pub buyer_id: i64,
    pub delivery: Delivery,
    pub note: Option<String>,
    pub parts: Vec<AwardedPart>,
}

/// Writes the order and answers it as the buyer sees it. Stock is taken by conditional
/// updates in product id order (the order catalog placement locks products in), so no
/// interleaving oversells; a short product refuses the whole award with 409
/// `insufficient_stock`.
pub fn place(
    conn: &mut DbConn,
    settings: &OrderSettings,
    award: &AwardedOrder,
    now: NaiveDateTime,
) -> DomainResult<Order> {
    take_stock(conn, &award.parts)?;
    let total_won = award.parts.iter().map(|p| p.subtotal_won).sum();
    let pending_no = format!(
        "MH-pending-{}-{}",
        award.buyer_id,
        now.and_utc().timestamp_micros()
    );
    let order_id: i64 = diesel::insert_into(o::table)
        .values((
            o::order_no.eq(&pending_no),
            o::agency_id.eq(award.agency_id),
            o::buyer_id.eq(award.buyer_id),
            o::contract_type.eq("rfq"),
            o::status.eq(FulfillmentStatus::Placed.as_str()),
            o::total_won.eq(total_won),
            o::delivery_address.eq(&award.delivery.address),
            o::delivery_district.eq(&award.delivery.district),
            o::requested_date.eq(award.delivery.requested_date),
            o::note.eq(&award.note),
            o::warnings.eq("[]"),
            o::created_at.eq(now),
        ))
        .returning(o::id)
        .get_result(conn)?;
    let number = order_no(now.year(), order_id);
    diesel::update(o::table.find(order_id))
        .set(o::order_no.eq(&number))
        .execute(conn)?;
    let mut fulfillments = Vec::with_capacity(award.parts.len());
    for part in &award.parts {
        fulfillments.push(insert_fulfillment(
            conn, settings, award, part, order_id, now,
        )?);
    }
    let amounts = amounts(&award.parts);
    store::add_purchase_totals(conn, award.agency_id, now.date(), &amounts)?;
    Ok(Order {
        id: order_id,
        order_no: number,
        agency_id: award.agency_id,
        buyer_id: award.buyer_id,
        contract_type: "rfq".into(),
        status: FulfillmentStatus::Placed,
        total_won,
        delivery: award.delivery.clone(),
        note: award.note.clone(),
        created_at: now,
        fulfillments,
        warnings: Vec::new(),
    })
}

fn insert_fulfillment(
    conn: &mut DbConn,
    settings: &OrderSettings,
    award: &AwardedOrder,
    part: &AwardedPart,
    order_id: i64,
    now: NaiveDateTime,
) -> DomainResult<Fulfillment> {
    let commission_won = money::commission(part.subtotal_won, settings.commission_bp);
    let id: i64 = diesel::insert_into(f::table)
        .values((
            f::order_id.eq(order_id),
            f::enterprise_id.eq(part.enterprise_id),
            f::enterprise_name.eq(&part.enterprise_name),
            f::status.eq(FulfillmentStatus::Placed.as_str()),
            f::subtotal_won.eq(part.subtotal_won),
            f::commission_bp.eq(settings.commission_bp),
            f::commission_won.eq(commission_won),
            f::updated_at.eq(now),
        ))
        .returning(f::id)
        .get_result(conn)?;
    diesel::insert_into(l::table)
        .values((
            l::fulfillment_id.eq(id),
            l::product_id.eq(part.product_id),
            l::category_id.eq(part.category_id),
            l::product_name.eq(&part.product_name),
            l::unit.eq(&part.unit),
            l::unit_price_won.eq(part.unit_price_won),
            l::quantity.eq(part.quantity),
            l::line_total_won.eq(part.subtotal_won),
        ))
        .execute(conn)?;
    diesel::insert_into(ev::table)
        .values((
            ev::order_id.eq(order_id),
            ev::fulfillment_id.eq(Some(id)),
            ev::actor_id.eq(award.buyer_id),
            ev::to_status.eq(FulfillmentStatus::Placed.as_str()),
            ev::at.eq(now),
        ))
        .execute(conn)?;
    Ok(Fulfillment {
        id,
        order_id,
        enterprise_id: part.enterprise_id,
        enterprise_name: part.enterprise_name.clone(),
        status: FulfillmentStatus::Placed,
        subtotal_won: part.subtotal_won,
        commission_won,
        settlement_won: None,
        lines: vec![Line {
            fulfillment_id: id,
            product_id: part.product_id,
            product_name: part.product_name.clone(),
            unit: part.unit.clone(),
            unit_price_won: part.unit_price_won,
            quantity: part.quantity,
            line_total_won: part.subtotal_won,
        }],
        reject_reason: None,
        delivered_at: None,
        inspection_due: None,
        payment_claimed_at: None,
        payment_due: None,
        paid_at: None,
        settled_at: None,
    })
}

/// Takes each quoted product's stock, in product id order; nothing is taken (the caller's
/// transaction rolls back) when one is short.
fn take_stock(conn: &mut DbConn, parts: &[AwardedPart]) -> DomainResult<()> {
    let mut taking: Vec<(i64, i64)> = Vec::new();
    for part in parts {
        if let Some(product_id) = part.product_id {
            match taking.iter_mut().find(|(id, _)| *id == product_id) {
                Some(entry) => entry.1 += part.quantity,
                None => taking.push((product_id, part.quantity)),
            }
        }
    }
    taking.sort_unstable();
    for (product_id, quantity) in taking {
        let taken = diesel::update(
            p::table
                .filter(p::id.eq(product_id))
                .filter(p::stock.ge(quantity)),
        )
        .set(p::stock.eq(p::stock - quantity))
        .execute(conn)?;
        if taken != 1 {
            return Err(insufficient_product(conn, product_id)?);
        }
    }
    Ok(())
}

/// The award's amounts per enterprise and category, in key order.
fn amounts(parts: &[AwardedPart]) -> Vec<PurchaseAmount> {
    let mut amounts: Vec<PurchaseAmount> = Vec::new();
    for part in parts {
        match amounts
            .iter_mut()
            .find(|a| a.enterprise_id == part.enterprise_id && a.category_id == part.category_id)
        {
            Some(entry) => entry.amount_won += part.subtotal_won,
            None => amounts.push(PurchaseAmount {
                enterprise_id: part.enterprise_id,
                category_id: part.category_id,
                amount_won: part.subtotal_won,
            }),
        }
    }
    amounts.sort_unstable_by_key(|a| (a.enterprise_id, a.category_id));
    amounts
}
