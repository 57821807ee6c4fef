//! Whose sales a caller may see. The scope becomes a condition of the report's own query
//! (never a filter applied to its results), so nothing outside it is ever read.

use muhan_core::actor::Actor;
use muhan_core::{DomainError, DomainResult, Role};

/// The orders a caller's statistics are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Co-op administrators: every order.
    All,
    /// A buyer: its agency's orders.
    Agency(i64),
    /// An enterprise user: its enterprise's fulfillments.
    Enterprise(i64),
}

impl Scope {
    /// The caller's scope; a pending or suspended account sees nothing (403).
    pub fn of(actor: &Actor) -> DomainResult<Scope> {
        actor.require_active()?;
        match (actor.role, actor.agency_id, actor.enterprise_id) {
            (Role::Admin, _, _) => Ok(Scope::All),
            (Role::Buyer, Some(agency), _) => Ok(Scope::Agency(agency)),
            (Role::Enterprise, _, Some(enterprise)) => Ok(Scope::Enterprise(enterprise)),
            _ => Err(DomainError::forbidden(
                "this account belongs to no agency or enterprise",
            )),
        }
    }
}
