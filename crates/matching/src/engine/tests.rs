use muhan_core::EnterpriseKind as K;
use proptest::prelude::*;

use super::*;

const HOME: &str = "27110";
const AWAY: &str = "27290";

fn need(quantity: i64, budget_won: i64) -> Need {
    Need {
        quantity,
        budget_won,
        delivery_district: HOME.to_owned(),
        days_to_deadline: 10,
        allow_consortium: true,
    }
}

fn offer(enterprise_id: i64, price: i64, available: i64, min_order: i64) -> Offer {
    Offer {
        enterprise_id,
        enterprise_kind: K::Cooperative,
        district: AWAY.to_owned(),
        product_id: Some(enterprise_id * 10),
        unit_price_won: price,
        available_qty: available,
        min_order_qty: min_order,
        lead_time_days: 3,
        trailing_revenue_won: 0,
        category_depth: Some(0),
    }
}

fn allocation(need: &Need, offers: &[Offer]) -> Allocation {
    allocate(need, offers, &rank(need, offers))
}

fn lines(a: &Allocation) -> Vec<(usize, i64)> {
    a.lines.iter().map(|l| (l.offer, l.quantity)).collect()
}

fn unrounded_score(need: &Need, o: &Offer, p_min: i64, r_max: i64) -> f64 {
    let b = contributions(&factors(need, o, p_min, r_max));
    b.category + b.price + b.capacity + b.lead_time + b.locality + b.certification + b.fairness
}

fn sum(b: &Breakdown) -> f64 {
    b.category + b.price + b.capacity + b.lead_time + b.locality + b.certification + b.fairness
}

// ---------------------------------------------------------------------------------------
// Ranking

#[test]
fn weights_sum_to_one() {
    let total = WEIGHT_CATEGORY
        + WEIGHT_PRICE
        + WEIGHT_CAPACITY
        + WEIGHT_LEAD_TIME
        + WEIGHT_LOCALITY
        + WEIGHT_CERTIFICATION
        + WEIGHT_FAIRNESS;
    assert!((total - 1.0).abs() < 1e-12);
    // The guarantee's margin: the price weight's 25 % exceeds the fairness weight.
    const { assert!(WEIGHT_PRICE * 0.25 > WEIGHT_FAIRNESS) };
}

#[test]
fn rank_excludes_ineligible_offers() {
    let n = need(100, 1_000_000);
    let ok = offer(1, 1_000, 100, 1);
    let mut late = offer(2, 1_000, 100, 1);
    late.lead_time_days = 11;
    let mut negative_lead = offer(3, 1_000, 100, 1);
    negative_lead.lead_time_days = -1;
    let mut off_category = offer(4, 1_000, 100, 1);
    off_category.category_depth = None;
    let moq_above_quantity = offer(5, 1_000, 500, 101);
    let short_supply = offer(6, 1_000, 9, 10);
    let mut no_price = offer(7, 0, 100, 1);
    no_price.unit_price_won = 0;
    let mut at_deadline = offer(8, 1_000, 100, 1);
    at_deadline.lead_time_days = 10;
    let zero_min_one_unit = offer(9, 1_000, 1, 0);
    let zero_min_no_unit = offer(10, 1_000, 0, 0);
    let offers = vec![
        ok,
        late,
        negative_lead,
        off_category,
        moq_above_quantity,
        short_supply,
        no_price,
        at_deadline,
        zero_min_one_unit,
        zero_min_no_unit,
    ];
    let mut kept: Vec<usize> = rank(&n, &offers).iter().map(|r| r.offer).collect();
    kept.sort_unstable();
    assert_eq!(kept, vec![0, 7, 8]);
    use Exclusion as E;
    let why: Vec<Option<Exclusion>> = offers.iter().map(|o| exclusion(&n, o)).collect();
    assert_eq!(
        why,
        vec![
            None,
            Some(E::TooLate),
            Some(E::TooLate),
            Some(E::OutsideCategory),
            Some(E::MinimumAboveQuantity),
            Some(E::CannotSupplyMinimum),
            Some(E::NoPrice),
            None,
            None,
            Some(E::CannotSupplyMinimum),
        ]
    );
    // A deadline in the past excludes everything; so does a non-positive quantity.
    let mut past = n.clone();
    past.days_to_deadline = -1;
    assert!(rank(&past, &offers).is_empty());
    assert!(rank(&need(0, 1_000), &offers).is_empty());
}

