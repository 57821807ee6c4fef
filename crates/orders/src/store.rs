//! How order placement reads and writes the database, per backend.
//!
//! PostgreSQL is the production path and the one measured by `bench/orders_load.py`: every
//! statement has a constant text (arrays are bound, not spliced), so each connection prepares
//! it once. The products and the 30-day purchase totals are read without locks; the one
//! statement that writes the order takes the stock conditionally (`stock >= quantity`,
//! re-checked by PostgreSQL against the latest row version when a concurrent order got there
//! first) and inserts nothing unless every line was served. Row locks are thus held only for
//! that statement and the commit. Product rows are locked in id order before any is updated
//! (whatever join the planner picks for the UPDATE), and totals upserted in key order, so
//! concurrent orders queue instead of deadlocking. SQLite serialises writers with `BEGIN IMMEDIATE`; there the same steps are
//! plain query-builder statements and the stock read is already exact.

use crate::idempotency::{self, KeyedRequest};
use crate::view::{Fulfillment, Line, Order};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
use diesel::upsert::excluded;
use diesel::{PgConnection, SqliteConnection};
use muhan_core::DomainResult;
use muhan_db::schema::{
    enterprises as e, fulfillments as f, order_events as ev, order_lines as l, orders as o,
    products as p, purchase_totals as pt,
};
use muhan_db::{cached_sql, BindNext, DbConn};

/// A product as an order line sees it.
#[derive(Queryable)]
pub(crate) struct ProductRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub category_id: i64,
    pub name: String,
    pub unit: String,
    pub price_won: i64,
    pub min_order_qty: i64,
    pub stock: i64,
    pub status: String,
    pub enterprise_status: String,
    pub enterprise_name: String,
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

#[derive(QueryableByName)]
struct InputRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    enterprise_id: i64,
    #[diesel(sql_type = BigInt)]
    category_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    unit: String,
    #[diesel(sql_type = BigInt)]
    price_won: i64,
    #[diesel(sql_type = BigInt)]
    min_order_qty: i64,
    #[diesel(sql_type = BigInt)]
    stock: i64,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    enterprise_status: String,
    #[diesel(sql_type = Text)]
    enterprise_name: String,
    #[diesel(sql_type = Text)]
    enterprise_kind: String,
    #[diesel(sql_type = BigInt)]
    order_id: i64,
    #[diesel(sql_type = Array<BigInt>)]
    fulfillment_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_enterprise_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_category_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_totals: Vec<i64>,
}

