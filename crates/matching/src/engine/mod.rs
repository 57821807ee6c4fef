//! The matching engine: PURE (no database, no HTTP, no clock, no IO). A procurement
//! request's need and the candidate offers go in; ranked candidates with an explained score,
//! and an allocation of the quantity, come out. Money is integer won (i64); products and
//! sums that could overflow are computed in i128.
//!
//! # Eligibility
//!
//! [`rank`] leaves an offer out (see [`exclusion`] / [`Exclusion`]) when
//! 1. `category_depth` is `None`: it is outside the requested category and its descendants;
//! 2. `lead_time_days > need.days_to_deadline`: it cannot deliver by `deliver_by` (a negative
//!    lead time is excluded too, and a deadline in the past excludes everything);
//! 3. `unit_price_won <= 0`;
//! 4. `min_order_qty > need.quantity`: it would have to over-deliver;
//! 5. `available_qty < max(min_order_qty, 1)`: it cannot supply even its minimum.
//!
//! A need with `quantity <= 0` has no eligible offer.
//!
//! # Score
//!
//! score = Σ contributions, contribution = weight × factor value in [0, 1]:
//!
//! | factor | weight | value |
//! |---|---|---|
//! | category | [`WEIGHT_CATEGORY`] 0.10 | [`category_value`]: 1.0 at depth 0, 0.1 less per level below, never below 0.7 |
//! | price | [`WEIGHT_PRICE`] 0.35 | `p_min / p`, p_min = the lowest unit price among the *eligible* offers (the cheapest = 1) |
//! | capacity | [`WEIGHT_CAPACITY`] 0.15 | `usable / Q`, usable = min(available_qty, Q) |
//! | lead time | [`WEIGHT_LEAD_TIME`] 0.15 | `(D − lead + 1) / (D + 1)`, D = days_to_deadline (lead 0 → 1; at the deadline still > 0) |
//! | locality | [`WEIGHT_LOCALITY`] 0.10 | 1 when `district == need.delivery_district`, else 0 |
//! | certification | [`WEIGHT_CERTIFICATION`] 0.07 | [`certification_value`]: 인증 사회적기업 1.0; 사회적협동조합, 마을기업, 자활기업 0.6; 예비사회적기업, 협동조합 0.2 |
//! | fairness | [`WEIGHT_FAIRNESS`] 0.08 | `f = 1 − r / r_max`, r = max(trailing_revenue_won, 0), r_max = the largest r among the eligible offers (f = 1 for all when r_max = 0); the contribution is **0.08 × f × price value** |
//!
//! The weights add up to 1, so the score is in [0, 1]. Fairness is the shared-sales boost
//! for enterprises with less recent platform revenue; scaling it by the price value is what
//! makes the guarantee below hold at any price level. [`factors`] and [`contributions`]
//! expose the unrounded values.
//!
//! **Rounding.** Each contribution in [`Breakdown`] is rounded to 6 decimals; the score is
//! the sum of the *unrounded* contributions rounded to 6 decimals and clamped to [0, 1]. The
//! rounded contributions therefore add up to the score within 7 × 0.5·10⁻⁶.
//!
//! # Guarantee: clearly cheaper and faster wins
//!
//! If offer A's unit price is at most 80 % of B's (5·p_A ≤ 4·p_B) and A's lead time ≤ B's,
//! and A is no worse than B in category depth, usable capacity, locality and certification,
//! then A's score is strictly higher than B's, whatever their revenues: unrounded always,
//! and published (rounded) whenever p_B ≤ 5,000 × p_min; A is then ranked ahead of B.
//!
//! *Proof.* Write v = p_min / p for the price value. 5·p_A ≤ 4·p_B gives
//! v_A ≥ 1.25·v_B, so the price contributions differ by
//! 0.35·(v_A − v_B) ≥ 0.35 × 0.25 × v_B = 0.0875·v_B. The fairness contributions differ by
//! 0.08·(f_A·v_A − f_B·v_B) ≥ 0.08·(0 − 1·v_B) = −0.08·v_B, since f_A ≥ 0 and f_B ≤ 1. Every
//! other factor is monotone in the compared quantity (lead value decreasing in the lead
//! time, capacity increasing in usable units, category non-increasing in depth), so those
//! contributions differ by ≥ 0. Hence s_A − s_B ≥ (0.0875 − 0.08)·v_B = 0.0075·v_B > 0:
//! w_price × 0.25 > w_fairness. Rounding to 6 decimals moves each score by at most
//! 0.5·10⁻⁶ and is monotone (so is the clamp; float error in these 7-term sums is ~10⁻¹⁶);
//! when p_B ≤ 5,000·p_min, v_B ≥ 1/5,000 and s_A − s_B ≥ 1.5·10⁻⁶ > 10⁻⁶, so the rounded
//! scores differ by at least one millionth. Beyond that ratio (say B at 10,000,000 won when
//! the cheapest eligible offer asks 1,000) the two may share a rounded score, and the order
//! falls to the tie-break. ∎
//!
//! # Order
//!
//! By rounded score descending, then `enterprise_id` ascending, then `product_id` ascending
//! (`None` first), then offer index: fully deterministic.
//!
//! # Allocation
//!
//! Only offers in `ranked` are usable (each once; an index out of range is ignored); an
//! offer's usable units are `min(available_qty, Q)` with a minimum of `max(min_order_qty, 1)`.
//! Q = `need.quantity`, B = `need.budget_won` (nothing is allocated when either is ≤ 0).
//! 1. If some ranked offer can cover alone — `available_qty ≥ Q` and `Q × price ≤ B` — the
//!    allocation is the **highest-ranked** such offer with quantity Q (one line, fully
//!    covered), whether or not a consortium is allowed.
//! 2. Else, without `allow_consortium`: the highest-ranked offer whose feasible quantity
//!    `x = min(available_qty, Q, ⌊B / price⌋)` reaches its minimum, with that x (one line,
//!    `fully_covered` false); none feasible: no lines, covered 0.
//! 3. Else, with `allow_consortium`: the **exact optimum** over at most one offer per
//!    enterprise, each chosen offer getting `min ≤ x ≤ min(available, Q)`, Σx ≤ Q,
//!    Σx·price ≤ B, lexicographically (a) maximising the covered quantity, (b) then
//!    minimising the total cost, (c) then minimising the number of enterprises, (d) then
//!    preferring higher-ranked offers: enterprises are considered in the order of their
//!    best-ranked offer; the first takes part when some optimum has it, with its
//!    best-ranked offer that allows an optimum and the largest quantity that does; then the
//!    next, and so on.
//! 4. Never more than available, never below a minimum order, never over Q, never over
//!    budget. Lines are in the ranked order of their offers; `subtotal = quantity × unit
//!    price`, `total_won = Σ subtotal`, `covered_qty = Σ quantity`,
//!    `fully_covered = covered_qty == Q`.
//!
//! Minimum orders make rule 3 knapsack-like (it contains subset sum), so a greedy pass by
//! price is wrong: for Q = 10 with A 6 units @ 100 (min 1), B 5 @ 101 (min 5), C 5 @ 102
//! (min 5), greedy takes A's 6 and cannot fit B's or C's 5 in the 4 left; the optimum is
//! A 5 + B 5 = 1,005 (and, were A's minimum 6, B 5 + C 5 = 1,015).
//!
//! ## Method (rule 3)
//!
//! 1. **Groups.** The usable offers with `x ≤ min(available, Q, ⌊B / price⌋)` reaching
//!    their minimum, grouped by enterprise.
//! 2. **Effective quantity** `Q' = min(Q, ⌊B / p_min⌋, Σ_groups max capacity)`: no feasible
//!    allocation covers more.
//! 3. **Pruning** (provably never changes the answer, tie-break included): an offer is
//!    dropped when another offer of the *same* enterprise has a minimum ≤, a capacity ≥ and
//!    a lower price (or the same price and a better rank); and, when the greedy pass below
//!    covers Q' at cost U (so every optimum covers Q' at cost ≤ U), an offer with price p and
//!    minimum m is dropped when p is at least the price of the (Q' − m)-th cheapest unit of
//!    all offers together and `m·p + F(Q' − m) > U`, F(k) being the cost of the k cheapest
//!    units of all offers together (a relaxation without minimums and without the
//!    one-per-enterprise rule, so a lower bound on what any allocation containing the offer
//!    costs).
//! 4. **Dynamic programme over covered quantity 0..=Q'**, one layer per enterprise (from
//!    the lowest-ranked to the best), value = (cost, enterprise count) compared
//!    lexicographically, costs above B discarded. For an offer with price p and limits
//!    [m, a], `take[q] = min_{x∈[m,a]} dp[q − x] + x·p = q·p + min_{j∈[q−a, q−m]}
//!    (dp[j] − j·p)`, a sliding-window minimum kept by a monotone deque: O(Q') per offer.
//!    Each enterprise's layer is the minimum of "not taking part" and its offers' takes;
//!    the choice (offer, x) is stored per enterprise and q as one u32 (u64 when needed).
//!    Values and window keys are packed into one integer (i64 when the bits allow, else
//!    i128), so that one comparison orders (cost, count, j).
//! 5. **Answer**: the largest q with dp[q].cost ≤ B, reconstructed from the best-ranked
//!    enterprise down (which realises tie-break (d)).
//!
//! ## Complexity and bound
//!
//! [`rank`]: two linear passes, a two-digit radix sort by score (O(n)) and a comparison sort
//! within runs of equal scores: O(n log n) worst case, O(n) typically; 100,000 offers in
//! about 6 ms on a 2-core machine (BENCHMARKS.md). [`allocate`]: O(n log n) for grouping and
//! pruning, then O(n'·(Q' + 1)) time for the n' offers left and G'·(Q' + 1) choice codes
//! (4 bytes each) plus 3·(Q' + 1) words of memory for the G' enterprises left. The exact
//! programme runs when G'·(Q' + 1) ≤ [`MAX_DP_CELLS`] = 2^24 (≤ 64 MiB). Above that bound
//! (e.g. 20 enterprises and 10⁹ units), the answer is the greedy fallback: offers by price
//! (then rank), at most one per enterprise, each taking min(capacity, what is left of Q
//! and of the budget) when that reaches its minimum — rule 4 still holds, but coverage and
//! cost are then not guaranteed optimal, and [`Allocation::exact`] says so (`false`).
//! In requests' terms: a quantity of 5,000 units stays exact up to about 3,300 competing
//! enterprises after pruning, 100,000 units up to about 160; requests are limited to
//! 1,000,000 units (`muhan_matching::input::MAX_REQUEST_QUANTITY`).
//!
//! # Worked example
//!
//! Need: Q = 100 units, B = 225,000 won, delivery to district 27110, 9 days to the
//! deadline, consortium allowed. Offers:
//!
//! | # | enterprise | kind | district | price | available | min | lead | revenue | depth |
//! |---|---|---|---|---|---|---|---|---|---|
//! | 0 | 1 | 인증 사회적기업 | 27110 | 2,000 | 60 | 10 | 2 | 30,000,000 | 0 |
//! | 1 | 2 | 마을기업 | 27260 | 2,200 | 70 | 20 | 4 | 0 | 1 |
//! | 2 | 3 | 협동조합 | 27110 | 2,500 | 120 | 50 | 1 | 60,000,000 | 0 |
//! | 3 | 4 | 사회적협동조합 | 27290 | 1,900 | 40 | 30 | 12 | 0 | 0 |
//!
//! Offer 3 is excluded (lead 12 > 9 days), so p_min = 2,000 (not its 1,900) and
//! r_max = 60,000,000. Factor values → contributions:
//!
//! | # | category | price | capacity | lead time | locality | certification | fairness (f) | score |
//! |---|---|---|---|---|---|---|---|---|
//! | 0 | 1 → 0.1 | 1 → 0.35 | 0.6 → 0.09 | 0.8 → 0.12 | 1 → 0.1 | 1 → 0.07 | 0.5 → 0.04 | **0.87** |
//! | 2 | 1 → 0.1 | 0.8 → 0.28 | 1 → 0.15 | 0.9 → 0.135 | 1 → 0.1 | 0.2 → 0.014 | 0 → 0 | **0.779** |
//! | 1 | 0.9 → 0.09 | 0.909091 → 0.318182 | 0.7 → 0.105 | 0.6 → 0.09 | 0 → 0 | 0.6 → 0.042 | 1 → 0.072727 | **0.717909** |
//!
//! (Offer 1's fairness contribution is 0.08 × 1 × 2,000/2,200; its score is the rounded
//! exact sum 0.7179090…) Ranking: 0, 2, 1.
//!
//! Allocation: only offer 2 has 100 units, but 100 × 2,500 = 250,000 > B, so no single
//! cover (rule 1). Q' = min(100, ⌊225,000 / 2,000⌋ = 112, 60 + 70 + 100) = 100. The greedy
//! pass covers 100 with offer 0 × 60 + offer 1 × 40 = 208,000 = U; offer 2 is pruned
//! (its 50-unit minimum costs 125,000 and the 50 cheapest units 100,000: 225,000 > U). The
//! exact programme then gives:
//!
//! | line | offer | enterprise | quantity | unit price | subtotal |
//! |---|---|---|---|---|---|
//! | 1 | 0 | 1 | 60 | 2,000 | 120,000 |
//! | 2 | 1 | 2 | 40 | 2,200 | 88,000 |
//!
//! total 208,000 won, covered 100, fully covered. (Offer 0 × 50 + offer 2 × 50 would cost
//! 225,000.) Without a consortium: offer 0 alone, 60 units, 120,000 won, not fully covered.
//! With B = 250,000, offer 2 covers alone and rule 1 takes it (100 units, 250,000 won), even
//! though a split would be cheaper: a single supplier is preferred when one can do it.
//! The unit test `worked_example_matches_the_docs` asserts these figures.

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

// The guarantee's margin, checked at compile time: a 20 % price cut outweighs fairness.
const _: () = assert!(WEIGHT_PRICE * 0.25 - WEIGHT_FAIRNESS >= 0.0075 - 1e-12);

/// The exact consortium search runs when its table, (enterprises left after pruning) ×
/// (effective quantity plus one) cells, has at most this many cells (2^24: at most 64 MiB
/// of 4-byte choice codes); above it, the documented greedy fallback answers.
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
    /// Whether the allocation follows the rules exactly (always, except a consortium whose
    /// table would exceed [`MAX_DP_CELLS`]: then a feasible greedy split, not necessarily the
    /// least-cost one, and this is `false`).
    pub exact: bool,
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