#[test]
fn rank_cheaper_faster_local_certified_first() {
    let n = need(100, 1_000_000);
    let mut best = offer(9, 900, 100, 1);
    best.lead_time_days = 1;
    best.district = HOME.to_owned();
    best.enterprise_kind = K::SocialEnterprise;
    let offers = vec![offer(1, 1_000, 100, 1), offer(2, 1_100, 100, 1), best];
    let r = rank(&n, &offers);
    assert_eq!(r.first().map(|r| r.offer), Some(2));
    let top = r[0].breakdown;
    assert_eq!(top.price, 0.35);
    assert_eq!(top.locality, 0.1);
    assert_eq!(top.certification, 0.07);
}

#[test]
fn rank_scores_in_unit_interval_and_breakdown_sums_to_score() {
    let n = need(50, 1_000_000);
    let mut offers = Vec::new();
    for i in 0..40i64 {
        let mut o = offer(i % 7, 500 + 37 * i, 10 + 3 * i, 1 + i % 5);
        o.lead_time_days = i % 11;
        o.category_depth = Some((i % 5) as u32);
        o.trailing_revenue_won = 1_000_000 * (i % 9);
        o.enterprise_kind = K::ALL[(i as usize) % K::ALL.len()];
        if i % 3 == 0 {
            o.district = HOME.to_owned();
        }
        offers.push(o);
    }
    let mut perfect = offer(100, 500, 50, 1);
    perfect.lead_time_days = 0;
    perfect.district = HOME.to_owned();
    perfect.enterprise_kind = K::SocialEnterprise;
    offers.push(perfect);
    let r = rank(&n, &offers);
    assert!(r.len() > 30);
    for x in &r {
        assert!((0.0..=1.0).contains(&x.score), "{x:?}");
        // Each contribution is rounded to 6 decimals, the score is the rounded exact sum:
        // they agree to within 7 half-millionths.
        assert!(
            (sum(&x.breakdown) - x.score).abs() <= 3.5e-6 + 1e-12,
            "{x:?}"
        );
        assert_eq!(x.score, (x.score * 1e6).round() / 1e6);
    }
    assert_eq!(r[0].offer, 40);
    assert_eq!(r[0].score, 1.0);
    for w in r.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
}

#[test]
fn rank_ties_broken_by_enterprise_id_then_product_then_index() {
    let n = need(10, 1_000_000);
    let mut a = offer(3, 1_000, 10, 1);
    a.product_id = Some(5);
    let mut b = offer(1, 1_000, 10, 1);
    b.product_id = Some(7);
    let mut c = offer(1, 1_000, 10, 1);
    c.product_id = None;
    let mut d = offer(2, 1_000, 10, 1);
    d.product_id = Some(1);
    let e = d.clone();
    let offers = vec![a, b, c, d, e];
    let order: Vec<usize> = rank(&n, &offers).iter().map(|r| r.offer).collect();
    assert_eq!(order, vec![2, 1, 3, 4, 0]);
    // The same input gives the same output, whatever the input order of equal offers.
    let mut reversed = offers.clone();
    reversed.reverse();
    let order: Vec<usize> = rank(&n, &reversed).iter().map(|r| r.offer).collect();
    assert_eq!(order, vec![2, 3, 0, 1, 4]);
}

