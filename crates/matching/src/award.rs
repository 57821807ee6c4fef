//! Awarding quotes: one or several live quotes of an open request become one `rfq` order
//! (one fulfillment per awarded quote) that runs through the orders lifecycle. Made under an
//! `Idempotency-Key` with the semantics of `POST /orders`.
//!
//! The private-contract limit of each fulfillment depends on the competition the request
//! received (DOMAIN.md): with live quotes from two or more enterprises (2인 이상 견적) the
//! two-quote limit of the enterprise's kind, otherwise the one-quote limit of a direct order.

use crate::events::{self, NewEvent};
use crate::model::{QuoteStatus, RequestEventKind, RequestStatus};
use crate::quotes;
use crate::requests::{self, RequestRow};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::{
    clock, stored, Actor, DomainError, DomainResult, EnterpriseKind, ErrorCode, FieldErrors, Role,
};
use muhan_db::schema::{enterprises as e, procurement_requests as pr, products as p, quotes as q};
use muhan_db::{write_tx, DbConn};
use muhan_orders::awarded::{self, AwardedOrder, AwardedPart};
use muhan_orders::idempotency::{self, KeyedRequest};
use muhan_orders::model::Delivery;
use muhan_orders::OrderSettings;

/// The answer to an award made under an idempotency key: the stored answer when the key was
/// used before (422 if with another body), else the new order (201), stored under the key.
/// As for orders, the award is attempted first and the key looked up only when it is refused
/// (a retry must get its first answer although the request is no longer open).
pub fn award_keyed(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    request_id: i64,
    keyed: &KeyedRequest,
    parse: impl FnOnce() -> DomainResult<Vec<i64>>,
) -> DomainResult<(u16, String)> {
    let attempted = write_tx(conn, |c| {
        let body = award(c, settings, actor, request_id, &parse()?)?;
        idempotency::store(c, keyed, 201, &body)?;
        Ok::<_, DomainError>(body)
    });
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

#[derive(Queryable)]
struct AwardedQuote {
    id: i64,
    enterprise_id: i64,
    product_id: Option<i64>,
    unit_price_won: i64,
    quantity: i64,
    total_won: i64,
    enterprise_name: String,
    enterprise_kind: String,
}

/// Awards the quotes and answers the order as JSON.
fn award(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    request_id: i64,
    quote_ids: &[i64],
) -> DomainResult<String> {
    let row = requests::visible(conn, actor, request_id)?;
    if !(actor.role == Role::Buyer && actor.buys_for_agency(row.agency_id)) {
        return Err(DomainError::forbidden(
            "only the requesting agency's buyers may award",
        ));
    }
    let now = clock::now();
    // The conditional update takes the request's row lock: concurrent awards queue here and
    // all but the first find it no longer open.
    let still_open = requests::lock_open(conn, request_id, now)?;
    if !still_open {
        return Err(DomainError::conflict(
            ErrorCode::Conflict,
            "the request is no longer open (already awarded, closed or cancelled)",
        ));
    }
    if row.sealed_at(now) {
        return Err(DomainError::conflict(
            ErrorCode::QuotesSealed,
            "the quotes are sealed until quotes_due",
        ));
    }
    quotes::open_sealed(conn, actor, &row, now)?;
    let live = live_quotes(conn, request_id)?;
    let chosen = chosen_quotes(&row, &live, quote_ids)?;
    let mut competitors: Vec<i64> = live.iter().map(|quote| quote.enterprise_id).collect();
    competitors.sort_unstable();
    competitors.dedup();
    check_limits(settings, &chosen, competitors.len())?;
    let parts = parts(conn, &row, &chosen)?;
    let order = awarded::place(
        conn,
        settings,
        &AwardedOrder {
            agency_id: row.agency_id,
            buyer_id: actor.user_id,
            delivery: Delivery {
                address: row.delivery_address.clone(),
                district: row.delivery_district.clone(),
                requested_date: row.deliver_by,
            },
            note: Some(format!("견적 요청 #{}: {}", row.id, row.title)),
            parts,
        },
        now,
    )?;
    decide(conn, &row, quote_ids, order.id, now)?;
    events::record(
        conn,
        &NewEvent {
            request_id,
            actor_id: actor.user_id,
            kind: RequestEventKind::Awarded,
            quote_id: None,
            order_id: Some(order.id),
            note: None,
            at: now,
        },
    )?;
    serde_json::to_string(&order).map_err(DomainError::internal)
}

fn live_quotes(conn: &mut DbConn, request_id: i64) -> DomainResult<Vec<AwardedQuote>> {
    Ok(q::table
        .inner_join(e::table)
        .filter(q::request_id.eq(request_id))
        .filter(q::status.eq(QuoteStatus::Submitted.as_str()))
        .order(q::id.asc())
        .select((
            q::id,
            q::enterprise_id,
            q::product_id,
            q::unit_price_won,
            q::quantity,
            q::total_won,
            e::name,
            e::kind,
        ))
        .load(conn)?)
}

/// The named quotes, each a live quote of this request; several only with a consortium,
/// together at most the requested quantity.
fn chosen_quotes<'a>(
    row: &RequestRow,
    live: &'a [AwardedQuote],
    quote_ids: &[i64],
) -> DomainResult<Vec<&'a AwardedQuote>> {
    let mut errors = FieldErrors::new();
    let mut chosen = Vec::with_capacity(quote_ids.len());
    for (i, id) in quote_ids.iter().enumerate() {
        match live.iter().find(|quote| quote.id == *id) {
            Some(quote) => chosen.push(quote),
            None => errors.push(
                &format!("quote_ids[{i}]"),
                "is not a live (submitted) quote of this request",
            ),
        }
    }
    if quote_ids.len() > 1 && !row.allow_consortium {
        errors.push(
            "quote_ids",
            "this request does not allow a consortium: award one quote",
        );
    }
    let quantity: i64 = chosen.iter().map(|quote| quote.quantity).sum();
    if quantity > row.quantity {
        errors.push(
            "quote_ids",
            format!(
                "the quotes add up to {quantity} units, more than the requested {}",
                row.quantity
            ),
        );
    }
    errors.finish(ErrorCode::ValidationFailed)?;
    Ok(chosen)
}

