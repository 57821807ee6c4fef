//! The allocation: [`super::allocate`]. See the module docs of [`super`] for the semantics,
//! the method and its bound.

use std::collections::{BTreeMap, HashMap};
use std::ops::{Add, Mul, Shl, Shr, Sub};

use super::{Allocation, AllocationLine, Need, Offer, Ranked, MAX_DP_CELLS};

/// A usable offer: one of `ranked`, in ranked order, with its sanitised limits.
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// Index into `offers`.
    offer: usize,
    enterprise_id: i64,
    price: i64,
    /// max(min_order_qty, 1).
    min: i64,
    /// min(available_qty, Q).
    cap: i64,
}

/// One offer in the consortium search, its limits in units.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// Index into the candidates (its ranked position among the usable offers).
    cand: usize,
    price: i64,
    min: usize,
    /// min(available_qty, Q, ⌊B / price⌋, the effective quantity).
    max: usize,
}

pub(super) fn allocate(need: &Need, offers: &[Offer], ranked: &[Ranked]) -> Allocation {
    let q_total = need.quantity;
    let budget = need.budget_won;
    if q_total <= 0 || budget <= 0 {
        return Allocation {
            exact: true,
            ..Allocation::default()
        };
    }
    let cands = candidates(q_total, offers, ranked);

    // 1. The highest-ranked offer that covers the whole quantity alone, within budget.
    let covers = |c: &Cand| {
        c.cap == q_total && i128::from(q_total) * i128::from(c.price) <= i128::from(budget)
    };
    if let Some(i) = cands.iter().position(covers) {
        return build(q_total, offers, &cands, vec![(i, q_total)]);
    }
    // 2. Without a consortium: the highest-ranked offer with a feasible quantity.
    if !need.allow_consortium {
        let best = cands.iter().enumerate().find_map(|(i, c)| {
            let x = c.cap.min(budget / c.price);
            (x >= c.min).then_some((i, x))
        });
        return match best {
            Some(line) => build(q_total, offers, &cands, vec![line]),
            None => build(q_total, offers, &cands, Vec::new()),
        };
    }
    // 3. A consortium: the exact optimum over at most one offer per enterprise.
    let (chosen, exact) = consortium(&cands, q_total, budget);
    Allocation {
        exact,
        ..build(q_total, offers, &cands, chosen)
    }
}

/// The usable offers, in ranked order: each ranked offer once (a repeated or out-of-range
/// index is skipped), with a positive price and `min(available, Q) ≥ max(min_order, 1)`.
fn candidates(q_total: i64, offers: &[Offer], ranked: &[Ranked]) -> Vec<Cand> {
    let mut seen = vec![false; offers.len()];
    let mut cands = Vec::with_capacity(ranked.len());
    for r in ranked {
        let (Some(o), Some(s)) = (offers.get(r.offer), seen.get_mut(r.offer)) else {
            continue;
        };
        if *s {
            continue;
        }
        *s = true;
        let min = o.min_order_qty.max(1);
        let cap = o.available_qty.min(q_total);
        if o.unit_price_won <= 0 || cap < min {
            continue;
        }
        cands.push(Cand {
            offer: r.offer,
            enterprise_id: o.enterprise_id,
            price: o.unit_price_won,
            min,
            cap,
        });
    }
    cands
}

/// The allocation of `(candidate, quantity)` choices, its lines in ranked order.
fn build(
    q_total: i64,
    offers: &[Offer],
    cands: &[Cand],
    mut chosen: Vec<(usize, i64)>,
) -> Allocation {
    chosen.sort_unstable();
    let mut out = Allocation {
        exact: true,
        ..Allocation::default()
    };
    for (i, x) in chosen {
        let (Some(c), Some(o)) = (cands.get(i), cands.get(i).and_then(|c| offers.get(c.offer)))
        else {
            continue;
        };
        // x ≤ ⌊B / price⌋, so the subtotal and the total (≤ B) fit in i64.
        let subtotal = x.saturating_mul(c.price);
        out.lines.push(AllocationLine {
            offer: c.offer,
            enterprise_id: c.enterprise_id,
            product_id: o.product_id,
            quantity: x,
            unit_price_won: c.price,
            subtotal_won: subtotal,
        });
        out.total_won = out.total_won.saturating_add(subtotal);
        out.covered_qty = out.covered_qty.saturating_add(x);
    }
    out.fully_covered = out.covered_qty == q_total;
    out
}

