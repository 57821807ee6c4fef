//! Every statement the generators run: the emptiness check, the wipe of `--force`, the
//! reference reads, and batched multi-row inserts (per backend, through `on_backend!`), with
//! PostgreSQL's identity sequences moved past the ids written.

use super::directory::IdBase;
use super::products::Category;
use super::rows::{DemoData, OrderSet, ProductRow, PurchaseTotalRow};
use diesel::dsl::max;
use diesel::prelude::*;
use muhan_core::DomainResult;
use muhan_db::schema::{
    agencies as a, categories as c, enterprises as e, fulfillments as f, idempotency_keys as ik,
    order_events as ev, order_lines as l, orders as o, procurement_events as pe,
    procurement_requests as pr, products as p, purchase_plans as pp, purchase_totals as pt,
    quotes as q, refresh_tokens as rt, users as u,
};
use muhan_db::{Backend, DbConn};

/// Rows per INSERT: under both backends' bound-parameter limits for the widest table.
const CHUNK: usize = 1_000;

macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr, |$r:ident| $tuple:expr) => {{
        for chunk in $rows.chunks(CHUNK) {
            let values: Vec<_> = chunk.iter().map(|$r| $tuple).collect();
            muhan_db::on_backend!($conn, |conn| diesel::insert_into($table)
                .values(&values)
                .execute(conn))?;
        }
    }};
}

/// No enterprise, product or order yet.
pub fn is_empty(conn: &mut DbConn) -> DomainResult<bool> {
    let enterprises: i64 = e::table.count().get_result(conn)?;
    let products: i64 = p::table.count().get_result(conn)?;
    let orders: i64 = o::table.count().get_result(conn)?;
    Ok(enterprises + products + orders == 0)
}

/// Deletes what the demo writes: every order, request, product, plan, agency and enterprise,
/// and every user but the admins that are not demo accounts.
pub fn wipe(conn: &mut DbConn) -> DomainResult<()> {
    diesel::delete(pe::table).execute(conn)?;
    diesel::delete(q::table).execute(conn)?;
    diesel::delete(pr::table).execute(conn)?;
    diesel::delete(ev::table).execute(conn)?;
    diesel::delete(l::table).execute(conn)?;
    diesel::delete(f::table).execute(conn)?;
    diesel::delete(pt::table).execute(conn)?;
    diesel::delete(ik::table).execute(conn)?;
    diesel::delete(o::table).execute(conn)?;
    diesel::delete(p::table).execute(conn)?;
    diesel::delete(pp::table).execute(conn)?;
    let leaving = u::table
        .filter(u::role.ne("admin").or(u::email.like("%@demo.muhan.kr")))
        .select(u::id);
    diesel::delete(rt::table.filter(rt::user_id.eq_any(leaving))).execute(conn)?;
    diesel::delete(u::table.filter(u::role.ne("admin").or(u::email.like("%@demo.muhan.kr"))))
        .execute(conn)?;
    diesel::delete(a::table).execute(conn)?;
    diesel::delete(e::table).execute(conn)?;
    Ok(())
}

/// The commodity-level categories (those without children).
pub fn commodities(conn: &mut DbConn) -> DomainResult<Vec<Category>> {
    let parents: Vec<Option<i64>> = c::table.select(c::parent_id).load(conn)?;
    let rows: Vec<(i64, String, String)> = c::table
        .select((c::id, c::code, c::name))
        .order(c::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| !parents.contains(&Some(*id)))
        .map(|(id, code, name)| Category { id, code, name })
        .collect())
}

