//! How order placement reads and writes the database, per backend.
//!
//! PostgreSQL is the production path and the one measured by `bench/orders_load.py`: every
//! statement has a constant text (arrays are bound, not spliced), so each connection prepares
//! it once, and one read and one write serve a whole batch of orders (`crate::batch`). The
//! products and the 30-day purchase totals are read without locks. The one statement that
//! writes locks the product rows in id order, checks the stock of every line on the locked
//! rows (their latest version) and, only if all can be served, takes it (a conditional
//! UPDATE) and inserts everything; otherwise it writes nothing and names the short products.
//! Row locks are thus held only for that statement and its commit, and totals are upserted
//! in key order, so concurrent writers queue instead of deadlocking. SQLite serialises writers
//! with `BEGIN IMMEDIATE`; there the same steps are plain query-builder statements and the
//! stock read is already exact.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::idempotency::KeyedRequest;
use crate::model::Order;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, SqliteConnection};
use diesel::{Queryable, QueryableByName};
use muhan_core::{DomainError, DomainResult};
use muhan_db::schema::{fulfillments as f, order_lines as l, orders as o, purchase_totals as pt};
use muhan_db::DbConn;

/// Whether orders are placed one at a time on this connection: SQLite serialises writers, so
/// there is nothing to gain from batches; PostgreSQL places the orders that arrive together
/// in one statement.
pub(crate) fn places_one_at_a_time(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Sqlite(_))
}

/// The PostgreSQL connection behind `conn`, for the batch statements.
pub(crate) fn postgres(conn: &mut DbConn) -> DomainResult<&mut PgConnection> {
    match conn {
        DbConn::Postgresql(pg) => Ok(pg),
        DbConn::Sqlite(_) => Err(DomainError::internal("PostgreSQL expected")),
    }
}

/// The SQLite connection behind `conn`, for the one-at-a-time statements.
pub(crate) fn sqlite(conn: &mut DbConn) -> DomainResult<&mut SqliteConnection> {
    match conn {
        DbConn::Sqlite(lite) => Ok(lite),
        DbConn::Postgresql(_) => Err(DomainError::internal(
            "orders are placed one at a time on SQLite only",
        )),
    }
}

/// A product as an order line sees it.
#[derive(Clone, Queryable, QueryableByName)]
pub(crate) struct ProductRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub enterprise_id: i64,
    #[diesel(sql_type = BigInt)]
    pub category_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub unit: String,
    #[diesel(sql_type = BigInt)]
    pub price_won: i64,
    #[diesel(sql_type = BigInt)]
    pub min_order_qty: i64,
    #[diesel(sql_type = BigInt)]
    pub stock: i64,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub enterprise_status: String,
    #[diesel(sql_type = Text)]
    pub enterprise_name: String,
    #[diesel(sql_type = Text)]
    pub enterprise_kind: String,
}

/// One agency's catalog purchases from an enterprise in a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PurchaseAmount {
    pub enterprise_id: i64,
    pub category_id: i64,
    pub amount_won: i64,
}

/// What placing an order reads before it writes: the products asked for (with their
/// enterprises), fresh ids for the order and for one fulfillment per enterprise among those
/// products (ascending), and the agency's purchases from those enterprises in the
/// split-purchase window so far. Ids are taken before the insert so that the order number,
/// the lines and the stored answer can use them; PostgreSQL takes them from the identity
/// sequences (gap-tolerant, safe across instances), SQLite as MAX + 1 … (writers are
/// serialised there).
pub(crate) struct OrderInputs {
    pub products: Vec<ProductRow>,
    pub order_id: i64,
    pub fulfillment_ids: Vec<i64>,
    pub earlier: Vec<PurchaseAmount>,
}

/// What placing several orders at once reads (PostgreSQL, `batch_inputs`): the products of
/// all of them, one new id per order and the fulfillment ids of all of them (ascending; each
/// order takes as many, in turn, as its products have distinct enterprises), and the
/// purchases of their agencies in the split-purchase window, by agency.
pub(crate) struct BatchInputs {
    pub products: Vec<ProductRow>,
    pub order_ids: Vec<i64>,
    pub fulfillment_ids: Vec<i64>,
    pub earlier: Vec<(i64, PurchaseAmount)>,
}

