//! `GET /procurement-requests/{id}/matches`: the catalog offers that can serve the request,
//! ranked and explained by the engine, and the engine's proposed allocation.

use crate::engine;
use crate::model::{Allocation, AllocationLine, Breakdown, Candidate, Matches};
use crate::offers;
use crate::requests;
use muhan_core::{clock, Actor, DomainError, DomainResult};
use muhan_db::DbConn;

/// The request's matches for the buyer's agency or an admin; the first `limit` candidates.
pub fn matches(conn: &mut DbConn, actor: &Actor, id: i64, limit: i64) -> DomainResult<Matches> {
    let row = requests::visible(conn, actor, id)?;
    requests::require_owner_or_admin(actor, &row)?;
    let now = clock::now();
    let (offers, names) = offers::catalog_offers(conn, &row, now)?;
    let need = offers::need(&row, now.date());
    let ranked = engine::rank(&need, &offers);
    let allocation = engine::allocate(&need, &offers, &ranked);
    let take = usize::try_from(limit).unwrap_or(0);
    let mut candidates = Vec::with_capacity(take.min(ranked.len()));
    for r in ranked.iter().take(take) {
        let (offer, name) = offered(&offers, &names, r.offer)?;
        candidates.push(Candidate {
            enterprise_id: offer.enterprise_id,
            enterprise_name: name.enterprise_name.clone(),
            enterprise_kind: offer.enterprise_kind,
            enterprise_district: offer.district.clone(),
            product_id: offer.product_id.unwrap_or_default(),
            product_name: name.product_name.clone(),
            unit_price_won: offer.unit_price_won,
            available_qty: offer.available_qty,
            min_order_qty: offer.min_order_qty,
            lead_time_days: offer.lead_time_days,
            score: r.score,
            breakdown: Breakdown {
                category: r.breakdown.category,
                price: r.breakdown.price,
                capacity: r.breakdown.capacity,
                lead_time: r.breakdown.lead_time,
                locality: r.breakdown.locality,
                certification: r.breakdown.certification,
                fairness: r.breakdown.fairness,
            },
        });
    }
    let mut lines = Vec::with_capacity(allocation.lines.len());
    for line in &allocation.lines {
        let (offer, name) = offered(&offers, &names, line.offer)?;
        lines.push(AllocationLine {
            enterprise_id: line.enterprise_id,
            enterprise_name: name.enterprise_name.clone(),
            product_id: offer.product_id.unwrap_or_default(),
            quantity: line.quantity,
            unit_price_won: line.unit_price_won,
            subtotal_won: line.subtotal_won,
        });
    }
    Ok(Matches {
        candidates,
        eligible: ranked.len() as i64,
        allocation: Allocation {
            lines,
            total_won: allocation.total_won,
            covered_qty: allocation.covered_qty,
            fully_covered: allocation.fully_covered,
            exact: allocation.exact,
        },
    })
}

fn offered<'a>(
    offers: &'a [engine::Offer],
    names: &'a [offers::OfferNames],
    i: usize,
) -> DomainResult<(&'a engine::Offer, &'a offers::OfferNames)> {
    match (offers.get(i), names.get(i)) {
        (Some(offer), Some(name)) => Ok((offer, name)),
        _ => Err(DomainError::internal("the engine named an unknown offer")),
    }
}