/// Rule 3: the usable offers grouped by enterprise (groups in the order of their
/// best-ranked offer, each group's offers in ranked order), pruned, then solved exactly by
/// the dynamic programme (or, above [`MAX_DP_CELLS`], by the documented greedy fallback).
/// Also tells whether the answer is the exact optimum (`false` only above the cell cap).
fn consortium(cands: &[Cand], q_total: i64, budget: i64) -> (Vec<(usize, i64)>, bool) {
    // Items: x ≤ min(available, Q, ⌊B / price⌋).
    let mut group_of: HashMap<i64, usize> = HashMap::new();
    let mut groups: Vec<Vec<Item>> = Vec::new();
    let mut p_min = i64::MAX;
    for (i, c) in cands.iter().enumerate() {
        let max = c.cap.min(budget / c.price);
        if max < c.min {
            continue;
        }
        let g = *group_of.entry(c.enterprise_id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        p_min = p_min.min(c.price);
        if let Some(group) = groups.get_mut(g) {
            group.push(Item {
                cand: i,
                price: c.price,
                min: to_usize(c.min),
                max: to_usize(max),
            });
        }
    }
    if groups.is_empty() {
        return (Vec::new(), true);
    }
    // The effective quantity: no allocation covers more than Q, than ⌊B / p_min⌋ (every unit
    // costs at least p_min), or than the groups' largest capacities together.
    let capacity: usize = groups
        .iter()
        .map(|g| g.iter().map(|it| it.max).max().unwrap_or(0))
        .fold(0usize, usize::saturating_add);
    let q_eff = to_usize(q_total)
        .min(to_usize(budget / p_min))
        .min(capacity);
    // Prune: limits clipped to q_eff; offers dominated within their own enterprise.
    for g in &mut groups {
        for it in g.iter_mut() {
            it.max = it.max.min(q_eff);
        }
        g.retain(|it| it.min <= it.max);
        prune_dominated(g);
    }
    groups.retain(|g| !g.is_empty());
    let n_groups = groups.len();
    if n_groups == 0 || q_eff == 0 {
        return (Vec::new(), true);
    }
    let cells = n_groups.saturating_mul(q_eff + 1);
    let (heuristic, covered, cost) = greedy(&groups, q_eff, budget);
    if cells > MAX_DP_CELLS {
        return (heuristic, false);
    }
    if covered == q_eff {
        prune_by_bound(&mut groups, q_eff, cost);
        groups.retain(|g| !g.is_empty());
    }
    let n_groups = groups.len();
    // Bit budget for the packed keys (see `solve`).
    let p_max = groups
        .iter()
        .flat_map(|g| g.iter().map(|it| it.price))
        .max()
        .unwrap_or(1);
    let magnitude = (q_eff as i128 * i128::from(p_max)).max(i128::from(budget));
    let mag_bits = 128 - magnitude.leading_zeros();
    let count_bits = (usize::BITS - n_groups.leading_zeros()) + 1;
    let index_bits = usize::BITS - q_eff.leading_zeros();
    let need_bits = mag_bits + count_bits + index_bits;
    let max_group = groups.iter().map(Vec::len).max().unwrap_or(1);
    let narrow = (max_group as u128) * (q_eff as u128 + 1) <= u128::from(u32::MAX);
    let plan = Plan {
        q_eff,
        budget,
        count_bits,
        index_bits,
    };
    match (need_bits + 3 <= i64::BITS, narrow) {
        (true, true) => (solve::<i64, u32>(&groups, &plan), true),
        (true, false) => (solve::<i64, u64>(&groups, &plan), true),
        (false, true) if need_bits + 3 <= i128::BITS => (solve::<i128, u32>(&groups, &plan), true),
        (false, false) if need_bits + 3 <= i128::BITS => (solve::<i128, u64>(&groups, &plan), true),
        // Unreachable within MAX_DP_CELLS (at most 88 + 27 bits are needed); kept total.
        _ => (greedy(&groups, q_eff, budget).0, false),
    }
}

fn to_usize(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

/// Removes from one enterprise's offers those that no optimum uses: an offer D is dropped
/// when another offer E of the same enterprise has `min_E ≤ min_D`, `max_E ≥ max_D` and a
/// lower price, or the same price and a better rank (every allocation using D can use E
/// instead at no higher cost, and the tie-break prefers E). Keeps ranked order.
fn prune_dominated(group: &mut Vec<Item>) {
    if group.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..group.len()).collect();
    order.sort_unstable_by_key(|&i| group.get(i).map(|it| (it.price, it.cand)));
    // Staircase of the kept offers seen so far: min → max, max strictly increasing in min.
    let mut stairs: BTreeMap<usize, usize> = BTreeMap::new();
    let mut keep = vec![false; group.len()];
    for i in order {
        let Some(it) = group.get(i) else { continue };
        let dominated = stairs
            .range(..=it.min)
            .next_back()
            .is_some_and(|(_, &max)| max >= it.max);
        if dominated {
            continue;
        }
        if let Some(k) = keep.get_mut(i) {
            *k = true;
        }
        let covered: Vec<usize> = stairs
            .range(it.min..)
            .take_while(|(_, &max)| max <= it.max)
            .map(|(&m, _)| m)
            .collect();
        for m in covered {
            stairs.remove(&m);
        }
        stairs.insert(it.min, it.max);
    }
    let mut k = keep.into_iter();
    group.retain(|_| k.next().unwrap_or(true));
}

/// Offers by price (then rank), at most one per enterprise, each taking as much as the
/// remaining quantity, budget and its availability allow when that reaches its minimum.
/// Feasible, not necessarily optimal: the answer above [`MAX_DP_CELLS`], and the upper bound
/// for [`prune_by_bound`]. Returns the choices, the covered quantity and the cost.
fn greedy(groups: &[Vec<Item>], q_eff: usize, budget: i64) -> (Vec<(usize, i64)>, usize, i64) {
    let mut all: Vec<(i64, usize, usize, usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, items)| {
            items
                .iter()
                .map(move |it| (it.price, it.cand, g, it.min, it.max))
        })
        .collect();
    all.sort_unstable();
    let mut used = vec![false; groups.len()];
    let mut left_q = q_eff;
    let mut left_b = budget;
    let mut out = Vec::new();
    for (price, cand, g, min, max) in all {
        let Some(u) = used.get_mut(g) else { continue };
        if *u {
            continue;
        }
        let x = max.min(left_q).min(to_usize(left_b / price));
        if x >= min && x > 0 {
            *u = true;
            out.push((cand, x as i64));
            left_q -= x;
            left_b -= x as i64 * price;
        }
        if left_q == 0 {
            break;
        }
    }
    (out, q_eff - left_q, budget - left_b)
}