#[test]
fn rank_fairness_lifts_the_smaller_enterprise() {
    let n = need(10, 1_000_000);
    let mut big = offer(1, 1_000, 10, 1);
    big.trailing_revenue_won = 90_000_000;
    let mut small = offer(2, 1_000, 10, 1);
    small.trailing_revenue_won = 10_000_000;
    let r = rank(&n, &[big, small]);
    assert_eq!(r[0].offer, 1);
    assert!(r[0].score > r[1].score);
    assert_eq!(r[1].breakdown.fairness, 0.0);
    // f = 1 − 10/90, × 0.08 × price factor 1.
    assert_eq!(r[0].breakdown.fairness, 0.071111);
    // Negative revenue counts as 0; all equal revenue gives everyone the full boost.
    let mut neg = offer(3, 1_000, 10, 1);
    neg.trailing_revenue_won = -5;
    let r = rank(&n, &[neg, offer(4, 1_000, 10, 1)]);
    assert!(r.iter().all(|x| x.breakdown.fairness == 0.08));
}

#[test]
fn rank_clearly_cheaper_and_faster_wins_whatever_revenue() {
    let n = need(100, 10_000_000);
    // A: 80 % of B's price, same lead time, the largest revenue; B: no revenue at all.
    let mut a = offer(9, 800, 100, 1);
    a.trailing_revenue_won = 1_000_000_000;
    let b = offer(1, 1_000, 100, 1);
    let r = rank(&n, &[b.clone(), a.clone()]);
    assert_eq!(r[0].offer, 1);
    assert!(r[0].score > r[1].score);
    // Margin at least 0.0075 · p_min / p_B (here p_min = p_A): 0.0075 · 0.8 = 0.006.
    assert!(r[0].score - r[1].score >= 0.006 - 1e-9);
    // Far from the cheapest eligible price the unrounded order still holds.
    let mut cheapest = offer(5, 1, 100, 1);
    cheapest.category_depth = Some(4);
    let mut far_a = a.clone();
    far_a.unit_price_won = 8_000_000;
    let mut far_b = b.clone();
    far_b.unit_price_won = 10_000_000;
    let (sa, sb) = (
        unrounded_score(&n, &far_a, 1, 1_000_000_000),
        unrounded_score(&n, &far_b, 1, 1_000_000_000),
    );
    assert!(sa > sb);
}

// ---------------------------------------------------------------------------------------
// The worked example of the module docs

fn example() -> (Need, Vec<Offer>) {
    let need = Need {
        quantity: 100,
        budget_won: 225_000,
        delivery_district: "27110".to_owned(),
        days_to_deadline: 9,
        allow_consortium: true,
    };
    let o = |id, kind, district: &str, price, avail, moq, lead, revenue, depth| Offer {
        enterprise_id: id,
        enterprise_kind: kind,
        district: district.to_owned(),
        product_id: Some(id * 100),
        unit_price_won: price,
        available_qty: avail,
        min_order_qty: moq,
        lead_time_days: lead,
        trailing_revenue_won: revenue,
        category_depth: depth,
    };
    let offers = vec![
        o(
            1,
            K::SocialEnterprise,
            "27110",
            2_000,
            60,
            10,
            2,
            30_000_000,
            Some(0),
        ),
        o(
            2,
            K::VillageEnterprise,
            "27260",
            2_200,
            70,
            20,
            4,
            0,
            Some(1),
        ),
        o(
            3,
            K::Cooperative,
            "27110",
            2_500,
            120,
            50,
            1,
            60_000_000,
            Some(0),
        ),
        o(
            4,
            K::SocialCooperative,
            "27290",
            1_900,
            40,
            30,
            12,
            0,
            Some(0),
        ),
    ];
    (need, offers)
}

