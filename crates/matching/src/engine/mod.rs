//! The matching engine: PURE (no database, no HTTP, no clock). A procurement request's need
//! and the candidate offers go in; ranked candidates with an explained score, and an
//! allocation of the quantity, come out.
//!
//! (The formula, its weights, the meaning of "clearly cheaper and faster", the allocation
//! method, its complexity and bound, and a worked example are documented here.)

use muhan_core::EnterpriseKind;

mod allocate;
mod score;
#[cfg(test)]
mod tests;

pub use score::{category_value, certification_value, contributions, factors, Factors};

/// Weight of the category factor.
pub const WEIGHT_CATEGORY: f64 = 0.10;
/// Weight of the price factor.
pub const WEIGHT_PRICE: f64 = 0.35;
/// Weight of the capacity factor.
pub const WEIGHT_CAPACITY: f64 = 0.15;
/// Weight of the lead-time factor.
pub const WEIGHT_LEAD_TIME: f64 = 0.15;
/// Weight of the locality factor.
pub const WEIGHT_LOCALITY: f64 = 0.10;
/// Weight of the certification factor.
pub const WEIGHT_CERTIFICATION: f64 = 0.07;
/// Weight of the fairness factor (its contribution is also scaled by the price factor).
pub const WEIGHT_FAIRNESS: f64 = 0.08;

/// The exact consortium search runs when (enterprises after pruning) × (effective quantity
/// + 1) is at most this many cells (2^24: ≤ 64 MiB of choice codes); above it, the
/// documented greedy fallback answers.
pub const MAX_DP_CELLS: usize = 1 << 24;

/// Why [`rank`] leaves an offer out (the first rule that applies, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exclusion {
    /// `category_depth` is `None`: outside the requested category and its descendants.
    OutsideCategory,
    /// `lead_time_days` is negative or exceeds `days_to_deadline`.
    TooLate,
    /// `unit_price_won <= 0`.
    NoPrice,
    /// `min_order_qty > quantity`: it would have to over-deliver.
    MinimumAboveQuantity,
    /// `available_qty < max(min_order_qty, 1)`: it cannot supply even its minimum.
    CannotSupplyMinimum,
}

/// Why [`rank`] leaves `offer` out for `need`, or `None` when it is eligible.
pub fn exclusion(need: &Need, offer: &Offer) -> Option<Exclusion> {
    score::exclusion(need, offer)
}

/// What the request needs, as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Units wanted (> 0).
    pub quantity: i64,
    /// The most the buyer will pay for the whole quantity (> 0).
    pub budget_won: i64,
    /// District code of the delivery address.
    pub delivery_district: String,
    /// Whole days from today to `deliver_by` (the caller computes it; the engine has no clock).
    /// An offer whose lead time exceeds it cannot deliver in time.
    pub days_to_deadline: i64,
    /// Whether the quantity may be split across several enterprises (공동판로).
    pub allow_consortium: bool,
}

/// One enterprise's offer for the need: a catalog product (or a quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub enterprise_id: i64,
    pub enterprise_kind: EnterpriseKind,
    /// District code of the enterprise.
    pub district: String,
    /// The catalog product offered; `None` for a quote without a catalog product.
    pub product_id: Option<i64>,
    pub unit_price_won: i64,
    /// Units the enterprise can supply (a product's stock, a quote's quantity).
    pub available_qty: i64,
    /// Fewest units the enterprise sells in one order (1 when it has no minimum).
    pub min_order_qty: i64,
    pub lead_time_days: i64,
    /// The enterprise's platform revenue over the trailing 12 months.
    pub trailing_revenue_won: i64,
    /// How many levels below the requested category the offer's category is: `Some(0)` for
    /// the category itself, `Some(1)` for a child, ...; `None` when it is outside the
    /// requested category and its descendants.
    pub category_depth: Option<u32>,
}

/// Each factor's contribution to a score (weight × the factor's value in [0, 1]); they add
/// up to the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown {
    pub category: f64,
    pub price: f64,
    pub capacity: f64,
    pub lead_time: f64,
    pub locality: f64,
    pub certification: f64,
    pub fairness: f64,
}

/// An eligible offer with its score in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Index into the offers given to [`rank`].
    pub offer: usize,
    pub score: f64,
    pub breakdown: Breakdown,
}

/// One enterprise's share of the allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationLine {
    /// Index into the offers given to [`allocate`].
    pub offer: usize,
    pub enterprise_id: i64,
    pub product_id: Option<i64>,
    pub quantity: i64,
    pub unit_price_won: i64,
    pub subtotal_won: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Allocation {
    pub lines: Vec<AllocationLine>,
    /// Σ subtotal_won.
    pub total_won: i64,
    /// Σ quantity (≤ the need's quantity).
    pub covered_qty: i64,
    /// `covered_qty == need.quantity`.
    pub fully_covered: bool,
}

/// The eligible offers, best first, each with its score and breakdown.
pub fn rank(need: &Need, offers: &[Offer]) -> Vec<Ranked> {
    score::rank(need, offers)
}

/// The proposed allocation of the need over the ranked offers (`ranked` as returned by
/// [`rank`] for the same need and offers).
pub fn allocate(need: &Need, offers: &[Offer], ranked: &[Ranked]) -> Allocation {
    allocate::allocate(need, offers, ranked)
}
