//! The actions that move a fulfillment through its states (`crate::status`), with their
//! permission checks, events and stock effects.

use crate::model::Fulfillment;
use crate::status::{next, order_status, party_of, Action, FulfillmentStatus, Party};
use crate::store::{self, release};
use crate::view;
use crate::OrderSettings;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use muhan_core::ErrorCode;
use muhan_core::{clock, stored, text, Actor, DomainError, DomainResult};
use muhan_db::schema::{fulfillments as f, order_events as ev, order_lines, orders as o};
use muhan_db::DbConn;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectRequest {
    /// `true`: accepted (→ `inspected`); `false`: returned to the enterprise (→ `returned`).
    pub passed: bool,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Queryable)]
struct Target {
    order_id: i64,
    enterprise_id: i64,
    status: String,
    subtotal_won: i64,
    commission_won: i64,
    agency_id: i64,
}

fn load_target(conn: &mut DbConn, id: i64) -> DomainResult<Target> {
    f::table
        .inner_join(o::table)
        .filter(f::id.eq(id))
        .select((
            f::order_id,
            f::enterprise_id,
            f::status,
            f::subtotal_won,
            f::commission_won,
            o::agency_id,
        ))
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("fulfillment".into()))
}

fn invalid_transition(from: FulfillmentStatus, action: Action) -> DomainError {
    DomainError::conflict(
        ErrorCode::InvalidTransition,
        format!("cannot {} a fulfillment that is {from}", action.name()),
    )
}

/// One change of a fulfillment's state, as it is recorded in the event log.
struct Change<'a> {
    pub actor_id: i64,
    pub order_id: i64,
    pub fulfillment_id: i64,
    pub from: FulfillmentStatus,
    pub to: FulfillmentStatus,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// Records one transition: the conditional update (so a concurrent transition cannot slip in
/// between), the event, and the order's derived status.
fn transition(conn: &mut DbConn, change: &Change<'_>) -> DomainResult<()> {
    let changed = diesel::update(
        f::table
            .filter(f::id.eq(change.fulfillment_id))
            .filter(f::status.eq(change.from.as_str())),
    )
    .set((
        f::status.eq(change.to.as_str()),
        f::updated_at.eq(change.at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "the fulfillment changed meanwhile; reload it",
        ));
    }
    record_event(conn, change)?;
    refresh_order_status(conn, change.order_id)
}