/// Reads the inputs of an order over `product_ids` by `agency_id` (one statement on
/// PostgreSQL; every returned row repeats the ids and totals).
pub(crate) fn order_inputs(
    conn: &mut DbConn,
    product_ids: &[i64],
    agency_id: i64,
    window_start: NaiveDate,
) -> DomainResult<OrderInputs> {
    match conn {
        DbConn::Postgresql(pg) => {
            let rows: Vec<InputRow> = cached_sql(
                "WITH found AS ( \
                     SELECT p.id, p.enterprise_id, p.category_id, p.name, p.unit, p.price_won, \
                         p.min_order_qty, p.stock, p.status, e.status AS enterprise_status, \
                         e.name AS enterprise_name, e.kind AS enterprise_kind \
                     FROM products p JOIN enterprises e ON e.id = p.enterprise_id \
                     WHERE p.id = ANY(?) \
                 ), earlier AS ( \
                     SELECT enterprise_id, category_id, SUM(total_won)::bigint AS total \
                     FROM purchase_totals \
                     WHERE agency_id = ? AND day > ? \
                       AND enterprise_id IN (SELECT enterprise_id FROM found) \
                     GROUP BY enterprise_id, category_id \
                 ), prepared AS ( \
                     SELECT nextval(pg_get_serial_sequence('orders', 'id')) AS order_id, \
                         ARRAY(SELECT nextval(pg_get_serial_sequence('fulfillments', 'id')) \
                               FROM generate_series(1, \
                                   (SELECT count(DISTINCT enterprise_id) FROM found))) \
                             AS fulfillment_ids, \
                         ARRAY(SELECT enterprise_id FROM earlier ORDER BY enterprise_id, category_id) \
                             AS earlier_enterprise_ids, \
                         ARRAY(SELECT category_id FROM earlier ORDER BY enterprise_id, category_id) \
                             AS earlier_category_ids, \
                         ARRAY(SELECT total FROM earlier ORDER BY enterprise_id, category_id) \
                             AS earlier_totals \
                 ) \
                 SELECT found.*, prepared.* FROM found, prepared",
            )
            .bind::<Array<BigInt>, _>(product_ids)
            .bind::<BigInt, _>(agency_id)
            .bind::<Date, _>(window_start)
            .load(pg)?;
            let Some(first) = rows.first() else {
                return Ok(OrderInputs {
                    products: Vec::new(),
                    order_id: 0,
                    fulfillment_ids: Vec::new(),
                    earlier: Vec::new(),
                });
            };
            let earlier = first
                .earlier_enterprise_ids
                .iter()
                .zip(&first.earlier_category_ids)
                .zip(&first.earlier_totals)
                .map(|((enterprise_id, category_id), total)| PurchaseAmount {
                    enterprise_id: *enterprise_id,
                    category_id: *category_id,
                    amount_won: *total,
                })
                .collect();
            let (order_id, mut fulfillment_ids) = (first.order_id, first.fulfillment_ids.clone());
            fulfillment_ids.sort_unstable();
            let products = rows
                .into_iter()
                .map(|r| ProductRow {
                    id: r.id,
                    enterprise_id: r.enterprise_id,
                    category_id: r.category_id,
                    name: r.name,
                    unit: r.unit,
                    price_won: r.price_won,
                    min_order_qty: r.min_order_qty,
                    stock: r.stock,
                    status: r.status,
                    enterprise_status: r.enterprise_status,
                    enterprise_name: r.enterprise_name,
                    enterprise_kind: r.enterprise_kind,
                })
                .collect();
            Ok(OrderInputs {
                products,
                order_id,
                fulfillment_ids,
                earlier,
            })
        }
        DbConn::Sqlite(lite) => {
            let products: Vec<ProductRow> = p::table
                .inner_join(e::table)
                .filter(p::id.eq_any(product_ids))
                .select((
                    p::id,
                    p::enterprise_id,
                    p::category_id,
                    p::name,
                    p::unit,
                    p::price_won,
                    p::min_order_qty,
                    p::stock,
                    p::status,
                    e::status,
                    e::name,
                    e::kind,
                ))
                .load(lite)?;
            let mut enterprise_ids: Vec<i64> = products.iter().map(|p| p.enterprise_id).collect();
            enterprise_ids.sort_unstable();
            enterprise_ids.dedup();
            let max_order: Option<i64> = o::table.select(diesel::dsl::max(o::id)).first(lite)?;
            let max_fulfillment: Option<i64> =
                f::table.select(diesel::dsl::max(f::id)).first(lite)?;
            let first = max_fulfillment.unwrap_or(0);
            let rows: Vec<(i64, i64, i64)> = pt::table
                .filter(pt::agency_id.eq(agency_id))
                .filter(pt::day.gt(window_start))
                .filter(pt::enterprise_id.eq_any(&enterprise_ids))
                .select((pt::enterprise_id, pt::category_id, pt::total_won))
                .load(lite)?;
            let mut earlier: Vec<PurchaseAmount> = Vec::new();
            for (enterprise_id, category_id, total) in rows {
                match earlier
                    .iter_mut()
                    .find(|a| a.enterprise_id == enterprise_id && a.category_id == category_id)
                {
                    Some(sum) => sum.amount_won += total,
                    None => earlier.push(PurchaseAmount {
                        enterprise_id,
                        category_id,
                        amount_won: total,
                    }),
                }
            }
            Ok(OrderInputs {
                products,
                order_id: max_order.unwrap_or(0) + 1,
                fulfillment_ids: (1..=enterprise_ids.len() as i64)
                    .map(|n| first + n)
                    .collect(),
                earlier,
            })
        }
    }
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

/// How writing an order ended: written, or nothing written because a line's product no
/// longer had the stock (the first such product).
pub(crate) enum Written {
    Placed,
    ShortOf(i64),
}

/// Writes the order, its fulfillments, lines and `placed` events, takes the stock, adds to
/// today's purchase totals and stores the answer under the idempotency key.
pub(crate) fn insert_order(conn: &mut DbConn, new: &NewOrder) -> DomainResult<Written> {
    match conn {
        DbConn::Postgresql(pg) => return insert_order_pg(pg, new),
        DbConn::Sqlite(lite) => insert_rows_sqlite(lite, new)?,
    }
    idempotency::store(conn, new.keyed, 201, new.response_body)?;
    Ok(Written::Placed)
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn insert_order_pg(pg: &mut PgConnection, new: &NewOrder) -> DomainResult<Written> {
    let order = new.order;
    let fulfillments = &order.fulfillments;
    let lines: Vec<&Line> = fulfillments.iter().flat_map(|f| &f.lines).collect();
    let mut take: Vec<(i64, i64)> = lines.iter().map(|l| (l.product_id, l.quantity)).collect();
    take.sort_unstable();
    let of_fulfillments =
        |get: fn(&Fulfillment) -> i64| fulfillments.iter().map(get).collect::<Vec<_>>();
    let of_lines = |get: fn(&Line) -> i64| lines.iter().map(|l| get(l)).collect::<Vec<_>>();
    let texts_of_lines = |get: fn(&Line) -> &str| lines.iter().map(|l| get(l)).collect::<Vec<_>>();
    let names: Vec<&str> = fulfillments
        .iter()
        .map(|f| f.enterprise_name.as_str())
        .collect();
    let of_amounts =
        |get: fn(&PurchaseAmount) -> i64| new.amounts.iter().map(get).collect::<Vec<_>>();
    // Parameters used more than once are named in `v`; `?` are bound in textual order.
    // Every insert is guarded by `ok`: all lines served, or nothing written.
    let written: QueryResult<Vec<Taken>> = cached_sql(
        "WITH v AS ( \
             SELECT ?::bigint AS order_id, ?::bigint AS agency_id, ?::bigint AS buyer_id, \
                 ?::text AS status, ?::timestamp AS at, ?::bigint[] AS take_ids, \
                 ?::bigint[] AS take_quantities, ?::bigint[] AS fulfillment_ids \
         ), locked AS ( \
             SELECT p.id FROM products p, v WHERE p.id = ANY(v.take_ids) \
             ORDER BY p.id FOR NO KEY UPDATE OF p \
         ), taken AS ( \
             UPDATE products p SET stock = p.stock - u.quantity \
             FROM locked, v, unnest(v.take_ids, v.take_quantities) AS u(id, quantity) \
             WHERE p.id = locked.id AND p.id = u.id AND p.stock >= u.quantity \
             RETURNING p.id \
         ), ok AS ( \
             SELECT (SELECT count(*) FROM taken) = cardinality(v.take_ids) AS served FROM v \
         ), new_order AS ( \
             INSERT INTO orders (id, order_no, agency_id, buyer_id, contract_type, status, total_won, \
                 delivery_address, delivery_district, requested_date, note, warnings, created_at) \
             SELECT v.order_id, ?, v.agency_id, v.buyer_id, ?, v.status, ?, ?, ?, ?, ?, ?, v.at \
             FROM v, ok WHERE ok.served \
         ), new_fulfillments AS ( \
             INSERT INTO fulfillments (id, order_id, enterprise_id, enterprise_name, status, \
                 subtotal_won, commission_bp, commission_won, updated_at) \
             SELECT u.id, v.order_id, u.enterprise_id, u.enterprise_name, v.status, u.subtotal_won, \
                 ?, u.commission_won, v.at \
             FROM v, ok, unnest(v.fulfillment_ids, ?::bigint[], ?::text[], ?::bigint[], ?::bigint[]) \
                 AS u(id, enterprise_id, enterprise_name, subtotal_won, commission_won) \
             WHERE ok.served \
         ), new_lines AS ( \
             INSERT INTO order_lines (fulfillment_id, product_id, category_id, product_name, unit, \
                 unit_price_won, quantity, line_total_won) \
             SELECT u.fulfillment_id, u.product_id, u.category_id, u.product_name, u.unit, \
                 u.unit_price_won, u.quantity, u.line_total_won \
             FROM v, ok, unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], \
                 ?::bigint[], ?::bigint[], ?::bigint[]) \
                 AS u(fulfillment_id, product_id, category_id, product_name, unit, unit_price_won, \
                     quantity, line_total_won) \
             WHERE ok.served \
         ), new_events AS ( \
             INSERT INTO order_events (order_id, fulfillment_id, actor_id, to_status, at) \
             SELECT v.order_id, u.id, v.buyer_id, v.status, v.at \
             FROM v, ok, unnest(v.fulfillment_ids) WITH ORDINALITY AS u(id, n) \
             WHERE ok.served ORDER BY u.n \
         ), new_totals AS ( \
             INSERT INTO purchase_totals AS t (agency_id, enterprise_id, category_id, day, total_won) \
             SELECT v.agency_id, u.enterprise_id, u.category_id, ?, u.amount \
             FROM v, ok, unnest(?::bigint[], ?::bigint[], ?::bigint[]) \
                 AS u(enterprise_id, category_id, amount) \
             WHERE ok.served \
             ON CONFLICT (agency_id, enterprise_id, category_id, day) \
             DO UPDATE SET total_won = t.total_won + excluded.total_won \
         ), new_key AS ( \
             INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, status_code, \
                 response_body, created_at) \
             SELECT v.buyer_id, ?, ?, 201, ?, v.at FROM v, ok WHERE ok.served \
         ) \
         SELECT id FROM taken",
    )
    .bind::<BigInt, _>(order.id)
    .bind::<BigInt, _>(order.agency_id)
    .bind::<BigInt, _>(order.buyer_id)
    .bind::<Text, _>(order.status.as_str())
    .bind::<Timestamp, _>(order.created_at)
    .bind::<Array<BigInt>, _>(take.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(take.iter().map(|(_, q)| *q).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.id))
    .bind::<Text, _>(&order.order_no)
    .bind::<Text, _>(&order.contract_type)
    .bind::<BigInt, _>(order.total_won)
    .bind::<Text, _>(&order.delivery.address)
    .bind::<Text, _>(&order.delivery.district)
    .bind::<Date, _>(order.delivery.requested_date)
    .bind::<Nullable<Text>, _>(order.note.as_deref())
    .bind::<Text, _>(new.warnings_json)
    .bind::<BigInt, _>(new.commission_bp)
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.enterprise_id))
    .bind::<Array<Text>, _>(names)
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.subtotal_won))
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.commission_won))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.fulfillment_id))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.product_id))
    .bind::<Array<BigInt>, _>(new.line_categories)
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.product_name))
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.unit))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.unit_price_won))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.quantity))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.line_total_won))
    .bind::<Date, _>(new.today)
    .bind::<Array<BigInt>, _>(of_amounts(|a| a.enterprise_id))
    .bind::<Array<BigInt>, _>(of_amounts(|a| a.category_id))
    .bind::<Array<BigInt>, _>(of_amounts(|a| a.amount_won))
    .bind::<Text, _>(new.keyed.key)
    .bind::<Text, _>(new.keyed.fingerprint)
    .bind::<Text, _>(new.response_body)
    .load(pg);
    match written {
        Ok(taken) if taken.len() == lines.len() => Ok(Written::Placed),
        Ok(taken) => {
            let short = lines
                .iter()
                .find(|l| !taken.iter().any(|t| t.id == l.product_id))
                .map_or(0, |l| l.product_id);
            Ok(Written::ShortOf(short))
        }
        Err(e) if idempotency::is_key_taken(&e) => Err(idempotency::in_use()),
        Err(e) => Err(e.into()),
    }
}