/// When an allocation covering `q_eff` with cost `upper` is known, every optimum covers
/// `q_eff` at a cost ≤ `upper`. An offer with price p and minimum m is then dropped when
/// even `m·p + F(q_eff − m)` exceeds `upper`, F(k) being the cost of the k cheapest units of
/// all offers together (a relaxation: no minimums, no one-offer-per-enterprise), provided
/// p ≥ the price of the (q_eff − m)-th cheapest unit (so that x = m minimises
/// `x·p + F(q_eff − x)` over x ≥ m: taking more of a pricier-than-marginal offer only costs
/// more). No optimum contains such an offer, so the result is unchanged (and so is the
/// tie-break, which only chooses among optima).
fn prune_by_bound(groups: &mut [Vec<Item>], q_eff: usize, upper: i64) {
    let mut units: Vec<(i64, usize)> = groups
        .iter()
        .flatten()
        .map(|it| (it.price, it.max))
        .collect();
    units.sort_unstable();
    // cum[i] = units in the i cheapest offers; cost[i] their cost.
    let mut cum = Vec::with_capacity(units.len() + 1);
    let mut cost = Vec::with_capacity(units.len() + 1);
    cum.push(0usize);
    cost.push(0i128);
    let (mut c, mut s) = (0usize, 0i128);
    for &(p, a) in &units {
        c = c.saturating_add(a);
        s += a as i128 * i128::from(p);
        cum.push(c);
        cost.push(s);
    }
    // The offer holding the k-th cheapest unit (k ≥ 1): the first i with cum[i + 1] ≥ k.
    let holder = |k: usize| cum.partition_point(|&u| u < k).checked_sub(1);
    // F(k) and the price of the k-th unit.
    let cheapest = |k: usize| -> Option<(i128, i64)> {
        let i = holder(k)?;
        let (&(p, _), &before, &base) = (units.get(i)?, cum.get(i)?, cost.get(i)?);
        Some((base + (k - before) as i128 * i128::from(p), p))
    };
    for g in groups.iter_mut() {
        g.retain(|it| {
            let k = q_eff - it.min;
            let fixed = it.min as i128 * i128::from(it.price);
            let lower = if k == 0 {
                Some(fixed)
            } else {
                match cheapest(k) {
                    Some((f, marginal)) if it.price >= marginal => Some(fixed + f),
                    _ => None,
                }
            };
            lower.is_none_or(|lb| lb <= i128::from(upper))
        });
    }
}

/// The exact search's sizes.
struct Plan {
    q_eff: usize,
    budget: i64,
    /// Bits for the enterprise count in a packed value.
    count_bits: u32,
    /// Bits for a quantity index in a packed window key.
    index_bits: u32,
}

