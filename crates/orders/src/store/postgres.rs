//! The PostgreSQL statements of order placement (see the module above for the design).

use super::{NewOrder, OrderInputs, ProductRow, PurchaseAmount, Written};
use crate::idempotency;
use crate::view::{Fulfillment, Line};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
use diesel::PgConnection;
use muhan_core::DomainResult;
use muhan_db::{cached_sql, BindNext};

/// A product row of the read, each repeating the ids and totals of the whole order.
#[derive(QueryableByName)]
struct InputRow {
    #[diesel(embed)]
    product: ProductRow,
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

pub(super) fn order_inputs(
    pg: &mut PgConnection,
    product_ids: &[i64],
    agency_id: i64,
    window_start: NaiveDate,
) -> DomainResult<OrderInputs> {
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
    let products = rows.into_iter().map(|r| r.product).collect();
    Ok(OrderInputs {
        products,
        order_id,
        fulfillment_ids,
        earlier,
    })
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

pub(super) fn insert_order(pg: &mut PgConnection, new: &NewOrder) -> DomainResult<Written> {
    let order = new.order;
    let fulfillments = &order.fulfillments;
    let lines: Vec<&Line> = fulfillments.iter().flat_map(|f| &f.lines).collect();
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
                 ?::text AS status, ?::timestamp AS at, ?::bigint[] AS product_ids, \
                 ?::bigint[] AS quantities, ?::bigint[] AS fulfillment_ids \
         ), locked AS ( \
             SELECT p.id FROM products p, v WHERE p.id = ANY(v.product_ids) \
             ORDER BY p.id FOR NO KEY UPDATE OF p \
         ), taken AS ( \
             UPDATE products p SET stock = p.stock - u.quantity \
             FROM locked, v, unnest(v.product_ids, v.quantities) AS u(id, quantity) \
             WHERE p.id = locked.id AND p.id = u.id AND p.stock >= u.quantity \
             RETURNING p.id \
         ), ok AS ( \
             SELECT (SELECT count(*) FROM taken) = cardinality(v.product_ids) AS served FROM v \
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
             FROM v, ok, unnest(?::bigint[], v.product_ids, ?::bigint[], ?::text[], ?::text[], \
                 ?::bigint[], v.quantities, ?::bigint[]) \
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
    .bind::<Array<BigInt>, _>(of_lines(|l| l.product_id))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.quantity))
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
    .bind::<Array<BigInt>, _>(new.line_categories)
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.product_name))
    .bind::<Array<Text>, _>(texts_of_lines(|l| &l.unit))
    .bind::<Array<BigInt>, _>(of_lines(|l| l.unit_price_won))
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

pub(super) fn restore_stock(pg: &mut PgConnection, lines: &[(i64, i64)]) -> DomainResult<()> {
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