#[test]
fn worked_example_matches_the_docs() {
    let (need, offers) = example();
    assert_eq!(exclusion(&need, &offers[3]), Some(Exclusion::TooLate));
    let r = rank(&need, &offers);
    let b = |category, price, capacity, lead_time, locality, certification, fairness| Breakdown {
        category,
        price,
        capacity,
        lead_time,
        locality,
        certification,
        fairness,
    };
    let expected = vec![
        Ranked {
            offer: 0,
            score: 0.87,
            breakdown: b(0.1, 0.35, 0.09, 0.12, 0.1, 0.07, 0.04),
        },
        Ranked {
            offer: 2,
            score: 0.779,
            breakdown: b(0.1, 0.28, 0.15, 0.135, 0.1, 0.014, 0.0),
        },
        Ranked {
            offer: 1,
            score: 0.717909,
            breakdown: b(0.09, 0.318182, 0.105, 0.09, 0.0, 0.042, 0.072727),
        },
    ];
    assert_eq!(r, expected);
    let f = factors(&need, &offers[1], 2_000, 60_000_000);
    assert_eq!(
        (f.category, f.capacity, f.lead_time, f.fairness),
        (0.9, 0.7, 0.6, 1.0)
    );
    assert!((f.price - 2_000.0 / 2_200.0).abs() < 1e-15);
    let a = allocate(&need, &offers, &r);
    let line = |offer, enterprise_id, quantity, unit_price_won| AllocationLine {
        offer,
        enterprise_id,
        product_id: Some(enterprise_id * 100),
        quantity,
        unit_price_won,
        subtotal_won: quantity * unit_price_won,
    };
    assert_eq!(
        a,
        Allocation {
            lines: vec![line(0, 1, 60, 2_000), line(1, 2, 40, 2_200)],
            total_won: 208_000,
            covered_qty: 100,
            fully_covered: true,
            exact: true,
        }
    );
    // Without a consortium: the best-ranked single offer, partially.
    let mut solo = need.clone();
    solo.allow_consortium = false;
    assert_eq!(
        allocate(&solo, &offers, &r),
        Allocation {
            lines: vec![line(0, 1, 60, 2_000)],
            total_won: 120_000,
            covered_qty: 60,
            fully_covered: false,
            exact: true,
        }
    );
    // With a budget of 250,000, offer 2 covers alone and is taken (rule 1).
    let mut rich = need.clone();
    rich.budget_won = 250_000;
    assert_eq!(
        lines(&allocate(&rich, &offers, &rank(&rich, &offers))),
        vec![(2, 100)]
    );
}

// ---------------------------------------------------------------------------------------
// Allocation

#[test]
fn allocate_single_cover_takes_the_highest_ranked_full_offer() {
    let n = need(100, 200_000);
    // Offer 1 is cheaper but cannot cover alone; 2 and 3 can, 2 is ranked higher (cheaper).
    let offers = vec![
        offer(1, 1_000, 60, 1),
        offer(2, 1_500, 100, 1),
        offer(3, 1_600, 150, 1),
    ];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(1, 100)]);
    assert!(a.fully_covered);
    assert_eq!(a.total_won, 150_000);
    // The same without a consortium.
    let mut solo = n.clone();
    solo.allow_consortium = false;
    assert_eq!(allocation(&solo, &offers), a);
}

#[test]
fn allocate_without_consortium_best_single_is_partial() {
    let mut n = need(100, 1_000_000);
    n.allow_consortium = false;
    let offers = vec![offer(1, 1_000, 60, 1), offer(2, 1_100, 70, 1)];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(0, 60)]);
    assert!(!a.fully_covered);
    assert_eq!((a.covered_qty, a.total_won), (60, 60_000));
    // The budget limits the quantity; below a minimum order the next offer is taken.
    n.budget_won = 45_500;
    let offers = vec![offer(1, 1_000, 60, 50), offer(2, 1_100, 70, 1)];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(1, 41)]);
    assert_eq!(a.total_won, 45_100);
    // Nothing feasible: no lines.
    n.budget_won = 500;
    let a = allocation(&n, &offers);
    assert_eq!(
        a,
        Allocation {
            exact: true,
            ..Allocation::default()
        }
    );
}

