//! Eligibility and scoring: [`super::rank`].

use std::cmp::Ordering;

use muhan_core::EnterpriseKind;

use super::{
    Breakdown, Need, Offer, Ranked, WEIGHT_CAPACITY, WEIGHT_CATEGORY, WEIGHT_CERTIFICATION,
    WEIGHT_FAIRNESS, WEIGHT_LEAD_TIME, WEIGHT_LOCALITY, WEIGHT_PRICE,
};

/// Scores and contributions are published with this many steps per unit (6 decimals).
const MICROS: f64 = 1_000_000.0;

/// Rounds to 6 decimal places.
pub(super) fn round6(x: f64) -> f64 {
    (x * MICROS).round() / MICROS
}

/// Why an offer is left out of the ranking, or `None` when it is eligible.
pub(super) fn exclusion(need: &Need, offer: &Offer) -> Option<super::Exclusion> {
    use super::Exclusion as E;
    if offer.category_depth.is_none() {
        return Some(E::OutsideCategory);
    }
    if offer.lead_time_days < 0 || offer.lead_time_days > need.days_to_deadline {
        return Some(E::TooLate);
    }
    if offer.unit_price_won <= 0 {
        return Some(E::NoPrice);
    }
    if offer.min_order_qty > need.quantity {
        return Some(E::MinimumAboveQuantity);
    }
    if offer.available_qty < offer.min_order_qty.max(1) {
        return Some(E::CannotSupplyMinimum);
    }
    None
}

/// The category factor: 1.0 at depth 0, 0.1 less per level below, never below 0.7.
pub fn category_value(depth: u32) -> f64 {
    match depth {
        0 => 1.0,
        1 => 0.9,
        2 => 0.8,
        _ => 0.7,
    }
}

/// The certification factor: what counts toward the agency's social-economy reporting.
pub fn certification_value(kind: EnterpriseKind) -> f64 {
    match kind {
        EnterpriseKind::SocialEnterprise => 1.0,
        EnterpriseKind::SocialCooperative
        | EnterpriseKind::VillageEnterprise
        | EnterpriseKind::SelfSufficiencyEnterprise => 0.6,
        EnterpriseKind::PreliminarySocialEnterprise | EnterpriseKind::Cooperative => 0.2,
    }
}

/// The factor values (each in [0, 1]) of one eligible offer, given the eligible offers'
/// lowest price `p_min` and largest (non-negative) trailing revenue `r_max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factors {
    pub category: f64,
    pub price: f64,
    pub capacity: f64,
    pub lead_time: f64,
    pub locality: f64,
    pub certification: f64,
    /// `f = 1 − r / r_max` (its contribution is also scaled by the price factor).
    pub fairness: f64,
}

/// The factors of an eligible offer (see the module docs for the definitions).
pub fn factors(need: &Need, offer: &Offer, p_min: i64, r_max: i64) -> Factors {
    let depth = offer.category_depth.unwrap_or(u32::MAX);
    let quantity = need.quantity.max(1);
    let usable = offer.available_qty.clamp(0, quantity);
    let d = need.days_to_deadline.max(0);
    let lead = offer.lead_time_days.clamp(0, d);
    let revenue = offer.trailing_revenue_won.max(0);
    Factors {
        category: category_value(depth),
        price: (p_min as f64 / offer.unit_price_won.max(1) as f64).min(1.0),
        capacity: (usable as f64 / quantity as f64).min(1.0),
        // (d − lead + 1) / (d + 1), computed in f64 so that d = i64::MAX cannot overflow.
        lead_time: ((d - lead) as f64 + 1.0) / (d as f64 + 1.0),
        locality: if offer.district.as_str() == need.delivery_district.as_str() {
            1.0
        } else {
            0.0
        },
        certification: certification_value(offer.enterprise_kind),
        fairness: if r_max <= 0 {
            1.0
        } else {
            (1.0 - revenue as f64 / r_max as f64).clamp(0.0, 1.0)
        },
    }
}

/// The unrounded contributions (weight × factor; fairness is also × the price factor).
pub fn contributions(f: &Factors) -> Breakdown {
    Breakdown {
        category: WEIGHT_CATEGORY * f.category,
        price: WEIGHT_PRICE * f.price,
        capacity: WEIGHT_CAPACITY * f.capacity,
        lead_time: WEIGHT_LEAD_TIME * f.lead_time,
        locality: WEIGHT_LOCALITY * f.locality,
        certification: WEIGHT_CERTIFICATION * f.certification,
        fairness: WEIGHT_FAIRNESS * f.fairness * f.price,
    }
}

fn sum(b: &Breakdown) -> f64 {
    b.category + b.price + b.capacity + b.lead_time + b.locality + b.certification + b.fairness
}

fn rounded(b: &Breakdown) -> Breakdown {
    Breakdown {
        category: round6(b.category),
        price: round6(b.price),
        capacity: round6(b.capacity),
        lead_time: round6(b.lead_time),
        locality: round6(b.locality),
        certification: round6(b.certification),
        fairness: round6(b.fairness),
    }
}

/// The published score in millionths: the rounded sum of the unrounded contributions,
/// clamped to [0, 10^6].
fn score_micros(b: &Breakdown) -> u32 {
    let m = (sum(b) * MICROS).round();
    if m >= MICROS {
        1_000_000
    } else if m > 0.0 {
        m as u32
    } else {
        0
    }
}

/// The sort key of one eligible offer; compact, so that sorting 10^5 of them stays cheap.
#[derive(Clone, Copy)]
struct Key {
    /// 10^6 − score in millionths: ascending = score descending.
    inv_score: u32,
    /// Position among the eligible offers, which are in offer-index order: the last
    /// tie-break, and where the offer's [`Ranked`] is.
    pos: u32,
    enterprise_id: i64,
    /// `None` sorts first.
    product_id: Option<i64>,
}

fn cmp_key(a: &Key, b: &Key) -> Ordering {
    a.inv_score
        .cmp(&b.inv_score)
        .then(a.enterprise_id.cmp(&b.enterprise_id))
        .then(a.product_id.cmp(&b.product_id))
        .then(a.pos.cmp(&b.pos))
}

pub(super) fn rank(need: &Need, offers: &[Offer]) -> Vec<Ranked> {
    if need.quantity <= 0 || offers.len() > u32::MAX as usize {
        return Vec::new();
    }
    // Pass 1: eligibility, the lowest eligible price and the largest eligible revenue.
    let mut eligible = Vec::with_capacity(offers.len());
    let mut p_min = i64::MAX;
    let mut r_max = 0i64;
    for (i, o) in offers.iter().enumerate() {
        if exclusion(need, o).is_none() {
            eligible.push(i);
            p_min = p_min.min(o.unit_price_won);
            r_max = r_max.max(o.trailing_revenue_won.max(0));
        }
    }
    // Pass 2: scores and sort keys.
    let mut scored: Vec<Ranked> = Vec::with_capacity(eligible.len());
    let mut keys: Vec<Key> = Vec::with_capacity(eligible.len());
    for (pos, &i) in eligible.iter().enumerate() {
        let o = &offers[i];
        let b = contributions(&factors(need, o, p_min, r_max));
        let micros = score_micros(&b);
        scored.push(Ranked {
            offer: i,
            score: f64::from(micros) / MICROS,
            breakdown: rounded(&b),
        });
        keys.push(Key {
            inv_score: 1_000_000 - micros,
            pos: pos as u32,
            enterprise_id: o.enterprise_id,
            product_id: o.product_id,
        });
    }
    keys.sort_unstable_by(cmp_key);
    keys.iter().map(|k| scored[k.pos as usize]).collect()
}
