//! Benchmarks of the pure matching engine (see BENCHMARKS.md, "Matching engine").
//!
//! `CARGO_TARGET_DIR=/work/target-engine cargo bench -p muhan-matching --bench engine`
//!
//! Criterion measures `rank` over 100,000 offers, `allocate` over 1,000 enterprises and a
//! baseline (sorting 100,000 f64 values); then this binary times 200 runs of each itself and
//! prints p50/p95 and the ratio of each p95 to the baseline's p95 (the machine's speed varies
//! between days; the ratios much less).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use muhan_core::EnterpriseKind;
use muhan_matching::engine::{allocate, rank, Need, Offer, Ranked};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform-ish in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

const DISTRICTS: [&str; 8] = [
    "27110", "27140", "27170", "27200", "27230", "27260", "27290", "27710",
];

/// 100,000 candidate offers from 20,000 enterprises; about 10 % are ineligible (outside the
/// category, too late, minimum above the quantity, short supply).
fn rank_workload() -> (Need, Vec<Offer>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let need = Need {
        quantity: 500,
        budget_won: 10_000_000,
        delivery_district: "27260".to_owned(),
        days_to_deadline: 14,
        allow_consortium: true,
    };
    let offers = (0..100_000)
        .map(|i| {
            let enterprise_id = rng.range(1, 20_000);
            let min_order_qty = rng.range(1, 120);
            Offer {
                enterprise_id,
                enterprise_kind: EnterpriseKind::ALL
                    [(rng.next() % EnterpriseKind::ALL.len() as u64) as usize],
                district: DISTRICTS[(rng.next() % 8) as usize].to_owned(),
                product_id: if i % 10 == 0 { None } else { Some(i) },
                unit_price_won: rng.range(1_000, 50_000),
                available_qty: rng.range(0, 2_000),
                min_order_qty,
                lead_time_days: rng.range(0, 16),
                trailing_revenue_won: rng.range(0, 500_000_000),
                category_depth: match rng.next() % 20 {
                    0 => None,
                    d => Some((d % 4) as u32),
                },
            }
        })
        .collect();
    (need, offers)
}

/// 1,000 enterprises with 1–3 offers each (about 2,000 offers), none able to cover the
/// 3,000 units alone (10–400 available), minimum orders 1–80, prices 5,000–15,000 won, a
/// budget of 3,000 × 9,000 won; all eligible, consortium allowed.
fn allocate_workload() -> (Need, Vec<Offer>, Vec<Ranked>) {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let need = Need {
        quantity: 3_000,
        budget_won: 3_000 * 9_000,
        delivery_district: "27110".to_owned(),
        days_to_deadline: 30,
        allow_consortium: true,
    };
    let mut offers = Vec::new();
    for enterprise_id in 1..=1_000 {
        for k in 0..rng.range(1, 3) {
            let available_qty = rng.range(10, 400);
            offers.push(Offer {
                enterprise_id,
                enterprise_kind: EnterpriseKind::ALL
                    [(rng.next() % EnterpriseKind::ALL.len() as u64) as usize],
                district: DISTRICTS[(rng.next() % 8) as usize].to_owned(),
                product_id: Some(enterprise_id * 10 + k),
                unit_price_won: rng.range(5_000, 15_000),
                available_qty,
                min_order_qty: rng.range(1, 80).min(available_qty),
                lead_time_days: rng.range(0, 20),
                trailing_revenue_won: rng.range(0, 500_000_000),
                category_depth: Some((rng.next() % 3) as u32),
            });
        }
    }
    let ranked = rank(&need, &offers);
    (need, offers, ranked)
}

fn baseline_workload() -> Vec<f64> {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    (0..100_000).map(|_| rng.next() as f64 / 7.0).collect()
}

fn baseline(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// p50 and p95 over `runs` timed runs after `warm_up` untimed ones.
fn percentiles(mut f: impl FnMut(), warm_up: usize, runs: usize) -> (Duration, Duration) {
    for _ in 0..warm_up {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    let at = |p: f64| times[((runs as f64 * p).ceil() as usize).clamp(1, runs) - 1];
    (at(0.50), at(0.95))
}

fn main() {
    let (rank_need, rank_offers) = rank_workload();
    let (alloc_need, alloc_offers, alloc_ranked) = allocate_workload();
    let values = baseline_workload();
    {
        let r = rank(&rank_need, &rank_offers);
        let a = allocate(&alloc_need, &alloc_offers, &alloc_ranked);
        println!(
            "workload: rank {} offers -> {} eligible; allocate {} offers ({} ranked) -> {} lines, {} of {} units, {} won (budget {})",
            rank_offers.len(),
            r.len(),
            alloc_offers.len(),
            alloc_ranked.len(),
            a.lines.len(),
            a.covered_qty,
            alloc_need.quantity,
            a.total_won,
            alloc_need.budget_won
        );
    }

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(40)
        .configure_from_args();
    c.bench_function("baseline_sort_100k_f64", |b| {
        b.iter(|| baseline(black_box(&values)))
    });
    c.bench_function("rank_100k_offers", |b| {
        b.iter(|| rank(black_box(&rank_need), black_box(&rank_offers)))
    });
    c.bench_function("allocate_1000_enterprises", |b| {
        b.iter(|| {
            allocate(
                black_box(&alloc_need),
                black_box(&alloc_offers),
                black_box(&alloc_ranked),
            )
        })
    });
    c.final_summary();

    // Our own p50/p95 (only when benchmarking, not under `cargo test --benches`).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs = 200;
    let (b50, b95) = percentiles(|| drop(black_box(baseline(&values))), 20, runs);
    let (r50, r95) = percentiles(|| drop(black_box(rank(&rank_need, &rank_offers))), 20, runs);
    let (a50, a95) = percentiles(
        || {
            drop(black_box(allocate(
                &alloc_need,
                &alloc_offers,
                &alloc_ranked,
            )))
        },
        20,
        runs,
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("\n{runs} timed runs each after 20 warm-up runs:");
    println!(
        "{:<28} {:>9} {:>9} {:>14}",
        "benchmark", "p50 ms", "p95 ms", "p95/baseline"
    );
    for (name, p50, p95) in [
        ("baseline_sort_100k_f64", b50, b95),
        ("rank_100k_offers", r50, r95),
        ("allocate_1000_enterprises", a50, a95),
    ] {
        println!(
            "{name:<28} {:>9.3} {:>9.3} {:>14.2}",
            ms(p50),
            ms(p95),
            ms(p95) / ms(b95)
        );
    }
}