fn record_event(conn: &mut DbConn, change: &Change<'_>) -> DomainResult<()> {
    diesel::insert_into(ev::table)
        .values((
            ev::order_id.eq(change.order_id),
            ev::fulfillment_id.eq(change.fulfillment_id),
            ev::actor_id.eq(change.actor_id),
            ev::from_status.eq(Some(change.from.as_str())),
            ev::to_status.eq(change.to.as_str()),
            ev::note.eq(change.note),
            ev::at.eq(change.at),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn refresh_order_status(conn: &mut DbConn, order_id: i64) -> DomainResult<()> {
    let statuses: Vec<String> = f::table
        .filter(f::order_id.eq(order_id))
        .select(f::status)
        .load(conn)?;
    let statuses = statuses
        .iter()
        .map(|s| stored(s))
        .collect::<DomainResult<Vec<FulfillmentStatus>>>()?;
    diesel::update(o::table.find(order_id))
        .set(o::status.eq(order_status(&statuses).as_str()))
        .execute(conn)?;
    Ok(())
}

/// Applies `action` to fulfillment `id` for `actor`: 404 when they cannot see it, 403 when
/// their role may not take the action, 409 when the state does not allow it.
pub fn act(
    conn: &mut DbConn,
    settings: &OrderSettings,
    actor: &Actor,
    id: i64,
    action: Action,
    note: Option<&str>,
) -> DomainResult<Fulfillment> {
    let target = load_target(conn, id)?;
    let party = party_of(actor, target.enterprise_id, target.agency_id)
        .ok_or_else(|| DomainError::NotFound("fulfillment".into()))?;
    if !action.allowed(party) {
        return Err(DomainError::forbidden(format!(
            "you may not {} this fulfillment",
            action.name()
        )));
    }
    if party != Party::Admin {
        actor.require_active()?;
    }
    let from: FulfillmentStatus = stored(&target.status)?;
    let to = next(from, action).ok_or_else(|| invalid_transition(from, action))?;
    let note = match (action, note) {
        (Action::Reject, note) => Some(
            text::free(note.unwrap_or(""), 1, 500)
                .map_err(|e| DomainError::invalid("reason", e.0))?,
        ),
        (_, Some(n)) => {
            Some(text::free(n, 0, 1000).map_err(|e| DomainError::invalid("note", e.0))?)
        }
        (_, None) => None,
    };
    let now = clock::now();
    transition(
        conn,
        &Change {
            actor_id: actor.user_id,
            order_id: target.order_id,
            fulfillment_id: id,
            from,
            to,
            note: note.as_deref(),
            at: now,
        },
    )?;
    let today = now.date();
    match to {
        FulfillmentStatus::Rejected => {
            release(conn, id)?;
            diesel::update(f::table.find(id))
                .set(f::reject_reason.eq(note.as_deref()))
                .execute(conn)?;
        }
        FulfillmentStatus::Delivered => {
            diesel::update(f::table.find(id))
                .set((
                    f::delivered_at.eq(now),
                    f::inspection_due.eq(today + Duration::days(settings.inspection_days)),
                ))
                .execute(conn)?;
        }
        FulfillmentStatus::PaymentClaimed => {
            diesel::update(f::table.find(id))
                .set((
                    f::payment_claimed_at.eq(now),
                    f::payment_due.eq(today + Duration::days(settings.payment_days)),
                ))
                .execute(conn)?;
        }
        FulfillmentStatus::Paid => {
            diesel::update(f::table.find(id))
                .set(f::paid_at.eq(now))
                .execute(conn)?;
        }
        FulfillmentStatus::Settled => {
            diesel::update(f::table.find(id))
                .set((
                    f::settled_at.eq(now),
                    f::settlement_won.eq(crate::money::settlement(
                        target.subtotal_won,
                        target.commission_won,
                    )),
                ))
                .execute(conn)?;
        }
        _ => {}
    }
    view::fulfillment(conn, id)
}

/// Cancels the order's fulfillments that are still `placed` or `accepted` and restores their
/// stock (the ordering agency's buyers or an admin).
pub fn cancel_order(conn: &mut DbConn, actor: &Actor, order_id: i64) -> DomainResult<()> {
    let (agency_id,): (i64,) = o::table
        .find(order_id)
        .select((o::agency_id,))
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("order".into()))?;
    let rows: Vec<(i64, i64, String)> = f::table
        .filter(f::order_id.eq(order_id))
        .select((f::id, f::enterprise_id, f::status))
        .order(f::id.asc())
        .load(conn)?;
    let visible = actor.is_admin()
        || actor.buys_for_agency(agency_id)
        || rows.iter().any(|(_, e, _)| actor.acts_for_enterprise(*e));
    if !visible {
        return Err(DomainError::NotFound("order".into()));
    }
    let party = if actor.is_admin() {
        Party::Admin
    } else if actor.buys_for_agency(agency_id) {
        Party::Buyer
    } else {
        Party::Enterprise
    };
    if !Action::Cancel.allowed(party) {
        return Err(DomainError::forbidden(
            "only the ordering agency's buyers or an admin may cancel",
        ));
    }
    if party != Party::Admin {
        actor.require_active()?;
    }
    let now = clock::now();
    let mut cancelled: Vec<(i64, i64)> = Vec::new();
    for (id, enterprise_id, status) in rows {
        let from: FulfillmentStatus = stored(&status)?;
        if let Some(to) = next(from, Action::Cancel) {
            transition(
                conn,
                &Change {
                    actor_id: actor.user_id,
                    order_id,
                    fulfillment_id: id,
                    from,
                    to,
                    note: None,
                    at: now,
                },
            )?;
            cancelled.push((enterprise_id, id));
        }
    }
    // Rows shared with concurrent orders are taken in the order placing an order takes them:
    // every product first (id order), then the running totals (enterprise, category).
    let fulfillment_ids: Vec<i64> = cancelled.iter().map(|(_, id)| *id).collect();
    let products: Vec<i64> = order_lines::table
        .filter(order_lines::fulfillment_id.eq_any(&fulfillment_ids))
        .filter(order_lines::product_id.is_not_null())
        .select(order_lines::product_id.assume_not_null())
        .load(conn)?;
    store::lock_products(conn, &products)?;
    cancelled.sort_unstable();
    for (_, id) in &cancelled {
        release(conn, *id)?;
    }
    if cancelled.is_empty() {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "no fulfillment of this order can still be cancelled",
        ));
    }
    Ok(())
}
