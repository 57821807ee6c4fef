//! Quotes: an enterprise submits one live quote per request and may withdraw it while quoting
//! is open; the buyer's agency and admins see the live quotes side by side, sorted by total,
//! each with its match score — unless they are sealed until `quotes_due`, when only their
//! count shows. After `quotes_due` no quote can be submitted or withdrawn.

use crate::engine::{self, Offer};
use crate::events::{self, NewEvent};
use crate::input::ParsedQuote;
use crate::model::{Quote, QuoteList, QuoteStatus, RequestEventKind};
use crate::offers;
use crate::requests::{self, RequestRow};
use crate::store;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::{
    clock, stored, Actor, DomainError, DomainResult, EnterpriseKind, EnterpriseStatus, ErrorCode,
    ProductStatus, Role,
};
use muhan_db::schema::{enterprises as e, products as p, quotes as q};
use muhan_db::DbConn;

#[derive(Debug, Clone, Queryable)]
pub(crate) struct QuoteRow {
    pub id: i64,
    pub request_id: i64,
    pub enterprise_id: i64,
    pub product_id: Option<i64>,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub total_won: i64,
    pub lead_time_days: i64,
    pub note: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub enterprise_name: String,
    pub enterprise_kind: String,
    pub enterprise_district: String,
}

fn quote_rows(conn: &mut DbConn, request_id: i64) -> DomainResult<Vec<QuoteRow>> {
    Ok(q::table
        .inner_join(e::table)
        .filter(q::request_id.eq(request_id))
        .order(q::id.asc())
        .select((
            q::id,
            q::request_id,
            q::enterprise_id,
            q::product_id,
            q::unit_price_won,
            q::quantity,
            q::total_won,
            q::lead_time_days,
            q::note,
            q::status,
            q::created_at,
            e::name,
            e::kind,
            e::district,
        ))
        .load(conn)?)
}

fn quotes_closed() -> DomainError {
    DomainError::conflict(
        ErrorCode::QuotesClosed,
        "quoting closed at the request's quotes_due",
    )
}

fn not_open() -> DomainError {
    DomainError::conflict(ErrorCode::Conflict, "the request is no longer open")
}

/// Submits the caller's enterprise's quote (an active user of a verified enterprise). A
/// second live quote from the same enterprise is 409 `conflict`; after `quotes_due`, 409
/// `quotes_closed`.
pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    request_id: i64,
    quote: &ParsedQuote,
) -> DomainResult<Quote> {
    let row = requests::visible(conn, actor, request_id)?;
    let enterprise_id = actor.own_enterprise()?;
    let (status, _) = muhan_catalog::enterprises::status_of(conn, enterprise_id)?;
    if status != EnterpriseStatus::Verified {
        return Err(DomainError::forbidden(
            "only verified enterprises may quote",
        ));
    }
    let now = clock::now();
    if !requests::lock_open(conn, request_id, now)? {
        return Err(not_open());
    }
    if row.quoting_closed_at(now) {
        return Err(quotes_closed());
    }
    check_against_request(conn, &row, enterprise_id, quote, now)?;
    let live: Option<i64> = q::table
        .filter(q::request_id.eq(request_id))
        .filter(q::enterprise_id.eq(enterprise_id))
        .filter(q::status.eq(QuoteStatus::Submitted.as_str()))
        .select(q::id)
        .first(conn)
        .optional()?;
    if let Some(live) = live {
        return Err(one_live_quote(live));
    }
    let id = store::insert_quote(conn, &row, enterprise_id, actor.user_id, quote, now)?
        .ok_or_else(|| one_live_quote(0))?;
    events::record(
        conn,
        &NewEvent {
            request_id,
            actor_id: actor.user_id,
            kind: RequestEventKind::QuoteSubmitted,
            quote_id: Some(id),
            order_id: None,
            note: None,
            at: now,
        },
    )?;
    list_for(conn, actor, &row, now)?
        .items
        .into_iter()
        .find(|quote| quote.id == id)
        .ok_or_else(|| DomainError::internal("the new quote is not listed"))
}

fn one_live_quote(live: i64) -> DomainError {
    let which = if live > 0 {
        format!(" (quote {live})")
    } else {
        String::new()
    };
    DomainError::conflict(
        ErrorCode::Conflict,
        format!(
            "this enterprise already has a live quote on the request{which}; withdraw it first"
        ),
    )
}