fn insert_rows_sqlite(lite: &mut SqliteConnection, new: &NewOrder) -> DomainResult<()> {
    let order = new.order;
    let lines = order.fulfillments.iter().flat_map(|f| &f.lines);
    let take: Vec<(i64, i64)> = lines.clone().map(|l| (l.product_id, -l.quantity)).collect();
    add_stock_sqlite(lite, &take)?;
    diesel::insert_into(o::table)
        .values((
            o::id.eq(order.id),
            o::order_no.eq(&order.order_no),
            o::agency_id.eq(order.agency_id),
            o::buyer_id.eq(order.buyer_id),
            o::contract_type.eq(&order.contract_type),
            o::status.eq(order.status.as_str()),
            o::total_won.eq(order.total_won),
            o::delivery_address.eq(&order.delivery.address),
            o::delivery_district.eq(&order.delivery.district),
            o::requested_date.eq(order.delivery.requested_date),
            o::note.eq(&order.note),
            o::warnings.eq(new.warnings_json),
            o::created_at.eq(order.created_at),
        ))
        .execute(lite)?;
    let fulfillment_rows: Vec<_> = order
        .fulfillments
        .iter()
        .map(|fu| {
            (
                f::id.eq(fu.id),
                f::order_id.eq(order.id),
                f::enterprise_id.eq(fu.enterprise_id),
                f::enterprise_name.eq(&fu.enterprise_name),
                f::status.eq(fu.status.as_str()),
                f::subtotal_won.eq(fu.subtotal_won),
                f::commission_bp.eq(new.commission_bp),
                f::commission_won.eq(fu.commission_won),
                f::updated_at.eq(order.created_at),
            )
        })
        .collect();
    diesel::insert_into(f::table)
        .values(&fulfillment_rows)
        .execute(lite)?;
    let line_rows: Vec<_> = lines
        .zip(new.line_categories)
        .map(|(line, category_id)| {
            (
                l::fulfillment_id.eq(line.fulfillment_id),
                l::product_id.eq(line.product_id),
                l::category_id.eq(*category_id),
                l::product_name.eq(&line.product_name),
                l::unit.eq(&line.unit),
                l::unit_price_won.eq(line.unit_price_won),
                l::quantity.eq(line.quantity),
                l::line_total_won.eq(line.line_total_won),
            )
        })
        .collect();
    diesel::insert_into(l::table)
        .values(&line_rows)
        .execute(lite)?;
    let event_rows: Vec<_> = order
        .fulfillments
        .iter()
        .map(|fu| {
            (
                ev::order_id.eq(order.id),
                ev::fulfillment_id.eq(Some(fu.id)),
                ev::actor_id.eq(order.buyer_id),
                ev::to_status.eq(fu.status.as_str()),
                ev::at.eq(order.created_at),
            )
        })
        .collect();
    diesel::insert_into(ev::table)
        .values(&event_rows)
        .execute(lite)?;
    let total_rows: Vec<_> = new
        .amounts
        .iter()
        .map(|a| {
            (
                pt::agency_id.eq(order.agency_id),
                pt::enterprise_id.eq(a.enterprise_id),
                pt::category_id.eq(a.category_id),
                pt::day.eq(new.today),
                pt::total_won.eq(a.amount_won),
            )
        })
        .collect();
    diesel::insert_into(pt::table)
        .values(&total_rows)
        .on_conflict((pt::agency_id, pt::enterprise_id, pt::category_id, pt::day))
        .do_update()
        .set(pt::total_won.eq(pt::total_won + excluded(pt::total_won)))
        .execute(lite)?;
    Ok(())
}

