//! The year's rows, read with portable queries (the same text on both backends): requests
//! created in the year, the catalog orders placed in it and the orders those requests'
//! awards became (whenever placed), and the reference rows they name.

use super::rows::{
    AcceptedRow, AgencyRow, CategoryRow, DistrictRow, EnterpriseRow, FulfillmentRow, LineRow,
    OrderRow, RequestRow, TenderRow, YearData,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_core::{DomainError, DomainResult};
use muhan_db::schema::{
    agencies as a, categories as c, districts as d, enterprises as e, fulfillments as f,
    order_events as ev, order_lines as l, orders as o, procurement_requests as pr, quotes as q,
};
use muhan_db::DbConn;

/// The orders of the year's processes: catalog orders placed in `[start, end)` and the
/// orders of requests created in it.
macro_rules! year_orders {
    ($start:expr, $end:expr) => {
        o::contract_type
            .eq("catalog")
            .and(o::created_at.ge($start))
            .and(o::created_at.lt($end))
            .or(o::id.nullable().eq_any(
                pr::table
                    .filter(pr::created_at.ge($start))
                    .filter(pr::created_at.lt($end))
                    .select(pr::order_id),
            ))
    };
}

/// The first instant of `year` and of the year after (UTC).
fn bounds(year: i32) -> DomainResult<(NaiveDateTime, NaiveDateTime)> {
    let first = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
            .ok_or_else(|| DomainError::invalid("year", "out of range"))
    };
    Ok((first(year)?, first(year + 1)?))
}

/// Reads everything the package of `year` is made of (call it inside one read transaction).
pub(crate) fn load_year(conn: &mut DbConn, year: i32) -> DomainResult<YearData> {
    let (start, end) = bounds(year)?;
    let requests = pr::table
        .filter(pr::created_at.ge(start))
        .filter(pr::created_at.lt(end))
        .order(pr::id)
        .select((
            pr::id,
            pr::agency_id,
            pr::title,
            pr::description,
            pr::category_id,
            pr::quantity,
            pr::unit,
            pr::budget_won,
            pr::quotes_due,
            pr::status,
            pr::order_id,
            pr::created_at,
            pr::updated_at,
        ))
        .load::<RequestRow>(conn)?;
    let tenders = q::table
        .inner_join(pr::table)
        .filter(pr::created_at.ge(start))
        .filter(pr::created_at.lt(end))
        .filter(q::status.ne("withdrawn"))
        .order((q::request_id, q::enterprise_id))
        .select((q::request_id, q::enterprise_id))
        .distinct()
        .load::<TenderRow>(conn)?;
    let orders = o::table
        .filter(year_orders!(start, end))
        .order(o::id)
        .select((
            o::id,
            o::order_no,
            o::agency_id,
            o::contract_type,
            o::total_won,
            o::created_at,
        ))
        .load::<OrderRow>(conn)?;
    let fulfillments = f::table
        .inner_join(o::table)
        .filter(year_orders!(start, end))
        .order(f::id)
        .select((
            f::id,
            f::order_id,
            f::enterprise_id,
            f::status,
            f::subtotal_won,
            f::paid_at,
            f::updated_at,
        ))
        .load::<FulfillmentRow>(conn)?;
    let lines = l::table
        .inner_join(f::table.inner_join(o::table))
        .filter(year_orders!(start, end))
        .order(l::id)
        .select((
            l::id,
            l::fulfillment_id,
            l::category_id,
            l::product_name,
            l::unit,
            l::unit_price_won,
            l::quantity,
        ))
        .load::<LineRow>(conn)?;
    let accepted = accepted(conn, start, end)?;
    Ok(YearData {
        requests,
        tenders,
        orders,
        fulfillments,
        lines,
        accepted,
        agencies: a::table
            .order(a::id)
            .select((a::id, a::name, a::district))
            .load::<AgencyRow>(conn)?,
        enterprises: e::table
            .order(e::id)
            .select((e::id, e::name, e::biz_reg_no, e::district, e::address))
            .load::<EnterpriseRow>(conn)?,
        districts: d::table
            .order(d::code)
            .select((d::code, d::name, d::sido))
            .load::<DistrictRow>(conn)?,
        categories: c::table
            .order(c::id)
            .select((c::id, c::code, c::name))
            .load::<CategoryRow>(conn)?,
    })
}

/// Each fulfillment's first acceptance, in fulfillment order.
fn accepted(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> DomainResult<Vec<AcceptedRow>> {
    let events: Vec<(Option<i64>, NaiveDateTime)> = ev::table
        .inner_join(o::table)
        .filter(year_orders!(start, end))
        .filter(ev::to_status.eq("accepted"))
        .order((ev::fulfillment_id, ev::at, ev::id))
        .select((ev::fulfillment_id, ev::at))
        .load(conn)?;
    let mut first: Vec<AcceptedRow> = Vec::new();
    for (fulfillment_id, at) in events {
        let Some(fulfillment_id) = fulfillment_id else {
            continue;
        };
        if first
            .last()
            .is_none_or(|r| r.fulfillment_id != fulfillment_id)
        {
            first.push(AcceptedRow { fulfillment_id, at });
        }
    }
    Ok(first)
}