/// The quote's fields against the request: at most the requested quantity, a lead time that
/// meets `deliver_by`, and a product (if named) of the enterprise's, approved, in the
/// request's category or below it.
fn check_against_request(
    conn: &mut DbConn,
    row: &RequestRow,
    enterprise_id: i64,
    quote: &ParsedQuote,
    now: NaiveDateTime,
) -> DomainResult<()> {
    if quote.quantity > row.quantity {
        return Err(DomainError::invalid(
            "quantity",
            format!("at most the requested quantity {}", row.quantity),
        ));
    }
    let days_left = (row.deliver_by - now.date()).num_days();
    if quote.lead_time_days > days_left {
        return Err(DomainError::invalid(
            "lead_time_days",
            format!(
                "delivery must be possible by {} ({days_left} days)",
                row.deliver_by
            ),
        ));
    }
    if let Some(product_id) = quote.product_id {
        let product: Option<(i64, i64, String)> = p::table
            .find(product_id)
            .select((p::enterprise_id, p::category_id, p::status))
            .first(conn)
            .optional()?;
        let depths = offers::depths(conn, row)?;
        let fits = match product {
            Some((owner, category_id, status)) => {
                owner == enterprise_id
                    && stored::<ProductStatus>(&status)? == ProductStatus::Approved
                    && depths.contains_key(&category_id)
            }
            None => false,
        };
        if !fits {
            return Err(DomainError::invalid(
                "product_id",
                "must be one of your approved products in the request's category",
            ));
        }
    }
    Ok(())
}

/// Withdraws the caller's enterprise's live quote while quoting is open.
pub fn withdraw(conn: &mut DbConn, actor: &Actor, quote_id: i64) -> DomainResult<Quote> {
    actor.require_active()?;
    let found: Option<(i64, i64, String)> = q::table
        .find(quote_id)
        .select((q::request_id, q::enterprise_id, q::status))
        .first(conn)
        .optional()?;
    let not_found = || DomainError::NotFound("quote".into());
    let (request_id, enterprise_id, status) = found.ok_or_else(not_found)?;
    let row = requests::visible(conn, actor, request_id).map_err(|_| not_found())?;
    if !actor.acts_for_enterprise(enterprise_id) {
        return match actor.role {
            Role::Enterprise => Err(not_found()),
            Role::Admin | Role::Buyer => Err(DomainError::forbidden(
                "only the quoting enterprise may withdraw its quote",
            )),
        };
    }
    let now = clock::now();
    if stored::<QuoteStatus>(&status)? != QuoteStatus::Submitted {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "only a submitted quote can be withdrawn",
        ));
    }
    if !requests::lock_open(conn, request_id, now)? {
        return Err(not_open());
    }
    if row.quoting_closed_at(now) {
        return Err(quotes_closed());
    }
    let changed = diesel::update(
        q::table
            .filter(q::id.eq(quote_id))
            .filter(q::status.eq(QuoteStatus::Submitted.as_str())),
    )
    .set((
        q::status.eq(QuoteStatus::Withdrawn.as_str()),
        q::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed != 1 {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "only a submitted quote can be withdrawn",
        ));
    }
    events::record(
        conn,
        &NewEvent {
            request_id,
            actor_id: actor.user_id,
            kind: RequestEventKind::QuoteWithdrawn,
            quote_id: Some(quote_id),
            order_id: None,
            note: None,
            at: now,
        },
    )?;
    list_for(conn, actor, &row, now)?
        .items
        .into_iter()
        .find(|quote| quote.id == quote_id)
        .ok_or_else(|| DomainError::internal("the withdrawn quote is not listed"))
}

/// The request's quotes as `actor` may see them (see [`QuoteList`]). The first time the
/// buyer's side sees sealed quotes after their deadline, a `quotes_opened` event is recorded.
pub fn list(conn: &mut DbConn, actor: &Actor, request_id: i64) -> DomainResult<QuoteList> {
    let row = requests::visible(conn, actor, request_id)?;
    let now = clock::now();
    if actor.role != Role::Enterprise {
        requests::require_owner_or_admin(actor, &row)?;
        open_sealed(conn, actor, &row, now)?;
    }
    list_for(conn, actor, &row, now)
}