#[test]
fn allocate_consortium_least_cost() {
    let n = need(100, 1_000_000);
    let offers = vec![
        offer(1, 1_200, 60, 1),
        offer(2, 1_000, 50, 1),
        offer(3, 1_100, 40, 1),
        offer(4, 1_300, 90, 1),
    ];
    let a = allocation(&n, &offers);
    let mut got = lines(&a);
    got.sort_unstable();
    assert_eq!(got, vec![(0, 10), (1, 50), (2, 40)]);
    assert_eq!(a.total_won, 50_000 + 44_000 + 12_000);
    assert!(a.fully_covered);
    // Lines follow the ranked order.
    let r = rank(&n, &offers);
    let order: Vec<usize> = r
        .iter()
        .map(|x| x.offer)
        .filter(|o| a.lines.iter().any(|l| l.offer == *o))
        .collect();
    assert_eq!(a.lines.iter().map(|l| l.offer).collect::<Vec<_>>(), order);
}

#[test]
fn allocate_greedy_trap() {
    // Greedy by price takes A's 6 units, then cannot fit B's or C's minimum of 5 in the 4
    // left: 6 units. The optimum covers all 10: A 5 + B 5 = 1,005.
    let n = need(10, 1_000_000);
    let offers = vec![
        offer(1, 100, 6, 1),
        offer(2, 101, 5, 5),
        offer(3, 102, 5, 5),
    ];
    let a = allocation(&n, &offers);
    let mut got = lines(&a);
    got.sort_unstable();
    assert_eq!(got, vec![(0, 5), (1, 5)]);
    assert_eq!(a.total_won, 1_005);
    assert!(a.fully_covered);
    // With A's minimum at 6, only B 5 + C 5 = 1,015 covers all 10.
    let mut offers = offers;
    offers[0].min_order_qty = 6;
    let a = allocation(&n, &offers);
    let mut got = lines(&a);
    got.sort_unstable();
    assert_eq!(got, vec![(1, 5), (2, 5)]);
    assert_eq!(a.total_won, 1_015);
    assert!(a.fully_covered);
}

#[test]
fn allocate_fewer_enterprises_on_equal_cost() {
    // All at 100 won: 12 units cost 1,200 whichever way; 10 + 2 uses two enterprises, 5 + 5 + 2
    // three. None can cover alone.
    let n = need(12, 1_000_000);
    let offers = vec![
        offer(1, 100, 5, 1),
        offer(2, 100, 5, 1),
        offer(3, 100, 10, 1),
        offer(4, 100, 2, 1),
    ];
    let a = allocation(&n, &offers);
    // Enterprise 3 ranks first (capacity), takes as much as an optimum allows, then the
    // best-ranked enterprise that completes it with one more line.
    assert_eq!(lines(&a), vec![(2, 10), (0, 2)]);
    assert_eq!(a.total_won, 1_200);
}

#[test]
fn allocate_tie_prefers_higher_ranked_enterprise() {
    // Equal cost and count: 2 + 8 with enterprise 1 or with enterprise 2; 1 ranks first.
    let n = need(10, 1_000_000);
    let offers = vec![
        offer(1, 100, 2, 1),
        offer(2, 100, 2, 1),
        offer(3, 100, 8, 8),
    ];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(2, 8), (0, 2)]);
}

#[test]
fn allocate_honest_partial_coverage_within_budget() {
    let n = need(100, 1_000_000);
    let offers = vec![offer(1, 1_000, 30, 1), offer(2, 1_100, 25, 10)];
    let a = allocation(&n, &offers);
    assert_eq!((a.covered_qty, a.fully_covered), (55, false));
    assert_eq!(a.total_won, 30_000 + 27_500);
}

#[test]
fn allocate_respects_the_budget() {
    let n = need(100, 70_000);
    let offers = vec![
        offer(1, 1_000, 60, 1),
        offer(2, 1_100, 70, 1),
        offer(3, 900, 20, 20),
    ];
    let a = allocation(&n, &offers);
    assert!(a.total_won <= 70_000);
    // 20 @ 900 + 52 @ 1000 = 70_000.
    assert_eq!(a.covered_qty, 72);
    assert_eq!(a.total_won, 70_000);
    // No budget, nothing.
    let none = allocation(&need(100, 0), &offers);
    assert!(none.lines.is_empty() && none.covered_qty == 0 && !none.fully_covered);
}

