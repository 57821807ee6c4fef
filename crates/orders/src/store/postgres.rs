//! The PostgreSQL statements of order placement (see the module above for the design).

use super::{BatchInputs, NewOrder, ProductRow, PurchaseAmount, Written};
use crate::idempotency;
use crate::model::{Fulfillment, Line, Order};
use crate::status::FulfillmentStatus;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
use diesel::PgConnection;
use muhan_core::DomainResult;
use muhan_db::{cached_sql, BindNext};

/// The read's one row: the products as columns of arrays, then the ids and totals.
#[derive(QueryableByName)]
struct Inputs {
    #[diesel(sql_type = Array<BigInt>)]
    ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    enterprise_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    category_ids: Vec<i64>,
    #[diesel(sql_type = Array<Text>)]
    names: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    units: Vec<String>,
    #[diesel(sql_type = Array<BigInt>)]
    prices: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    min_order_qtys: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    stocks: Vec<i64>,
    #[diesel(sql_type = Array<Text>)]
    statuses: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    enterprise_statuses: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    enterprise_names: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    enterprise_kinds: Vec<String>,
    #[diesel(sql_type = Array<BigInt>)]
    order_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    fulfillment_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_agency_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_enterprise_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_category_ids: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    earlier_totals: Vec<i64>,
}

impl Inputs {
    fn products(self) -> Vec<ProductRow> {
        let mut texts = self
            .names
            .into_iter()
            .zip(self.units)
            .zip(self.statuses)
            .zip(self.enterprise_statuses)
            .zip(self.enterprise_names)
            .zip(self.enterprise_kinds);
        let mut numbers = self
            .ids
            .into_iter()
            .zip(self.enterprise_ids)
            .zip(self.category_ids)
            .zip(self.prices)
            .zip(self.min_order_qtys)
            .zip(self.stocks);
        let mut products = Vec::new();
        while let (Some(numbers), Some(texts)) = (numbers.next(), texts.next()) {
            let (((((id, enterprise_id), category_id), price_won), min_order_qty), stock) = numbers;
            let (((((name, unit), status), enterprise_status), enterprise_name), enterprise_kind) =
                texts;
            products.push(ProductRow {
                id,
                enterprise_id,
                category_id,
                name,
                unit,
                price_won,
                min_order_qty,
                stock,
                status,
                enterprise_status,
                enterprise_name,
                enterprise_kind,
            });
        }
        products
    }
}

