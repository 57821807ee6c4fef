//! Procurement requests: opening one (active buyers), who sees which, cancelling and closing.
//!
//! Visibility, one rule for every path ([`visible`]): admins see every request; a buyer its
//! agency's; an enterprise user every open request and those its enterprise quoted on. Lists
//! narrow an enterprise's open requests to the categories it sells in (with their ancestors
//! and descendants). Anything not visible is 404.

use crate::events::{self, NewEvent};
use crate::input::ParsedRequest;
use crate::model::{ProcurementRequest, QuoteStatus, RequestEventKind, RequestStatus};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use muhan_catalog::{categories, districts};
use muhan_core::cursor::split_page;
use muhan_core::{clock, stored, Actor, DomainError, DomainResult, ErrorCode, Role};
use muhan_db::schema::{agencies as a, procurement_requests as pr, products as p, quotes as q};
use muhan_db::DbConn;
use serde::Deserialize;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pr)]
pub(crate) struct RequestRow {
    pub id: i64,
    pub agency_id: i64,
    pub buyer_id: i64,
    pub title: String,
    pub category_id: i64,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub budget_won: i64,
    pub delivery_district: String,
    pub delivery_address: String,
    pub deliver_by: NaiveDate,
    pub allow_consortium: bool,
    pub quotes_due: Option<NaiveDateTime>,
    pub status: String,
    pub order_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl RequestRow {
    pub(crate) fn status(&self) -> DomainResult<RequestStatus> {
        stored(&self.status)
    }

    /// Whether the quotes are still sealed at `now` (before `quotes_due`).
    pub(crate) fn sealed_at(&self, now: NaiveDateTime) -> bool {
        self.quotes_due.is_some_and(|due| now < due)
    }

    /// Whether quoting has closed at `now` (`quotes_due` has passed).
    pub(crate) fn quoting_closed_at(&self, now: NaiveDateTime) -> bool {
        self.quotes_due.is_some_and(|due| now >= due)
    }

    fn view(self, agency_name: String) -> DomainResult<ProcurementRequest> {
        Ok(ProcurementRequest {
            status: self.status()?,
            id: self.id,
            agency_id: self.agency_id,
            agency_name,
            buyer_id: self.buyer_id,
            title: self.title,
            category_id: self.category_id,
            description: self.description,
            quantity: self.quantity,
            unit: self.unit,
            budget_won: self.budget_won,
            delivery_district: self.delivery_district,
            delivery_address: self.delivery_address,
            deliver_by: self.deliver_by,
            allow_consortium: self.allow_consortium,
            quotes_due: self.quotes_due,
            order_id: self.order_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn not_found() -> DomainError {
    DomainError::NotFound("procurement request".into())
}

/// The request if `actor` may see it, else 404.
pub(crate) fn visible(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<RequestRow> {
    actor.require_active()?;
    let row: RequestRow = pr::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    let seen = match actor.role {
        Role::Admin => true,
        Role::Buyer => actor.buys_for_agency(row.agency_id),
        Role::Enterprise => row.status()? == RequestStatus::Open || quoted_on(conn, actor, row.id)?,
    };
    if seen {
        Ok(row)
    } else {
        Err(not_found())
    }
}

fn quoted_on(conn: &mut DbConn, actor: &Actor, request_id: i64) -> DomainResult<bool> {
    let Some(enterprise_id) = actor.enterprise_id else {
        return Ok(false);
    };
    Ok(q::table
        .filter(q::request_id.eq(request_id))
        .filter(q::enterprise_id.eq(enterprise_id))
        .select(q::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Whether the request is still open, taking its row lock if so (PostgreSQL): quote
/// submissions, withdrawals, awards and endings of one request queue here, so none acts on a
/// request another has just decided.
pub(crate) fn lock_open(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> DomainResult<bool> {
    let changed = diesel::update(
        pr::table
            .filter(pr::id.eq(id))
            .filter(pr::status.eq(RequestStatus::Open.as_str())),
    )
    .set(pr::updated_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// 403 unless `actor` is a buyer of the request's agency or an admin.
pub(crate) fn require_owner_or_admin(actor: &Actor, row: &RequestRow) -> DomainResult<()> {
    if actor.is_admin() || actor.buys_for_agency(row.agency_id) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "only the requesting agency's buyers or an admin may do this",
        ))
    }
}

fn agency_name(conn: &mut DbConn, agency_id: i64) -> DomainResult<String> {
    Ok(a::table
        .find(agency_id)
        .select(a::name)
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

pub(crate) fn view(conn: &mut DbConn, row: RequestRow) -> DomainResult<ProcurementRequest> {
    let name = agency_name(conn, row.agency_id)?;
    row.view(name)
}

/// Opens a request for the caller's agency (an active buyer), with its `created` event.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    req: &ParsedRequest,
) -> DomainResult<ProcurementRequest> {
    if actor.role != Role::Buyer {
        return Err(DomainError::forbidden(
            "only buyers of an agency may open procurement requests",
        ));
    }
    actor.require_active()?;
    let agency_id = actor
        .agency_id
        .ok_or_else(|| DomainError::forbidden("this buyer belongs to no agency"))?;
    if !categories::exists(conn, req.category_id)? {
        return Err(DomainError::invalid("category_id", "no such category"));
    }
    districts::require(conn, "delivery_district", &req.delivery_district)?;
    let address = match &req.delivery_address {
        Some(address) => address.clone(),
        None => agency_name(conn, agency_id)?,
    };
    let now = clock::now();
    let id: i64 = diesel::insert_into(pr::table)
        .values((
            pr::agency_id.eq(agency_id),
            pr::buyer_id.eq(actor.user_id),
            pr::title.eq(&req.title),
            pr::category_id.eq(req.category_id),
            pr::description.eq(&req.description),
            pr::quantity.eq(req.quantity),
            pr::unit.eq(&req.unit),
            pr::budget_won.eq(req.budget_won),
            pr::delivery_district.eq(&req.delivery_district),
            pr::delivery_address.eq(&address),
            pr::deliver_by.eq(req.deliver_by),
            pr::allow_consortium.eq(req.allow_consortium),
            pr::quotes_due.eq(req.quotes_due),
            pr::status.eq(RequestStatus::Open.as_str()),
            pr::created_at.eq(now),
            pr::updated_at.eq(now),
        ))
        .returning(pr::id)
        .get_result(conn)?;
    events::record(
        conn,
        &NewEvent {
            request_id: id,
            actor_id: actor.user_id,
            kind: RequestEventKind::Created,
            quote_id: None,
            order_id: None,
            note: None,
            at: now,
        },
    )?;
    get(conn, actor, id)
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<ProcurementRequest> {
    let row = visible(conn, actor, id)?;
    view(conn, row)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RequestListParams {
    pub status: Option<RequestStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Requests visible to `actor`, newest first, after request id `before`. An enterprise's
/// list holds the open requests in the categories it sells in (with their ancestors and
/// descendants) and every request it quoted on.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    params: &RequestListParams,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<(Vec<ProcurementRequest>, bool)> {
    actor.require_active()?;
    let mut query = pr::table
        .select(RequestRow::as_select())
        .order(pr::id.desc())
        .limit(limit + 1)
        .into_boxed();
    match actor.role {
        Role::Admin => {}
        Role::Buyer => query = query.filter(pr::agency_id.eq(actor.agency_id.unwrap_or(-1))),
        Role::Enterprise => {
            let enterprise_id = actor.enterprise_id.unwrap_or(-1);
            let sold_in: Vec<i64> = p::table
                .filter(p::enterprise_id.eq(enterprise_id))
                .filter(p::status.ne("archived"))
                .select(p::category_id)
                .distinct()
                .load(conn)?;
            let related = categories::related(conn, &sold_in)?;
            let quoted = q::table
                .filter(q::enterprise_id.eq(enterprise_id))
                .select(q::request_id);
            query = query.filter(
                pr::status
                    .eq(RequestStatus::Open.as_str())
                    .and(pr::category_id.eq_any(related))
                    .or(pr::id.eq_any(quoted)),
            );
        }
    }
    if let Some(status) = params.status {
        query = query.filter(pr::status.eq(status.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(pr::id.lt(before));
    }
    let (rows, more) = split_page(query.load::<RequestRow>(conn)?, limit);
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(view(conn, row)?);
    }
    Ok((items, more))
}

/// Ends an open request without an award: `cancelled` (withdrawn by the agency) or `closed`.
/// Its live quotes become `not_awarded`.
pub fn end(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    to: RequestStatus,
) -> DomainResult<ProcurementRequest> {
    let row = visible(conn, actor, id)?;
    require_owner_or_admin(actor, &row)?;
    let now = clock::now();
    if !lock_open(conn, id, now)? {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            format!("only an open request can be {}", to.as_str()),
        ));
    }
    diesel::update(pr::table.find(id))
        .set((pr::status.eq(to.as_str()), pr::updated_at.eq(now)))
        .execute(conn)?;
    diesel::update(
        q::table
            .filter(q::request_id.eq(id))
            .filter(q::status.eq(QuoteStatus::Submitted.as_str())),
    )
    .set((
        q::status.eq(QuoteStatus::NotAwarded.as_str()),
        q::updated_at.eq(now),
    ))
    .execute(conn)?;
    let kind = match to {
        RequestStatus::Cancelled => RequestEventKind::Cancelled,
        _ => RequestEventKind::Closed,
    };
    events::record(
        conn,
        &NewEvent {
            request_id: id,
            actor_id: actor.user_id,
            kind,
            quote_id: None,
            order_id: None,
            note: None,
            at: now,
        },
    )?;
    get(conn, actor, id)
}

pub fn events(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
) -> DomainResult<Vec<crate::model::RequestEvent>> {
    visible(conn, actor, id)?;
    events::list(conn, actor, id)
}