#[test]
fn allocate_one_offer_per_enterprise() {
    let n = need(100, 1_000_000);
    let offers = vec![
        offer(1, 1_000, 60, 1),
        offer(1, 1_000, 50, 1),
        offer(2, 1_500, 30, 1),
    ];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(0, 60), (2, 30)]);
    // Prefers the same enterprise's other (non-dominated) offer when it helps.
    let offers = vec![
        offer(1, 1_000, 60, 1),
        offer(1, 1_200, 80, 1),
        offer(2, 1_500, 20, 20),
    ];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(1, 80), (2, 20)]);
}

#[test]
fn allocate_uses_only_ranked_offers() {
    let n = need(100, 1_000_000);
    let offers = vec![offer(1, 1_000, 60, 1), offer(2, 1_100, 70, 1)];
    let r = rank(&n, &offers);
    let only_second: Vec<Ranked> = r.iter().copied().filter(|x| x.offer == 1).collect();
    let a = allocate(&n, &offers, &only_second);
    assert_eq!(lines(&a), vec![(1, 70)]);
    // Out-of-range and repeated entries are ignored.
    let mut odd = only_second.clone();
    odd.push(Ranked {
        offer: 99,
        ..only_second[0]
    });
    odd.push(only_second[0]);
    assert_eq!(allocate(&n, &offers, &odd), a);
}

#[test]
fn allocate_above_the_cell_cap_is_still_feasible() {
    // 20 enterprises × 10^9 units: far above MAX_DP_CELLS.
    let n = need(1_000_000_000, 10_000_000_000);
    let offers: Vec<Offer> = (0..20)
        .map(|i| offer(i, 5 + i % 3, 100_000_000, 1_000 * (i + 1)))
        .collect();
    let a = allocation(&n, &offers);
    assert!(a.total_won <= n.budget_won);
    assert!(a.covered_qty <= n.quantity);
    assert_eq!(a.covered_qty, 1_000_000_000);
    assert!(!a.exact, "the greedy fallback says so");
    check_feasible(&n, &offers, &a);
}

#[test]
fn allocate_wide_prices_use_the_wide_path() {
    // Prices near 10^16 won: the packed values need i128.
    let n = need(30, 400_000_000_000_000_000);
    let p = 10_000_000_000_000_000;
    let offers = vec![
        offer(1, p, 12, 1),
        offer(2, p + 1, 10, 10),
        offer(3, p + 2, 10, 10),
    ];
    let a = allocation(&n, &offers);
    assert_eq!(lines(&a), vec![(0, 10), (1, 10), (2, 10)]);
    assert_eq!(a.total_won, 30 * p + 10 + 20);
    assert!(a.exact);
}

fn check_feasible(n: &Need, offers: &[Offer], a: &Allocation) {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0i128;
    let mut covered = 0i64;
    for l in &a.lines {
        let o = &offers[l.offer];
        assert!(l.quantity <= o.available_qty, "{l:?}");
        assert!(l.quantity >= o.min_order_qty.max(1), "{l:?}");
        assert_eq!(l.enterprise_id, o.enterprise_id);
        assert_eq!(l.unit_price_won, o.unit_price_won);
        assert_eq!(l.product_id, o.product_id);
        assert_eq!(l.subtotal_won, l.quantity * l.unit_price_won);
        assert!(
            seen.insert(l.enterprise_id),
            "two lines for one enterprise: {a:?}"
        );
        total += i128::from(l.subtotal_won);
        covered += l.quantity;
    }
    assert_eq!(i128::from(a.total_won), total);
    assert_eq!(a.covered_qty, covered);
    assert!(covered <= n.quantity);
    assert!(total <= i128::from(n.budget_won));
    assert_eq!(a.fully_covered, covered == n.quantity);
}

// ---------------------------------------------------------------------------------------
// Properties