/// The signed integer the packed values live in (i64 when the bits allow, else i128).
trait Word:
    Copy
    + Ord
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    const INF: Self;
    const ZERO: Self;
    const ONE: Self;
    fn of(v: i64) -> Self;
    fn of_usize(v: usize) -> Self;
    /// The low `bits` bits, as an index.
    fn low(self, bits: u32) -> usize;
    /// The high part (`self >> bits`), as i64 (used for costs ≤ B).
    fn high_i64(self, bits: u32) -> i64;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const INF: Self = <$t>::MAX;
            const ZERO: Self = 0;
            const ONE: Self = 1;
            fn of(v: i64) -> Self {
                v as $t
            }
            fn of_usize(v: usize) -> Self {
                v as $t
            }
            fn low(self, bits: u32) -> usize {
                (self & ((1 << bits) - 1)) as usize
            }
            fn high_i64(self, bits: u32) -> i64 {
                (self >> bits) as i64
            }
        }
    };
}
word!(i64);
word!(i128);

/// A choice code per (enterprise, quantity): 0 = the enterprise takes no part, otherwise
/// `offer_in_group · (q_eff + 1) + x`.
trait Code: Copy + Eq {
    const ZERO: Self;
    fn of(v: usize) -> Self;
    fn get(self) -> usize;
}
impl Code for u32 {
    const ZERO: Self = 0;
    fn of(v: usize) -> Self {
        v as u32
    }
    fn get(self) -> usize {
        self as usize
    }
}
impl Code for u64 {
    const ZERO: Self = 0;
    fn of(v: usize) -> Self {
        v as u64
    }
    fn get(self) -> usize {
        self as usize
    }
}

/// The exact dynamic programme over covered quantity (module docs, "Method").
///
/// `value[q]` packs (cost, enterprise count) as `cost << count_bits | count` (INF: not
/// reachable within budget), so comparing values compares lexicographically. Enterprises are
/// processed from the lowest-ranked group to the best one; for an offer with price p and
/// limits [m, a], `take[q] = q·p + min_{j ∈ [q−a, q−m]} (value[j] − j·p) + 1`, the minimum
/// being kept by a monotone deque of window keys `(value[j] − j·p) << index_bits | j`
/// (ties: the smallest j, i.e. the largest x). A take replaces the current value when
/// smaller, or equal to the value of not taking part (the better-ranked enterprise wins).
fn solve<W: Word, C: Code>(groups: &[Vec<Item>], plan: &Plan) -> Vec<(usize, i64)> {
    let q_eff = plan.q_eff;
    let width = q_eff + 1;
    let cb = plan.count_bits;
    let jb = plan.index_bits;
    // value < limit ⟺ cost ≤ B.
    let limit = W::of(plan.budget) + W::ONE;
    let limit = limit << cb;
    let mut prev = vec![W::INF; width];
    let mut cur = vec![W::INF; width];
    let mut deque = vec![W::ZERO; width];
    let mut choices = vec![C::ZERO; groups.len() * width];
    if let Some(v) = prev.get_mut(0) {
        *v = W::ZERO;
    }
    let mut reach = 0usize;
    for (g, items) in groups.iter().enumerate().rev() {
        cur.copy_from_slice(&prev);
        let Some(choice) = choices.get_mut(g * width..(g + 1) * width) else {
            continue;
        };
        let mut new_reach = reach;
        for (local, it) in items.iter().enumerate() {
            let (m, a) = (it.min, it.max);
            let hi = q_eff.min(reach + a);
            if hi < m {
                continue;
            }
            new_reach = new_reach.max(hi);
            let p = W::of(it.price);
            let code_base = local * width;
            let (mut head, mut tail) = (0usize, 0usize);
            for q in m..=hi {
                let j = q - m;
                if j <= reach {
                    let v = prev[j];
                    if v != W::INF {
                        let key = ((v - ((W::of_usize(j) * p) << cb)) << jb) + W::of_usize(j);
                        while tail > head && deque[tail - 1] > key {
                            tail -= 1;
                        }
                        deque[tail] = key;
                        tail += 1;
                    }
                }
                let lo = q.saturating_sub(a);
                while head < tail && deque[head].low(jb) < lo {
                    head += 1;
                }
                if head < tail {
                    let w = deque[head];
                    let take = (w >> jb) + ((W::of_usize(q) * p) << cb) + W::ONE;
                    if take < limit {
                        let c = cur[q];
                        if take < c || (take == c && choice[q] == C::ZERO) {
                            cur[q] = take;
                            choice[q] = C::of(code_base + (q - w.low(jb)));
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        reach = new_reach;
    }
    // The largest coverable quantity (value[0] = 0 is always within budget).
    let mut q = (0..width).rev().find(|&q| prev[q] < limit).unwrap_or(0);
    debug_assert!(prev[q].high_i64(cb) <= plan.budget);
    let mut out = Vec::new();
    for (g, items) in groups.iter().enumerate() {
        let code = choices.get(g * width + q).map_or(0, |c| c.get());
        if code == 0 {
            continue;
        }
        let (local, x) = (code / width, code % width);
        if let Some(it) = items.get(local) {
            out.push((it.cand, x as i64));
            q = q.saturating_sub(x);
        }
    }
    debug_assert_eq!(q, 0);
    out
}
