//! Eligibility and scoring: [`super::rank`].

use muhan_core::EnterpriseKind;

use super::{
    Breakdown, Need, Offer, Ranked, WEIGHT_CAPACITY, WEIGHT_CATEGORY, WEIGHT_CERTIFICATION,
    WEIGHT_FAIRNESS, WEIGHT_LEAD_TIME, WEIGHT_LOCALITY, WEIGHT_PRICE,
};

/// Scores and contributions are published with this many steps per unit (6 decimals).
const MICROS: f64 = 1_000_000.0;

/// `x · 10^6` rounded half away from zero, for `0 ≤ x ≤ 2`: the same as `(x * 1e6).round()`
/// without a libm call (`f64::round` is not an instruction on baseline x86-64).
fn micros(x: f64) -> i64 {
    let y = x * MICROS;
    let t = y as i64;
    if y - t as f64 >= 0.5 {
        t + 1
    } else {
        t
    }
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

/// The published score in millionths: the rounded sum of the unrounded contributions,
/// clamped to [0, 10^6].
fn score_micros(b: &Breakdown) -> u32 {
    micros(sum(b)).clamp(0, 1_000_000) as u32
}

/// One eligible offer's result, compact (36 bytes) so that the sort's final gather stays in
/// cache: the offer index, the score and the rounded contributions, in millionths.
#[derive(Clone, Copy)]
struct Compact {
    offer: u32,
    score: u32,
    contributions: [u32; 7],
}

impl Compact {
    fn ranked(&self) -> Ranked {
        let c = self.contributions.map(|m| f64::from(m) / MICROS);
        Ranked {
            offer: self.offer as usize,
            score: f64::from(self.score) / MICROS,
            breakdown: Breakdown {
                category: c[0],
                price: c[1],
                capacity: c[2],
                lead_time: c[3],
                locality: c[4],
                certification: c[5],
                fairness: c[6],
            },
        }
    }
}

pub(super) fn rank(need: &Need, offers: &[Offer]) -> Vec<Ranked> {
    if need.quantity <= 0 || offers.len() >= (1usize << 32) {
        return Vec::new();
    }
    // Pass 1: the lowest eligible price and the largest eligible revenue.
    let mut p_min = i64::MAX;
    let mut r_max = 0i64;
    let mut n = 0usize;
    for o in offers {
        if exclusion(need, o).is_none() {
            n += 1;
            p_min = p_min.min(o.unit_price_won);
            r_max = r_max.max(o.trailing_revenue_won.max(0));
        }
    }
    // Pass 2: the results in offer order, and sort keys
    // `(10^6 − score in millionths) << 32 | position`.
    let mut results: Vec<Compact> = Vec::with_capacity(n);
    let mut keys: Vec<u64> = Vec::with_capacity(n);
    for (i, o) in offers.iter().enumerate() {
        if exclusion(need, o).is_some() {
            continue;
        }
        let b = contributions(&factors(need, o, p_min, r_max));
        let m = score_micros(&b);
        keys.push((u64::from(1_000_000 - m) << 32) | results.len() as u64);
        let c = |x: f64| micros(x).clamp(0, 1_000_000) as u32;
        results.push(Compact {
            offer: i as u32,
            score: m,
            contributions: [
                c(b.category),
                c(b.price),
                c(b.capacity),
                c(b.lead_time),
                c(b.locality),
                c(b.certification),
                c(b.fairness),
            ],
        });
    }
    // By score then position: a stable two-digit radix sort of the 20-bit score (the keys
    // start in position order).
    radix_sort_by_score(&mut keys);
    // Runs of equal scores: by enterprise, then product (`None` first), then position.
    let mut run: Vec<(i64, Option<i64>, u64)> = Vec::new();
    let mut start = 0;
    while start < keys.len() {
        let score = keys[start] >> 32;
        let len = keys[start..]
            .iter()
            .take_while(|k| *k >> 32 == score)
            .count();
        if len > 1 {
            run.clear();
            for &k in &keys[start..start + len] {
                let o = results
                    .get((k & 0xffff_ffff) as usize)
                    .and_then(|r| offers.get(r.offer as usize));
                if let Some(o) = o {
                    run.push((o.enterprise_id, o.product_id, k));
                }
            }
            run.sort_unstable();
            for (slot, &(_, _, k)) in keys[start..start + len].iter_mut().zip(&run) {
                *slot = k;
            }
        }
        start += len;
    }
    keys.iter()
        .filter_map(|k| results.get((k & 0xffff_ffff) as usize).map(Compact::ranked))
        .collect()
}

/// Sorts keys `score << 32 | position` (score < 2^20) by score, stably.
fn radix_sort_by_score(keys: &mut Vec<u64>) {
    const BITS: u32 = 10;
    const BUCKETS: usize = 1 << BITS;
    let mut buf = vec![0u64; keys.len()];
    for shift in [32, 32 + BITS] {
        let digit = |k: u64| ((k >> shift) as usize) & (BUCKETS - 1);
        let mut count = [0usize; BUCKETS + 1];
        for &k in keys.iter() {
            count[digit(k) + 1] += 1;
        }
        for d in 0..BUCKETS {
            count[d + 1] += count[d];
        }
        for &k in keys.iter() {
            let d = digit(k);
            buf[count[d]] = k;
            count[d] += 1;
        }
        std::mem::swap(keys, &mut buf);
    }
}
