//! The statements whose text differs by backend (upserts), and the one-live-quote insert.

use crate::input::ParsedQuote;
use crate::model::{QuoteStatus, RequestEventKind};
use crate::requests::RequestRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::DomainResult;
use muhan_db::schema::{procurement_events as pe, quotes as q};
use muhan_db::DbConn;

/// Inserts a live quote; `None` when the enterprise already has one on the request (the
/// partial unique index decides, whatever the interleaving of submissions).
pub(crate) fn insert_quote(
    conn: &mut DbConn,
    row: &RequestRow,
    enterprise_id: i64,
    user_id: i64,
    quote: &ParsedQuote,
    now: NaiveDateTime,
) -> DomainResult<Option<i64>> {
    let inserted = diesel::insert_into(q::table)
        .values((
            q::request_id.eq(row.id),
            q::enterprise_id.eq(enterprise_id),
            q::product_id.eq(quote.product_id),
            q::unit_price_won.eq(quote.unit_price_won),
            q::quantity.eq(quote.quantity),
            q::total_won.eq(quote.total_won),
            q::lead_time_days.eq(quote.lead_time_days),
            q::note.eq(&quote.note),
            q::status.eq(QuoteStatus::Submitted.as_str()),
            q::submitted_by.eq(user_id),
            q::created_at.eq(now),
            q::updated_at.eq(now),
        ))
        .returning(q::id)
        .get_result::<i64>(conn);
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Records `quotes_opened` for the request unless it is recorded already.
pub(crate) fn record_opened_once(
    conn: &mut DbConn,
    request_id: i64,
    actor_id: i64,
    at: NaiveDateTime,
) -> DomainResult<()> {
    muhan_db::on_backend!(conn, |c| {
        diesel::insert_into(pe::table)
            .values((
                pe::request_id.eq(request_id),
                pe::actor_id.eq(actor_id),
                pe::kind.eq(RequestEventKind::QuotesOpened.as_str()),
                pe::at.eq(at),
            ))
            .on_conflict_do_nothing()
            .execute(c)
    })?;
    Ok(())
}