/// 422 `private_contract_limit_exceeded` when an awarded quote is over its enterprise kind's
/// limit for the competition received.
fn check_limits(
    settings: &OrderSettings,
    chosen: &[&AwardedQuote],
    quoting_enterprises: usize,
) -> DomainResult<()> {
    let mut over = FieldErrors::new();
    for (i, quote) in chosen.iter().enumerate() {
        let kind: EnterpriseKind = stored(&quote.enterprise_kind)?;
        let limit = settings.contract_limit(kind, quoting_enterprises);
        if quote.total_won > limit {
            over.push(
                &format!("quote_ids[{i}]"),
                format!(
                    "{} won from {} exceeds the {limit} won private-contract limit for a {kind} with quotes from {quoting_enterprises} enterprise(s); a competitive tender is required",
                    quote.total_won, quote.enterprise_name
                ),
            );
        }
    }
    over.finish(ErrorCode::PrivateContractLimitExceeded)
}

/// One order part per awarded quote: a catalog product's name and classification, or the
/// request's title and category for a made-to-order quote.
fn parts(
    conn: &mut DbConn,
    row: &RequestRow,
    chosen: &[&AwardedQuote],
) -> DomainResult<Vec<AwardedPart>> {
    let mut parts = Vec::with_capacity(chosen.len());
    for quote in chosen {
        let (product_name, unit, category_id) = match quote.product_id {
            Some(product_id) => p::table
                .find(product_id)
                .select((p::name, p::unit, p::category_id))
                .first::<(String, String, i64)>(conn)
                .optional()?
                .unwrap_or_else(|| (row.title.clone(), row.unit.clone(), row.category_id)),
            None => (row.title.clone(), row.unit.clone(), row.category_id),
        };
        parts.push(AwardedPart {
            enterprise_id: quote.enterprise_id,
            enterprise_name: quote.enterprise_name.clone(),
            product_id: quote.product_id,
            category_id,
            product_name,
            unit,
            unit_price_won: quote.unit_price_won,
            quantity: quote.quantity,
            subtotal_won: quote.total_won,
        });
    }
    Ok(parts)
}

/// The request becomes `awarded` with its order; the awarded quotes `awarded`, the other live
/// ones `not_awarded`.
fn decide(
    conn: &mut DbConn,
    row: &RequestRow,
    quote_ids: &[i64],
    order_id: i64,
    now: NaiveDateTime,
) -> DomainResult<()> {
    diesel::update(pr::table.find(row.id))
        .set((
            pr::status.eq(RequestStatus::Awarded.as_str()),
            pr::order_id.eq(Some(order_id)),
            pr::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(q::table.filter(q::id.eq_any(quote_ids)))
        .set((
            q::status.eq(QuoteStatus::Awarded.as_str()),
            q::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(
        q::table
            .filter(q::request_id.eq(row.id))
            .filter(q::status.eq(QuoteStatus::Submitted.as_str())),
    )
    .set((
        q::status.eq(QuoteStatus::NotAwarded.as_str()),
        q::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}
