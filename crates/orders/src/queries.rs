//! Lists: orders, fulfillments (with overdue filters) and settlements.

use crate::model::{Fulfillment, Order};
use crate::status::FulfillmentStatus;
use crate::view::{self, FulfillmentRow, OrderRow};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use muhan_core::cursor::split_page;
use muhan_core::{clock, Actor, DomainError, DomainResult, Role};
use muhan_db::schema::{fulfillments as f, orders as o};
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

/// The first instant after the day `to` (inclusive date ranges end there).
fn day_after(to: NaiveDate) -> NaiveDateTime {
    (to + Duration::days(1)).and_time(NaiveTime::MIN)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OrderListParams {
    /// The order's derived status.
    pub status: Option<FulfillmentStatus>,
    /// Orders placed on or after this date (`YYYY-MM-DD`).
    pub from: Option<NaiveDate>,
    /// Orders placed on or before this date.
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Orders visible to `actor`, newest first, after order id `before`.
pub fn orders(
    conn: &mut DbConn,
    actor: &Actor,
    params: &OrderListParams,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<(Vec<Order>, bool)> {
    let mut query = o::table
        .select(OrderRow::as_select())
        .order(o::id.desc())
        .limit(limit + 1)
        .into_boxed();
    match actor.role {
        Role::Admin | Role::Buyer => {
            if actor.role == Role::Buyer {
                query = query.filter(o::agency_id.eq(actor.agency_id.unwrap_or(-1)));
            }
            if let Some(status) = params.status {
                query = query.filter(o::status.eq(status.as_str()));
            }
        }
        Role::Enterprise => {
            // An enterprise has one fulfillment per order, and sees the order's status as that
            // fulfillment's (see `view::orders_for`): the filter applies to that view.
            let mine = f::table.filter(f::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)));
            query = match params.status {
                Some(status) => query.filter(
                    o::id.eq_any(
                        mine.filter(f::status.eq(status.as_str()))
                            .select(f::order_id),
                    ),
                ),
                None => query.filter(o::id.eq_any(mine.select(f::order_id))),
            };
        }
    }
    if let Some(from) = params.from {
        query = query.filter(o::created_at.ge(from.and_time(NaiveTime::MIN)));
    }
    if let Some(to) = params.to {
        query = query.filter(o::created_at.lt(day_after(to)));
    }
    if let Some(before) = before {
        query = query.filter(o::id.lt(before));
    }
    let (rows, more) = split_page(query.load::<OrderRow>(conn)?, limit);
    Ok((view::orders_for(conn, actor, rows)?, more))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Overdue {
    /// Delivered, not inspected, past `inspection_due`.
    Inspection,
    /// Payment claimed, not paid, past `payment_due`.
    Payment,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FulfillmentListParams {
    pub status: Option<FulfillmentStatus>,
    pub overdue: Option<Overdue>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Fulfillments visible to `actor` (enterprise: its own; buyer: its agency's; admin: all),
/// oldest first, after fulfillment id `after`.
pub fn fulfillments(
    conn: &mut DbConn,
    actor: &Actor,
    params: &FulfillmentListParams,
    after: Option<i64>,
    limit: i64,
) -> DomainResult<(Vec<Fulfillment>, bool)> {
    let mut query = f::table
        .inner_join(o::table)
        .select(FulfillmentRow::as_select())
        .order(f::id.asc())
        .limit(limit + 1)
        .into_boxed();
    match actor.role {
        Role::Admin => {}
        Role::Buyer => query = query.filter(o::agency_id.eq(actor.agency_id.unwrap_or(-1))),
        Role::Enterprise => {
            query = query.filter(f::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)))
        }
    }
    if let Some(status) = params.status {
        query = query.filter(f::status.eq(status.as_str()));
    }
    let today = clock::now().date();
    match params.overdue {
        Some(Overdue::Inspection) => {
            query = query
                .filter(f::status.eq(FulfillmentStatus::Delivered.as_str()))
                .filter(f::inspection_due.lt(today))
        }
        Some(Overdue::Payment) => {
            query = query
                .filter(f::status.eq(FulfillmentStatus::PaymentClaimed.as_str()))
                .filter(f::payment_due.lt(today))
        }
        None => {}
    }
    if let Some(after) = after {
        query = query.filter(f::id.gt(after));
    }
    let rows: Vec<FulfillmentRow> = query.load(conn)?;
    let (rows, more) = split_page(rows, limit);
    Ok((view::with_lines(conn, rows)?, more))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SettlementParams {
    pub enterprise_id: Option<i64>,
    /// Settled on or after this date.
    pub from: Option<NaiveDate>,
    /// Settled on or before this date.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub struct Settlement {
    pub fulfillment_id: i64,
    pub order_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub subtotal_won: i64,
    pub commission_won: i64,
    /// What the co-op paid the enterprise.
    pub settlement_won: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub settled_at: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettlementReport {
    pub items: Vec<Settlement>,
    pub total_subtotal_won: i64,
    pub total_commission_won: i64,
    pub total_settlement_won: i64,
}

/// Settled fulfillments per enterprise and period (admin).
pub fn settlements(
    conn: &mut DbConn,
    actor: &Actor,
    params: &SettlementParams,
) -> DomainResult<SettlementReport> {
    actor.require_admin()?;
    if let (Some(from), Some(to)) = (params.from, params.to) {
        if from > to {
            return Err(DomainError::invalid("from", "must not be after to"));
        }
    }
    let mut query = f::table
        .filter(f::status.eq(FulfillmentStatus::Settled.as_str()))
        .select((
            f::id,
            f::order_id,
            f::enterprise_id,
            f::enterprise_name,
            f::subtotal_won,
            f::commission_won,
            f::settlement_won.assume_not_null(),
            f::settled_at.assume_not_null(),
        ))
        .order(f::settled_at.asc())
        .into_boxed();
    if let Some(enterprise_id) = params.enterprise_id {
        query = query.filter(f::enterprise_id.eq(enterprise_id));
    }
    if let Some(from) = params.from {
        query = query.filter(f::settled_at.ge(from.and_time(NaiveTime::MIN)));
    }
    if let Some(to) = params.to {
        query = query.filter(f::settled_at.lt(day_after(to)));
    }
    let items: Vec<Settlement> = query.load(conn)?;
    Ok(SettlementReport {
        total_subtotal_won: items.iter().map(|s| s.subtotal_won).sum(),
        total_commission_won: items.iter().map(|s| s.commission_won).sum(),
        total_settlement_won: items.iter().map(|s| s.settlement_won).sum(),
        items,
    })
}