/// Reads the inputs of several orders at once (one statement, one row): `orders` lists, per
/// order, its agency and the products of its lines. Each order gets a new id and as many
/// fulfillment ids as its products have distinct enterprises, in order.
pub(crate) fn batch_inputs(
    pg: &mut PgConnection,
    orders: &[(i64, &[i64])],
    window_start: NaiveDate,
) -> DomainResult<BatchInputs> {
    let jobs: Vec<i64> = (0..)
        .zip(orders)
        .flat_map(|(n, (_, ids))| ids.iter().map(move |_| n))
        .collect();
    let product_ids: Vec<i64> = orders
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let agency_ids: Vec<i64> = orders.iter().map(|(agency, _)| *agency).collect();
    let mut read: Inputs = cached_sql(
        "WITH v AS ( \
             SELECT ?::bigint[] AS jobs, ?::bigint[] AS product_ids, ?::bigint[] AS agency_ids \
         ), found AS ( \
             SELECT p.id, p.enterprise_id, p.category_id, p.name, p.unit, p.price_won, \
                 p.min_order_qty, p.stock, p.status, e.status AS enterprise_status, \
                 e.name AS enterprise_name, e.kind AS enterprise_kind \
             FROM products p JOIN enterprises e ON e.id = p.enterprise_id, v \
             WHERE p.id = ANY(v.product_ids) \
         ), parts AS ( \
             SELECT DISTINCT r.job, found.enterprise_id \
             FROM v, unnest(v.jobs, v.product_ids) AS r(job, product_id) \
             JOIN found ON found.id = r.product_id \
         ), earlier AS ( \
             SELECT t.agency_id, t.enterprise_id, t.category_id, SUM(t.total_won)::bigint AS total \
             FROM (SELECT DISTINCT v.agency_ids[parts.job + 1] AS agency_id, parts.enterprise_id \
                   FROM v, parts) AS pairs \
             JOIN purchase_totals t \
                 ON t.agency_id = pairs.agency_id AND t.enterprise_id = pairs.enterprise_id \
             WHERE t.day > ? \
             GROUP BY t.agency_id, t.enterprise_id, t.category_id \
         ), columns AS ( \
             SELECT COALESCE(array_agg(id), '{}') AS ids, \
                 COALESCE(array_agg(enterprise_id), '{}') AS enterprise_ids, \
                 COALESCE(array_agg(category_id), '{}') AS category_ids, \
                 COALESCE(array_agg(name), '{}') AS names, \
                 COALESCE(array_agg(unit), '{}') AS units, \
                 COALESCE(array_agg(price_won), '{}') AS prices, \
                 COALESCE(array_agg(min_order_qty), '{}') AS min_order_qtys, \
                 COALESCE(array_agg(stock), '{}') AS stocks, \
                 COALESCE(array_agg(status), '{}') AS statuses, \
                 COALESCE(array_agg(enterprise_status), '{}') AS enterprise_statuses, \
                 COALESCE(array_agg(enterprise_name), '{}') AS enterprise_names, \
                 COALESCE(array_agg(enterprise_kind), '{}') AS enterprise_kinds \
             FROM found \
         ), sums AS ( \
             SELECT COALESCE(array_agg(agency_id), '{}') AS earlier_agency_ids, \
                 COALESCE(array_agg(enterprise_id), '{}') AS earlier_enterprise_ids, \
                 COALESCE(array_agg(category_id), '{}') AS earlier_category_ids, \
                 COALESCE(array_agg(total), '{}') AS earlier_totals \
             FROM earlier \
         ), ids AS ( \
             SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('orders', 'id')) \
                       FROM v, generate_series(1, cardinality(v.agency_ids))) AS order_ids, \
                 ARRAY(SELECT nextval(pg_get_serial_sequence('fulfillments', 'id')) \
                       FROM generate_series(1, (SELECT count(*) FROM parts))) \
                     AS fulfillment_ids \
         ) \
         SELECT columns.*, ids.*, sums.* FROM columns, ids, sums",
    )
    .bind::<Array<BigInt>, _>(&jobs)
    .bind::<Array<BigInt>, _>(&product_ids)
    .bind::<Array<BigInt>, _>(&agency_ids)
    .bind::<Date, _>(window_start)
    .get_result(pg)?;
    let earlier = read
        .earlier_agency_ids
        .iter()
        .zip(&read.earlier_enterprise_ids)
        .zip(&read.earlier_category_ids)
        .zip(&read.earlier_totals)
        .map(|(((agency_id, enterprise_id), category_id), total)| {
            (
                *agency_id,
                PurchaseAmount {
                    enterprise_id: *enterprise_id,
                    category_id: *category_id,
                    amount_won: *total,
                },
            )
        })
        .collect();
    let mut order_ids = std::mem::take(&mut read.order_ids);
    let mut fulfillment_ids = std::mem::take(&mut read.fulfillment_ids);
    order_ids.sort_unstable();
    fulfillment_ids.sort_unstable();
    Ok(BatchInputs {
        products: read.products(),
        order_ids,
        fulfillment_ids,
        earlier,
    })
}