/// One past the largest id of each table.
pub fn id_base(conn: &mut DbConn) -> DomainResult<IdBase> {
    macro_rules! next {
        ($t:ident) => {
            $t::table
                .select(max($t::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0)
                + 1
        };
    }
    Ok(IdBase {
        user: next!(u),
        enterprise: next!(e),
        agency: next!(a),
        product: next!(p),
        order: next!(o),
        fulfillment: next!(f),
        line: next!(l),
        event: next!(ev),
        request: next!(pr),
        quote: next!(q),
        request_event: next!(pe),
    })
}

/// The directory part of the demo: enterprises, agencies, plans, users.
pub fn insert_directory(conn: &mut DbConn, data: &DemoData) -> DomainResult<()> {
    insert_all!(conn, e::table, data.enterprises, |r| {
        let (name, chosung, grams) = muhan_catalog::search_index::enterprise_columns(&r.name);
        (
            e::id.eq(r.id),
            e::name.eq(r.name.clone()),
            e::biz_reg_no.eq(r.biz_reg_no.clone()),
            e::kind.eq(r.kind),
            e::district.eq(r.district),
            e::representative.eq(r.representative.clone()),
            e::phone.eq(r.phone.clone()),
            e::address.eq(r.address.clone()),
            e::description.eq(r.description.clone()),
            e::employees.eq(Some(r.employees)),
            e::vulnerable_employees.eq(Some(r.vulnerable_employees)),
            e::status.eq(r.status),
            e::verified_at.eq(r.verified_at),
            e::created_at.eq(r.created_at),
            e::updated_at.eq(r.verified_at.unwrap_or(r.created_at)),
            e::search_name.eq(name),
            e::search_chosung.eq(chosung),
            e::search_grams.eq(grams),
        )
    });
    // Parents first: an agency's parent precedes it in the list.
    insert_all!(conn, a::table, data.agencies, |r| (
        a::id.eq(r.id),
        a::name.eq(&r.name),
        a::kind.eq(r.kind),
        a::district.eq(Some(r.district)),
        a::parent_id.eq(r.parent_id),
        a::created_at.eq(r.created_at),
        a::updated_at.eq(r.created_at),
    ));
    insert_all!(conn, pp::table, data.plans, |r| (
        pp::agency_id.eq(r.agency_id),
        pp::year.eq(r.year),
        pp::total_purchase_won.eq(r.total_purchase_won),
        pp::social_target_bp.eq(r.social_target_bp),
        pp::updated_at.eq(r.updated_at),
    ));
    insert_all!(conn, u::table, data.users, |r| (
        u::id.eq(r.id),
        u::email.eq(&r.email),
        u::password_hash.eq(&r.password_hash),
        u::display_name.eq(&r.display_name),
        u::role.eq(r.role),
        u::status.eq(r.status),
        u::created_at.eq(r.created_at),
        u::updated_at.eq(r.created_at),
        u::enterprise_id.eq(r.enterprise_id),
        u::agency_id.eq(r.agency_id),
    ));
    Ok(())
}

pub fn insert_products(conn: &mut DbConn, rows: &[ProductRow]) -> DomainResult<()> {
    insert_all!(conn, p::table, rows, |r| (
        p::id.eq(r.id),
        p::enterprise_id.eq(r.enterprise_id),
        p::category_id.eq(r.category_id),
        p::name.eq(&r.name),
        p::description.eq(&r.description),
        p::unit.eq(r.unit),
        p::price_won.eq(r.price_won),
        p::min_order_qty.eq(r.min_order_qty),
        p::stock.eq(r.stock),
        p::lead_time_days.eq(r.lead_time_days),
        p::status.eq(r.status),
        p::version.eq(1i64),
        p::created_at.eq(r.created_at),
        p::updated_at.eq(r.created_at),
        p::search_name.eq(&r.search.0),
        p::search_chosung.eq(&r.search.1),
        p::search_text.eq(&r.search.2),
        p::search_grams.eq(&r.search.3),
    ));
    Ok(())
}

pub fn insert_orders(conn: &mut DbConn, set: &OrderSet) -> DomainResult<()> {
    insert_all!(conn, o::table, set.orders, |r| (
        o::id.eq(r.id),
        o::order_no.eq(&r.order_no),
        o::agency_id.eq(r.agency_id),
        o::buyer_id.eq(r.buyer_id),
        o::contract_type.eq(r.contract_type),
        o::status.eq(r.status),
        o::total_won.eq(r.total_won),
        o::delivery_address.eq(&r.delivery_address),
        o::delivery_district.eq(r.delivery_district),
        o::requested_date.eq(r.requested_date),
        o::note.eq(&r.note),
        o::warnings.eq("[]"),
        o::created_at.eq(r.created_at),
    ));
    insert_all!(conn, f::table, set.fulfillments, |r| (
        f::id.eq(r.id),
        f::order_id.eq(r.order_id),
        f::enterprise_id.eq(r.enterprise_id),
        f::enterprise_name.eq(&r.enterprise_name),
        f::status.eq(r.status),
        f::subtotal_won.eq(r.subtotal_won),
        f::commission_bp.eq(r.commission_bp),
        f::commission_won.eq(r.commission_won),
        f::reject_reason.eq(&r.reject_reason),
        f::delivered_at.eq(r.delivered_at),
        f::inspection_due.eq(r.inspection_due),
        f::payment_claimed_at.eq(r.payment_claimed_at),
        f::payment_due.eq(r.payment_due),
        f::paid_at.eq(r.paid_at),
        f::settled_at.eq(r.settled_at),
        f::settlement_won.eq(r.settlement_won),
        f::updated_at.eq(r.updated_at),
    ));
    insert_all!(conn, l::table, set.lines, |r| (
        l::id.eq(r.id),
        l::fulfillment_id.eq(r.fulfillment_id),
        l::product_id.eq(r.product_id),
        l::category_id.eq(r.category_id),
        l::product_name.eq(&r.product_name),
        l::unit.eq(r.unit),
        l::unit_price_won.eq(r.unit_price_won),
        l::quantity.eq(r.quantity),
        l::line_total_won.eq(r.line_total_won),
    ));
    insert_all!(conn, ev::table, set.events, |r| (
        ev::id.eq(r.id),
        ev::order_id.eq(r.order_id),
        ev::fulfillment_id.eq(r.fulfillment_id),
        ev::actor_id.eq(r.actor_id),
        ev::from_status.eq(r.from_status),
        ev::to_status.eq(r.to_status),
        ev::note.eq(&r.note),
        ev::at.eq(r.at),
    ));
    insert_all!(conn, pr::table, set.requests, |r| (
        pr::id.eq(r.id),
        pr::agency_id.eq(r.agency_id),
        pr::buyer_id.eq(r.buyer_id),
        pr::title.eq(&r.title),
        pr::category_id.eq(r.category_id),
        pr::description.eq(&r.description),
        pr::quantity.eq(r.quantity),
        pr::unit.eq(r.unit),
        pr::budget_won.eq(r.budget_won),
        pr::delivery_district.eq(r.delivery_district),
        pr::delivery_address.eq(&r.delivery_address),
        pr::deliver_by.eq(r.deliver_by),
        pr::allow_consortium.eq(r.allow_consortium),
        pr::quotes_due.eq(r.quotes_due),
        pr::status.eq(r.status),
        pr::order_id.eq(r.order_id),
        pr::created_at.eq(r.created_at),
        pr::updated_at.eq(r.updated_at),
    ));
    insert_all!(conn, q::table, set.quotes, |r| (
        q::id.eq(r.id),
        q::request_id.eq(r.request_id),
        q::enterprise_id.eq(r.enterprise_id),
        q::product_id.eq(r.product_id),
        q::unit_price_won.eq(r.unit_price_won),
        q::quantity.eq(r.quantity),
        q::total_won.eq(r.total_won),
        q::lead_time_days.eq(r.lead_time_days),
        q::note.eq(&r.note),
        q::status.eq(r.status),
        q::submitted_by.eq(r.submitted_by),
        q::created_at.eq(r.created_at),
        q::updated_at.eq(r.updated_at),
    ));
    insert_all!(conn, pe::table, set.request_events, |r| (
        pe::id.eq(r.id),
        pe::request_id.eq(r.request_id),
        pe::actor_id.eq(r.actor_id),
        pe::kind.eq(r.kind),
        pe::quote_id.eq(r.quote_id),
        pe::order_id.eq(r.order_id),
        pe::note.eq(&r.note),
        pe::at.eq(r.at),
    ));
    Ok(())
}

pub fn insert_purchase_totals(conn: &mut DbConn, rows: &[PurchaseTotalRow]) -> DomainResult<()> {
    insert_all!(conn, pt::table, rows, |r| (
        pt::agency_id.eq(r.agency_id),
        pt::enterprise_id.eq(r.enterprise_id),
        pt::category_id.eq(r.category_id),
        pt::day.eq(r.day),
        pt::total_won.eq(r.total_won),
    ));
    Ok(())
}

/// PostgreSQL: moves each identity sequence past the largest id (rows were written with
/// explicit ids). SQLite takes MAX(id) + 1 by itself.
pub fn reset_sequences(conn: &mut DbConn) -> DomainResult<()> {
    if conn.backend() == Backend::Postgres {
        for table in [
            "users",
            "enterprises",
            "agencies",
            "products",
            "orders",
            "fulfillments",
            "order_lines",
            "order_events",
            "procurement_requests",
            "quotes",
            "procurement_events",
        ] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .execute(conn)?;
        }
    }
    Ok(())
}
