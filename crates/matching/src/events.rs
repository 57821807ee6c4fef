//! A request's append-only event log.

use crate::model::{RequestEvent, RequestEventKind};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::{stored, Actor, DomainResult, Role};
use muhan_db::schema::{fulfillments as f, procurement_events as pe, quotes as q};
use muhan_db::DbConn;

/// One event to record.
pub(crate) struct NewEvent<'a> {
    pub request_id: i64,
    pub actor_id: i64,
    pub kind: RequestEventKind,
    pub quote_id: Option<i64>,
    pub order_id: Option<i64>,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub(crate) fn record(conn: &mut DbConn, event: &NewEvent) -> DomainResult<()> {
    diesel::insert_into(pe::table)
        .values((
            pe::request_id.eq(event.request_id),
            pe::actor_id.eq(event.actor_id),
            pe::kind.eq(event.kind.as_str()),
            pe::quote_id.eq(event.quote_id),
            pe::order_id.eq(event.order_id),
            pe::note.eq(event.note),
            pe::at.eq(event.at),
        ))
        .execute(conn)?;
    Ok(())
}

type EventRow = (
    i64,
    NaiveDateTime,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The request's events in order. An enterprise sees the events of its own quotes and those
/// of the request itself, not other enterprises' quotes.
pub(crate) fn list(
    conn: &mut DbConn,
    actor: &Actor,
    request_id: i64,
) -> DomainResult<Vec<RequestEvent>> {
    let rows: Vec<EventRow> = pe::table
        .filter(pe::request_id.eq(request_id))
        .order(pe::id.asc())
        .select((
            pe::id,
            pe::at,
            pe::actor_id,
            pe::kind,
            pe::quote_id,
            pe::order_id,
            pe::note,
        ))
        .load(conn)?;
    // An enterprise sees which order the award became only when it has a part in it.
    let own_orders: Option<Vec<i64>> = match actor.role {
        Role::Enterprise => Some(
            f::table
                .filter(f::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)))
                .filter(f::order_id.eq_any(rows.iter().filter_map(|r| r.5).collect::<Vec<_>>()))
                .select(f::order_id)
                .load(conn)?,
        ),
        Role::Admin | Role::Buyer => None,
    };
    let own_quotes: Option<Vec<i64>> = match actor.role {
        Role::Enterprise => Some(
            q::table
                .filter(q::request_id.eq(request_id))
                .filter(q::enterprise_id.eq(actor.enterprise_id.unwrap_or(-1)))
                .select(q::id)
                .load(conn)?,
        ),
        Role::Admin | Role::Buyer => None,
    };
    let mut events = Vec::with_capacity(rows.len());
    for (id, at, actor_id, kind, quote_id, order_id, note) in rows {
        if let (Some(own), Some(quote)) = (&own_quotes, quote_id) {
            if !own.contains(&quote) {
                continue;
            }
        }
        let order_id = match (&own_orders, order_id) {
            (Some(own), Some(order)) if !own.contains(&order) => None,
            _ => order_id,
        };
        events.push(RequestEvent {
            id,
            at,
            actor_id,
            kind: stored(&kind)?,
            quote_id,
            order_id,
            note,
        });
    }
    Ok(events)
}