/// The best (covered max, then cost min, then enterprises min) over every assignment of
/// quantities `{0} ∪ [min, min(available, Q)]` to the usable offers, at most one per
/// enterprise, Σ ≤ Q, cost ≤ B.
fn brute_force(n: &Need, offers: &[Offer], usable: &[usize]) -> (i64, i128, usize) {
    fn go(
        n: &Need,
        offers: &[Offer],
        usable: &[usize],
        used: &mut Vec<i64>,
        covered: i64,
        cost: i128,
        best: &mut (i64, i128, usize),
    ) {
        let Some((&i, rest)) = usable.split_first() else {
            let cand = (covered, cost, used.len());
            if (cand.0, -cand.1, -(cand.2 as i64)) > (best.0, -best.1, -(best.2 as i64)) {
                *best = cand;
            }
            return;
        };
        go(n, offers, rest, used, covered, cost, best);
        let o = &offers[i];
        if used.contains(&o.enterprise_id) {
            return;
        }
        used.push(o.enterprise_id);
        for x in o.min_order_qty.max(1)..=o.available_qty.min(n.quantity - covered) {
            let c = cost + i128::from(x) * i128::from(o.unit_price_won);
            if c > i128::from(n.budget_won) {
                break;
            }
            go(n, offers, rest, used, covered + x, c, best);
        }
        used.pop();
    }
    let mut best = (0, 0, 0);
    go(n, offers, usable, &mut Vec::new(), 0, 0, &mut best);
    best
}

fn arb_offer(scale: i64) -> impl Strategy<Value = Offer> {
    (1i64..=4, 1i64..=40, 0i64..=12, 0i64..=8, 0i64..=3).prop_map(
        move |(ent, price, avail, moq, lead)| {
            let mut o = offer(ent, price * scale + ent, avail, moq);
            o.lead_time_days = lead;
            o
        },
    )
}

fn arb_instance() -> impl Strategy<Value = (Need, Vec<Offer>)> {
    prop_oneof![Just(1i64), Just(1_000i64), Just(10_000_000_000_000i64)].prop_flat_map(|scale| {
        (
            1i64..=30,
            0i64..=1_200,
            prop::collection::vec(arb_offer(scale), 1..=6),
        )
            .prop_map(move |(q, budget, offers)| (need(q, budget * scale), offers))
    })
}