/// Records `quotes_opened` once, when sealed quotes are first seen after their deadline.
pub(crate) fn open_sealed(
    conn: &mut DbConn,
    actor: &Actor,
    row: &RequestRow,
    now: NaiveDateTime,
) -> DomainResult<()> {
    if row.quoting_closed_at(now) {
        store::record_opened_once(conn, row.id, actor.user_id, now)?;
    }
    Ok(())
}

pub(crate) fn list_for(
    conn: &mut DbConn,
    actor: &Actor,
    row: &RequestRow,
    now: NaiveDateTime,
) -> DomainResult<QuoteList> {
    let rows = quote_rows(conn, row.id)?;
    let scores = scores(conn, row, &rows, now)?;
    let mut items = Vec::new();
    for (quote, score) in rows.into_iter().zip(scores) {
        let status: QuoteStatus = stored(&quote.status)?;
        let shown = match actor.role {
            Role::Enterprise => actor.acts_for_enterprise(quote.enterprise_id),
            Role::Admin | Role::Buyer => status != QuoteStatus::Withdrawn,
        };
        if shown {
            items.push(view(quote, status, score)?);
        }
    }
    items.sort_by_key(|quote| (quote.total_won, quote.id));
    let count = items.len() as i64;
    let sealed = row.sealed_at(now);
    if sealed && actor.role != Role::Enterprise {
        items.clear();
    }
    Ok(QuoteList {
        items,
        sealed,
        count,
    })
}

fn view(quote: QuoteRow, status: QuoteStatus, score: f64) -> DomainResult<Quote> {
    let kind: EnterpriseKind = stored(&quote.enterprise_kind)?;
    Ok(Quote {
        id: quote.id,
        request_id: quote.request_id,
        enterprise_id: quote.enterprise_id,
        enterprise_name: quote.enterprise_name,
        enterprise_kind: kind,
        enterprise_district: quote.enterprise_district,
        product_id: quote.product_id,
        unit_price_won: quote.unit_price_won,
        quantity: quote.quantity,
        total_won: quote.total_won,
        lead_time_days: quote.lead_time_days,
        note: quote.note,
        status,
        score,
        created_at: quote.created_at,
    })
}

/// Each quote's match score among the request's quotes that were live when it was decided
/// (submitted, awarded or not awarded; withdrawn quotes score 0), by the engine's formula.
/// The deadline is counted from the request's opening, so a score does not change as days
/// pass.
fn scores(
    conn: &mut DbConn,
    row: &RequestRow,
    rows: &[QuoteRow],
    now: NaiveDateTime,
) -> DomainResult<Vec<f64>> {
    let depths = offers::depths(conn, row)?;
    let mut enterprise_ids: Vec<i64> = rows.iter().map(|r| r.enterprise_id).collect();
    enterprise_ids.sort_unstable();
    enterprise_ids.dedup();
    let revenue = offers::trailing_revenue(conn, &enterprise_ids, now)?;
    let product_categories: Vec<(i64, i64)> = p::table
        .filter(p::id.eq_any(rows.iter().filter_map(|r| r.product_id).collect::<Vec<_>>()))
        .select((p::id, p::category_id))
        .load(conn)?;
    let mut scored: Vec<usize> = Vec::new();
    let mut offers: Vec<Offer> = Vec::new();
    for (i, quote) in rows.iter().enumerate() {
        if stored::<QuoteStatus>(&quote.status)? == QuoteStatus::Withdrawn {
            continue;
        }
        let category_depth = match quote.product_id {
            Some(product_id) => product_categories
                .iter()
                .find(|(id, _)| *id == product_id)
                .and_then(|(_, category)| depths.get(category).copied()),
            None => Some(0),
        };
        scored.push(i);
        offers.push(Offer {
            enterprise_id: quote.enterprise_id,
            enterprise_kind: stored(&quote.enterprise_kind)?,
            district: quote.enterprise_district.clone(),
            product_id: quote.product_id,
            unit_price_won: quote.unit_price_won,
            available_qty: quote.quantity,
            min_order_qty: 1,
            lead_time_days: quote.lead_time_days,
            trailing_revenue_won: revenue.get(&quote.enterprise_id).copied().unwrap_or(0),
            category_depth,
        });
    }
    let need = offers::need(row, row.created_at.date());
    let mut out = vec![0.0; rows.len()];
    for ranked in engine::rank(&need, &offers) {
        if let Some(i) = scored.get(ranked.offer) {
            out[*i] = ranked.score;
        }
    }
    Ok(out)
}