/// A product that cannot serve the lines asked of it.
#[derive(QueryableByName)]
struct Short {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Writes several orders with one statement, all or nothing: the stock of every line of every
/// order is taken (quantities summed per product), or nothing at all is written and the
/// first product found short is named. The stock is checked on the locked rows (their latest
/// version) before anything is taken, so a short product leaves the others untouched.
pub(crate) fn insert_orders(pg: &mut PgConnection, news: &[NewOrder]) -> DomainResult<Written> {
    let orders = || news.iter().map(|n| n.order);
    let fulfillments = || orders().flat_map(|o| &o.fulfillments);
    let lines = || fulfillments().flat_map(|f| &f.lines);
    let of_orders = |get: fn(&Order) -> i64| orders().map(get).collect::<Vec<_>>();
    let of_fulfillments =
        |get: fn(&Fulfillment) -> i64| fulfillments().map(get).collect::<Vec<_>>();
    let of_lines = |get: fn(&Line) -> i64| lines().map(get).collect::<Vec<_>>();
    let texts_of_lines = |get: fn(&Line) -> &str| lines().map(get).collect::<Vec<_>>();
    // Catalog orders: every line names its product.
    let taking = summed_by_key(
        lines()
            .filter_map(|l| l.product_id.map(|p| (p, l.quantity)))
            .collect(),
    );
    let placed_at = |o: &Order| o.created_at;
    let f_times: Vec<NaiveDateTime> = orders()
        .flat_map(|o| o.fulfillments.iter().map(move |_| o.created_at))
        .collect();
    let f_buyers: Vec<i64> = orders()
        .flat_map(|o| o.fulfillments.iter().map(move |_| o.buyer_id))
        .collect();
    let totals = summed_totals(news);
    let mut keys: Vec<&NewOrder> = news.iter().collect();
    keys.sort_unstable_by_key(|n| (n.keyed.user_id, n.keyed.key));
    // Parameters used more than once are named in `v`; `?` are bound in textual order.
    // Every insert is guarded by `ok`: all lines served, or nothing written. Rows that
    // concurrent statements may share are locked or upserted in key order (no deadlocks).
    let written: QueryResult<Vec<Short>> = cached_sql(
        "WITH v AS ( \
             SELECT ?::text AS status, ?::bigint[] AS product_ids, ?::bigint[] AS quantities, \
                 ?::bigint[] AS f_ids, ?::bigint[] AS f_order_ids, ?::timestamp[] AS f_times, \
                 ?::bigint[] AS f_buyers \
         ), locked AS ( \
             SELECT p.id, p.stock FROM products p, v WHERE p.id = ANY(v.product_ids) \
             ORDER BY p.id FOR NO KEY UPDATE OF p \
         ), short AS ( \
             SELECT u.id FROM v, unnest(v.product_ids, v.quantities) AS u(id, quantity) \
             LEFT JOIN locked ON locked.id = u.id \
             WHERE locked.id IS NULL OR locked.stock < u.quantity \
         ), ok AS ( \
             SELECT NOT EXISTS (SELECT 1 FROM short) AS served \
         ), taken AS ( \
             UPDATE products p SET stock = p.stock - u.quantity \
             FROM ok, v, unnest(v.product_ids, v.quantities) AS u(id, quantity) \
             WHERE ok.served AND p.id = u.id AND p.stock >= u.quantity \
             RETURNING p.id \
         ), new_orders AS ( \
             INSERT INTO orders (id, order_no, agency_id, buyer_id, contract_type, status, \
                 total_won, delivery_address, delivery_district, requested_date, note, warnings, \
                 created_at) \
             SELECT u.id, u.order_no, u.agency_id, u.buyer_id, ?, v.status, u.total_won, \
                 u.address, u.district, u.requested_date, u.note, u.warnings, u.at \
             FROM v, ok, unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], \
                 ?::text[], ?::text[], ?::date[], ?::text[], ?::text[], ?::timestamp[]) \
                 AS u(id, order_no, agency_id, buyer_id, total_won, address, district, \
                     requested_date, note, warnings, at) \
             WHERE ok.served \
         ), new_fulfillments AS ( \
             INSERT INTO fulfillments (id, order_id, enterprise_id, enterprise_name, status, \
                 subtotal_won, commission_bp, commission_won, updated_at) \
             SELECT u.id, u.order_id, u.enterprise_id, u.enterprise_name, v.status, \
                 u.subtotal_won, ?, u.commission_won, u.at \
             FROM v, ok, unnest(v.f_ids, v.f_order_ids, ?::bigint[], ?::text[], ?::bigint[], \
                 ?::bigint[], v.f_times) \
                 AS u(id, order_id, enterprise_id, enterprise_name, subtotal_won, \
                     commission_won, at) \
             WHERE ok.served \
         ), new_lines AS ( \
             INSERT INTO order_lines (fulfillment_id, product_id, category_id, product_name, unit, \
                 unit_price_won, quantity, line_total_won) \
             SELECT u.* \
             FROM ok, unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], \
                 ?::bigint[], ?::bigint[], ?::bigint[]) \
                 AS u(fulfillment_id, product_id, category_id, product_name, unit, unit_price_won, \
                     quantity, line_total_won) \
             WHERE ok.served \
         ), new_events AS ( \
             INSERT INTO order_events (order_id, fulfillment_id, actor_id, to_status, at) \
             SELECT u.order_id, u.id, u.buyer_id, v.status, u.at \
             FROM v, ok, unnest(v.f_ids, v.f_order_ids, v.f_buyers, v.f_times) \
                 WITH ORDINALITY AS u(id, order_id, buyer_id, at, n) \
             WHERE ok.served ORDER BY u.n \
         ), new_totals AS ( \
             INSERT INTO purchase_totals AS t (agency_id, enterprise_id, category_id, day, \
                 total_won) \
             SELECT u.* \
             FROM ok, unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::date[], ?::bigint[]) \
                 AS u(agency_id, enterprise_id, category_id, day, amount) \
             WHERE ok.served \
             ON CONFLICT (agency_id, enterprise_id, category_id, day) \
             DO UPDATE SET total_won = t.total_won + excluded.total_won \
         ), new_keys AS ( \
             INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, status_code, \
                 response_body, created_at) \
             SELECT u.user_id, u.idempotency_key, u.request_hash, 201, u.response_body, u.at \
             FROM ok, unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamp[]) \
                 AS u(user_id, idempotency_key, request_hash, response_body, at) \
             WHERE ok.served \
         ) \
         SELECT id FROM short ORDER BY id",
    )
    .bind::<Text, _>(FulfillmentStatus::Placed.as_str())
    .bind::<Array<BigInt>, _>(taking.iter().map(|t| t.0).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(taking.iter().map(|t| t.1).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.id))
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.order_id))
    .bind::<Array<Timestamp>, _>(&f_times)
    .bind::<Array<BigInt>, _>(&f_buyers)
    .bind::<Text, _>("catalog")
    .bind::<Array<BigInt>, _>(of_orders(|o| o.id))
    .bind::<Array<Text>, _>(orders().map(|o| o.order_no.as_str()).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(of_orders(|o| o.agency_id))
    .bind::<Array<BigInt>, _>(of_orders(|o| o.buyer_id))
    .bind::<Array<BigInt>, _>(of_orders(|o| o.total_won))
    .bind::<Array<Text>, _>(
        orders()
            .map(|o| o.delivery.address.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        orders()
            .map(|o| o.delivery.district.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Date>, _>(
        orders()
            .map(|o| o.delivery.requested_date)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(orders().map(|o| o.note.as_deref()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(news.iter().map(|n| n.warnings_json).collect::<Vec<_>>())
    .bind::<Array<Timestamp>, _>(orders().map(placed_at).collect::<Vec<_>>())
    .bind::<BigInt, _>(news.first().map_or(0, |n| n.commission_bp))
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.enterprise_id))
    .bind::<Array<Text>, _>(
        fulfillments()
            .map(|f| f.enterprise_name.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.subtotal_won))
    .bind::<Array<BigInt>, _>(of_fulfillments(|f| f.commission_won))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.fulfillment_id))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.product_id.unwrap_or_default()))
    .bind::<Array<BigInt>, _>(
        news.iter()
            .flat_map(|n| n.line_categories.iter().copied())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.product_name))
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.unit))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.unit_price_won))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.quantity))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.line_total_won))
    .bind::<Array<BigInt>, _>(totals.iter().map(|t| t.0 .0).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(totals.iter().map(|t| t.0 .1).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(totals.iter().map(|t| t.0 .2).collect::<Vec<_>>())
    .bind::<Array<Date>, _>(totals.iter().map(|t| t.0 .3).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(totals.iter().map(|t| t.1).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(keys.iter().map(|n| n.keyed.user_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys.iter().map(|n| n.keyed.key).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys.iter().map(|n| n.keyed.fingerprint).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys.iter().map(|n| n.response_body).collect::<Vec<_>>())
    .bind::<Array<Timestamp>, _>(keys.iter().map(|n| n.order.created_at).collect::<Vec<_>>())
    .load(pg);
    match written {
        Ok(short) => Ok(short
            .first()
            .map_or(Written::Placed, |p| Written::ShortOf(p.id))),
        Err(e) if idempotency::is_key_taken(&e) => Err(idempotency::in_use()),
        Err(e) => Err(e.into()),
    }
}

/// The orders' amounts added to the running totals, one row per (agency, enterprise,
/// category, day), in key order.
fn summed_totals(news: &[NewOrder]) -> Vec<((i64, i64, i64, NaiveDate), i64)> {
    summed_by_key(
        news.iter()
            .flat_map(|n| {
                n.amounts.iter().map(move |a| {
                    let key = (n.order.agency_id, a.enterprise_id, a.category_id, n.today);
                    (key, a.amount_won)
                })
            })
            .collect(),
    )
}

/// One row per key, in key order, with the amounts of that key added up: an UPDATE or an
/// upsert may touch a row only once per statement, and rows are taken in key order.
fn summed_by_key<K: Ord + Copy>(mut rows: Vec<(K, i64)>) -> Vec<(K, i64)> {
    rows.sort_unstable_by_key(|(key, _)| *key);
    let mut summed: Vec<(K, i64)> = Vec::with_capacity(rows.len());
    for (key, amount) in rows {
        match summed.last_mut() {
            Some((last, sum)) if *last == key => *sum += amount,
            _ => summed.push((key, amount)),
        }
    }
    summed
}

/// Locks the product rows in id order, as placing an order does (no deadlock between them).
pub(super) fn lock_products(pg: &mut PgConnection, ids: &[i64]) -> DomainResult<()> {
    cached_sql("SELECT id FROM products WHERE id = ANY(?) ORDER BY id FOR UPDATE")
        .bind::<Array<BigInt>, _>(ids)
        .execute(pg)?;
    Ok(())
}

pub(super) fn restore_stock(pg: &mut PgConnection, lines: &[(i64, i64)]) -> DomainResult<()> {
    let ids: Vec<i64> = lines.iter().map(|(id, _)| *id).collect();
    let quantities: Vec<i64> = lines.iter().map(|(_, q)| *q).collect();
    lock_products(pg, &ids)?;
    cached_sql(
        "UPDATE products p SET stock = p.stock + u.quantity \
         FROM unnest(?::bigint[], ?::bigint[]) AS u(id, quantity) WHERE p.id = u.id",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<BigInt>, _>(&quantities)
    .execute(pg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::summed_by_key;
    use proptest::prelude::*;

    #[test]
    fn amounts_of_one_key_are_added_up_in_key_order() {
        let rows = vec![(7, 1), (3, 2), (7, 5), (1, 1), (3, 3)];
        assert_eq!(summed_by_key(rows), vec![(1, 1), (3, 5), (7, 6)]);
        assert_eq!(summed_by_key::<i64>(Vec::new()), Vec::new());
    }

    proptest! {
        #[test]
        fn summing_keeps_every_amount_once(rows in proptest::collection::vec((0i64..20, 0i64..1_000_000), 0..60)) {
            let summed = summed_by_key(rows.clone());
            prop_assert!(summed.windows(2).all(|w| w[0].0 < w[1].0));
            for (key, sum) in &summed {
                let expected: i64 = rows.iter().filter(|(k, _)| k == key).map(|(_, a)| a).sum();
                prop_assert_eq!(*sum, expected);
            }
            prop_assert_eq!(summed.len(), rows.iter().map(|(k, _)| k).collect::<std::collections::BTreeSet<_>>().len());
        }
    }
}