proptest! {
    // No regression files outside the engine's module; failures print the minimal input.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn prop_consortium_is_feasible_and_optimal((n, offers) in arb_instance()) {
        let r = rank(&n, &offers);
        let a = allocate(&n, &offers, &r);
        check_feasible(&n, &offers, &a);
        let usable: Vec<usize> = r.iter().map(|x| x.offer).collect();
        let (covered, cost, count) = brute_force(&n, &offers, &usable);
        let single = usable.iter().copied().find(|&i| {
            let o = &offers[i];
            o.available_qty >= n.quantity
                && i128::from(n.quantity) * i128::from(o.unit_price_won) <= i128::from(n.budget_won)
        });
        prop_assert_eq!(a.fully_covered, covered == n.quantity);
        prop_assert_eq!(a.covered_qty, covered);
        if let Some(i) = single {
            prop_assert_eq!(lines(&a), vec![(i, n.quantity)]);
        } else {
            prop_assert_eq!(i128::from(a.total_won), cost);
            prop_assert_eq!(a.lines.len(), count);
        }
    }

    #[test]
    fn prop_without_consortium_is_the_best_single((n, offers) in arb_instance()) {
        let mut n = n;
        n.allow_consortium = false;
        let r = rank(&n, &offers);
        let a = allocate(&n, &offers, &r);
        check_feasible(&n, &offers, &a);
        prop_assert!(a.lines.len() <= 1);
        let feasible = |i: usize| {
            let o = &offers[i];
            let x = o.available_qty.min(n.quantity).min(n.budget_won / o.unit_price_won);
            (x >= o.min_order_qty.max(1)).then_some((i, x))
        };
        let single = r.iter().map(|x| x.offer).find(|&i| {
            let o = &offers[i];
            o.available_qty >= n.quantity
                && i128::from(n.quantity) * i128::from(o.unit_price_won) <= i128::from(n.budget_won)
        });
        let expected: Vec<(usize, i64)> = match single {
            Some(i) => vec![(i, n.quantity)],
            None => r.iter().find_map(|x| feasible(x.offer)).into_iter().collect(),
        };
        prop_assert_eq!(lines(&a), expected);
    }

    #[test]
    fn prop_clearly_cheaper_and_faster_ranks_higher(
        q in 1i64..=500,
        days in 0i64..=60,
        p_b in 5i64..=10_000_000,
        a_share in 0.0f64..=1.0,
        b_lead in 0i64..=60,
        a_lead_share in 0.0f64..=1.0,
        b_avail in 1i64..=600,
        a_extra in 0i64..=600,
        b_depth in 0u32..=5,
        a_depth_less in 0u32..=5,
        b_local in any::<bool>(),
        a_local in any::<bool>(),
        kinds in (0usize..6, 0usize..6),
        revenues in (0i64..=1_000_000_000, 0i64..=1_000_000_000),
        others in prop::collection::vec((0i64..=10_000_000, 0i64..=2_000_000_000, 0usize..6), 0..=3),
    ) {
        let b_lead = b_lead.min(days);
        let mut n = need(q, i64::MAX);
        n.days_to_deadline = days;
        // A's price ≤ 80 % of B's: 5·p_A ≤ 4·p_B.
        let p_a_max = 4 * p_b / 5;
        // Other eligible offers set p_min and r_max: the rounded guarantee needs
        // p_B ≤ 5000 · p_min.
        let floor = (p_b + 4_999) / 5_000;
        let p_a = (1 + ((p_a_max - 1) as f64 * a_share) as i64).max(floor);
        prop_assume!(5 * p_a <= 4 * p_b);
        let cert = |k: usize| certification_value(K::ALL[k]);
        let (ka, kb) = if cert(kinds.0) >= cert(kinds.1) { kinds } else { (kinds.1, kinds.0) };
        let mut b = offer(1, p_b, b_avail, 1);
        b.lead_time_days = b_lead;
        b.category_depth = Some(b_depth);
        b.district = if b_local { HOME } else { AWAY }.to_owned();
        b.enterprise_kind = K::ALL[kb];
        b.trailing_revenue_won = revenues.1;
        let mut a = offer(2, p_a, b_avail + a_extra, 1);
        a.lead_time_days = (b_lead as f64 * a_lead_share) as i64;
        a.category_depth = Some(b_depth.saturating_sub(a_depth_less));
        a.district = if a_local || b_local { HOME } else { AWAY }.to_owned();
        a.enterprise_kind = K::ALL[ka];
        a.trailing_revenue_won = revenues.0;
        let mut offers = vec![b, a];
        for (k, (price, revenue, kind)) in others.into_iter().enumerate() {
            let mut o = offer(10 + k as i64, floor + price, 1, 1);
            o.lead_time_days = 0;
            o.trailing_revenue_won = revenue;
            o.enterprise_kind = K::ALL[kind];
            offers.push(o);
        }
        let r = rank(&n, &offers);
        let pos = |i: usize| r.iter().position(|x| x.offer == i);
        let (Some(ia), Some(ib)) = (pos(1), pos(0)) else {
            return Err(TestCaseError::fail("A and B are eligible"));
        };
        prop_assert!(r[ia].score > r[ib].score, "{:?} vs {:?}", r[ia], r[ib]);
        prop_assert!(ia < ib);
        // Unrounded, the margin is at least 0.0075 · p_min / p_B, however far p_B is.
        let p_min = offers.iter().map(|o| o.unit_price_won).min().unwrap_or(1);
        let r_max = offers.iter().map(|o| o.trailing_revenue_won).max().unwrap_or(0);
        let sa = unrounded_score(&n, &offers[1], p_min, r_max);
        let sb = unrounded_score(&n, &offers[0], p_min, r_max);
        prop_assert!(sa - sb >= 0.0075 * p_min as f64 / p_b as f64 * (1.0 - 1e-9));
        let far = unrounded_score(&n, &offers[1], 1, r_max) - unrounded_score(&n, &offers[0], 1, r_max);
        prop_assert!(far > 0.0);
    }
}