/// Everything a new order writes, built from the view the buyer gets back.
pub(crate) struct NewOrder<'a> {
    pub order: &'a Order,
    pub commission_bp: i64,
    /// The category of each line, in the order of `order.fulfillments[..].lines`.
    pub line_categories: &'a [i64],
    /// This order's amounts per enterprise and category, for today's running totals.
    pub amounts: &'a [PurchaseAmount],
    pub today: NaiveDate,
    pub warnings_json: &'a str,
    /// The answer to store under the request's idempotency key.
    pub keyed: &'a KeyedRequest<'a>,
    pub response_body: &'a str,
}

/// How writing orders ended (PostgreSQL): written, or nothing written because a line's
/// product no longer had the stock (the first such product).
pub(crate) enum Written {
    Placed,
    ShortOf(i64),
}

/// Locks the product rows in id order before a change that touches several fulfillments
/// (PostgreSQL; SQLite's writers are serialised anyway).
pub(crate) fn lock_products(conn: &mut DbConn, ids: &[i64]) -> DomainResult<()> {
    match conn {
        DbConn::Postgresql(pg) => postgres::lock_products(pg, ids),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Puts quantities back into stock (a refused or cancelled fulfillment). On PostgreSQL the
/// rows are locked in id order first, as placing an order does.
pub(crate) fn restore_stock(conn: &mut DbConn, lines: &[(i64, i64)]) -> DomainResult<()> {
    match conn {
        DbConn::Postgresql(pg) => postgres::restore_stock(pg, lines),
        DbConn::Sqlite(lite) => sqlite::add_stock(lite, lines),
    }
}

/// Adds an order's amounts to the running split-purchase totals of `day`, in key order (the
/// order in which every writer upserts them, so writers queue instead of deadlocking).
pub(crate) fn add_purchase_totals(
    conn: &mut DbConn,
    agency_id: i64,
    day: NaiveDate,
    amounts: &[PurchaseAmount],
) -> DomainResult<()> {
    for a in amounts {
        muhan_db::on_backend!(conn, |c| {
            diesel::insert_into(pt::table)
                .values((
                    pt::agency_id.eq(agency_id),
                    pt::enterprise_id.eq(a.enterprise_id),
                    pt::category_id.eq(a.category_id),
                    pt::day.eq(day),
                    pt::total_won.eq(a.amount_won),
                ))
                .on_conflict((pt::agency_id, pt::enterprise_id, pt::category_id, pt::day))
                .do_update()
                .set(pt::total_won.eq(pt::total_won + diesel::upsert::excluded(pt::total_won)))
                .execute(c)
        })?;
    }
    Ok(())
}

/// Puts a refused or cancelled fulfillment back: its stock, and its amounts in the running
/// totals of the split-purchase check.
pub(crate) fn release(conn: &mut DbConn, fulfillment_id: i64) -> DomainResult<()> {
    let lines: Vec<(Option<i64>, i64, i64, i64)> = l::table
        .filter(l::fulfillment_id.eq(fulfillment_id))
        .select((
            l::product_id,
            l::quantity,
            l::category_id,
            l::line_total_won,
        ))
        .load(conn)?;
    let stock: Vec<(i64, i64)> = lines
        .iter()
        .filter_map(|(p, q, _, _)| p.map(|p| (p, *q)))
        .collect();
    restore_stock(conn, &stock)?;
    // Catalog and awarded (rfq) orders alike count in the running split-purchase totals.
    let (agency_id, enterprise_id, created_at): (i64, i64, chrono::NaiveDateTime) = f::table
        .inner_join(o::table)
        .filter(f::id.eq(fulfillment_id))
        .select((o::agency_id, f::enterprise_id, o::created_at))
        .first(conn)?;
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
