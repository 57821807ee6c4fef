//! Orders, fulfillments and events as clients see them, with the visibility rules: buyers see
//! their agency's orders, enterprise users only orders with their fulfillment and only that
//! fulfillment inside, admins everything; anyone else gets 404.

use crate::model::{Delivery, Event, Fulfillment, Line, Order, Warning};
use crate::status::{order_status, FulfillmentStatus};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_core::{stored, Actor, DomainError, DomainResult, Role};
use muhan_db::schema::{fulfillments as f, order_events as ev, order_lines as l, orders as o};
use muhan_db::DbConn;

#[derive(Queryable, Selectable)]
#[diesel(table_name = f)]
pub(crate) struct FulfillmentRow {
    id: i64,
    order_id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    status: String,
    subtotal_won: i64,
    commission_won: i64,
    settlement_won: Option<i64>,
    reject_reason: Option<String>,
    delivered_at: Option<NaiveDateTime>,
    inspection_due: Option<NaiveDate>,
    payment_claimed_at: Option<NaiveDateTime>,
    payment_due: Option<NaiveDate>,
    paid_at: Option<NaiveDateTime>,
    settled_at: Option<NaiveDateTime>,
}

/// Loads the lines of `rows` (one query) and builds the views.
pub(crate) fn with_lines(
    conn: &mut DbConn,
    rows: Vec<FulfillmentRow>,
) -> DomainResult<Vec<Fulfillment>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines: Vec<Line> = l::table
        .filter(l::fulfillment_id.eq_any(&ids))
        .select((
            l::fulfillment_id,
            l::product_id,
            l::product_name,
            l::unit,
            l::unit_price_won,
            l::quantity,
            l::line_total_won,
        ))
        .order(l::id.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let (mine, rest): (Vec<Line>, Vec<Line>) = std::mem::take(&mut lines)
                .into_iter()
                .partition(|line| line.fulfillment_id == r.id);
            lines = rest;
            Ok(Fulfillment {
                id: r.id,
                order_id: r.order_id,
                enterprise_id: r.enterprise_id,
                enterprise_name: r.enterprise_name,
                status: stored(&r.status)?,
                subtotal_won: r.subtotal_won,
                commission_won: r.commission_won,
                settlement_won: r.settlement_won,
                lines: mine,
                reject_reason: r.reject_reason,
                delivered_at: r.delivered_at,
                inspection_due: r.inspection_due,
                payment_claimed_at: r.payment_claimed_at,
                payment_due: r.payment_due,
                paid_at: r.paid_at,
                settled_at: r.settled_at,
            })
        })
        .collect()
}

/// One fulfillment (no visibility check: callers have made it).
pub fn fulfillment(conn: &mut DbConn, id: i64) -> DomainResult<Fulfillment> {
    let row: FulfillmentRow = f::table
        .find(id)
        .select(FulfillmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("fulfillment".into()))?;
    with_lines(conn, vec![row])?
        .pop()
        .ok_or_else(|| DomainError::NotFound("fulfillment".into()))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = o)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub agency_id: i64,
    pub buyer_id: i64,
    pub contract_type: String,
    pub status: String,
    pub delivery_address: String,
    pub delivery_district: String,
    pub requested_date: NaiveDate,
    pub note: Option<String>,
    pub warnings: String,
    pub created_at: NaiveDateTime,
}

/// Which of an order's fulfillments `actor` may see: all (admin, the agency's buyers), their
/// own (enterprise users), or none (→ 404).
fn visible_enterprise(actor: &Actor, agency_id: i64) -> Result<Option<i64>, ()> {
    match actor.role {
        Role::Admin => Ok(None),
        Role::Buyer if actor.agency_id == Some(agency_id) => Ok(None),
        Role::Enterprise => actor.enterprise_id.map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// Builds order views for rows already filtered to what `actor` may see.
pub(crate) fn orders_for(
    conn: &mut DbConn,
    actor: &Actor,
    rows: Vec<OrderRow>,
) -> DomainResult<Vec<Order>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut query = f::table
        .filter(f::order_id.eq_any(&ids))
        .select(FulfillmentRow::as_select())
        .order(f::id.asc())
        .into_boxed();
    if actor.role == Role::Enterprise {
        query = query.filter(f::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)));
    }
    let rows_f: Vec<FulfillmentRow> = query.load(conn)?;
    let all = with_lines(conn, rows_f)?;
    let own_enterprise = match actor.role {
        Role::Enterprise => Some(actor.enterprise_id.unwrap_or(-1)),
        _ => None,
    };
    rows.into_iter()
        .map(|r| {
            let fulfillments: Vec<Fulfillment> =
                all.iter().filter(|x| x.order_id == r.id).cloned().collect();
            let mut warnings: Vec<Warning> =
                serde_json::from_str(&r.warnings).map_err(DomainError::internal)?;
            // An enterprise sees the order through its own part: its fulfillment, the warnings
            // about itself, and a status derived from that part alone.
            let status = match own_enterprise {
                Some(own) => {
                    warnings.retain(|w| w.enterprise_id == own);
                    let statuses: Vec<FulfillmentStatus> =
                        fulfillments.iter().map(|x| x.status).collect();
                    order_status(&statuses)
                }
                None => stored(&r.status)?,
            };
            Ok(Order {
                id: r.id,
                order_no: r.order_no,
                agency_id: r.agency_id,
                buyer_id: r.buyer_id,
                contract_type: r.contract_type,
                status,
                total_won: fulfillments.iter().map(|x| x.subtotal_won).sum(),
                delivery: Delivery {
                    address: r.delivery_address,
                    district: r.delivery_district,
                    requested_date: r.requested_date,
                },
                note: r.note,
                created_at: r.created_at,
                fulfillments,
                warnings,
            })
        })
        .collect()
}

/// One order as `actor` may see it, else 404.
pub fn order(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<Order> {
    let row: OrderRow = o::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("order".into()))?;
    let own = visible_enterprise(actor, row.agency_id)
        .map_err(|_| DomainError::NotFound("order".into()))?;
    if let Some(enterprise_id) = own {
        let has: Option<i64> = f::table
            .filter(f::order_id.eq(id))
            .filter(f::enterprise_id.eq(enterprise_id))
            .select(f::id)
            .first(conn)
            .optional()?;
        if has.is_none() {
            return Err(DomainError::NotFound("order".into()));
        }
    }
    orders_for(conn, actor, vec![row])?
        .pop()
        .ok_or_else(|| DomainError::NotFound("order".into()))
}

/// The order's events in the order they happened (enterprise users: their fulfillment's).
pub fn events(conn: &mut DbConn, actor: &Actor, order_id: i64) -> DomainResult<Vec<Event>> {
    // The same visibility as the order itself.
    order(conn, actor, order_id)?;
    let mut query = ev::table
        .filter(ev::order_id.eq(order_id))
        .select((
            ev::id,
            ev::at,
            ev::actor_id,
            ev::fulfillment_id,
            ev::from_status,
            ev::to_status,
            ev::note,
        ))
        .order(ev::id.asc())
        .into_boxed();
    if actor.role == Role::Enterprise {
        let mine = f::table
            .filter(f::order_id.eq(order_id))
            .filter(f::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)))
            .select(f::id.nullable());
        query = query.filter(ev::fulfillment_id.eq_any(mine));
    }
    Ok(query.load(conn)?)
}