/// Adds each signed quantity to its product's stock in one statement (SQLite; only integers
/// are spliced into the text). Writers are serialised there, and `CHECK (stock >= 0)` stops a
/// take that the caller failed to check.
fn add_stock_sqlite(lite: &mut SqliteConnection, changes: &[(i64, i64)]) -> DomainResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let values = changes
        .iter()
        .map(|(id, q)| format!("SELECT {id} AS id, {q} AS q"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    diesel::sql_query(format!(
        "UPDATE products SET stock = products.stock + v.q FROM ({values}) AS v \
         WHERE products.id = v.id"
    ))
    .execute(lite)?;
    Ok(())
}

/// Puts quantities back into stock (a refused or cancelled fulfillment). On PostgreSQL the
/// rows are locked in id order first, as placing an order does.
pub(crate) fn restore_stock(conn: &mut DbConn, lines: &[(i64, i64)]) -> DomainResult<()> {
    match conn {
        DbConn::Postgresql(pg) => {
            let ids: Vec<i64> = lines.iter().map(|(id, _)| *id).collect();
            let quantities: Vec<i64> = lines.iter().map(|(_, q)| *q).collect();
            cached_sql("SELECT id FROM products WHERE id = ANY(?) ORDER BY id FOR UPDATE")
                .bind::<Array<BigInt>, _>(&ids)
                .execute(pg)?;
            cached_sql(
                "UPDATE products p SET stock = p.stock + u.quantity \
                 FROM unnest(?::bigint[], ?::bigint[]) AS u(id, quantity) WHERE p.id = u.id",
            )
            .bind::<Array<BigInt>, _>(&ids)
            .bind::<Array<BigInt>, _>(&quantities)
            .execute(pg)?;
            Ok(())
        }
        DbConn::Sqlite(lite) => add_stock_sqlite(lite, lines),
    }
}
