//! `muhan seed demo|bench` and `muhan serve --demo`: thin wrappers over `muhan_stats::seed`
//! that hash the demo passwords (once each) and print what was written.

use muhan_auth::password;
use muhan_core::{clock, Password};
use muhan_db::DbPool;
use muhan_stats::seed::{self, BenchOptions, DemoOptions, Hashes};
use std::time::Instant;

/// The moment the generated data runs up to: the start of today (UTC), so that the same seed
/// gives the same data all day.
fn data_now() -> chrono::NaiveDateTime {
    clock::now().date().and_time(chrono::NaiveTime::MIN)
}

/// The demo passwords' hashes, each computed once.
pub fn demo_hashes() -> anyhow::Result<Hashes> {
    let hash = |p: &str| -> anyhow::Result<String> {
        let parsed = Password::parse(p).map_err(|e| anyhow::anyhow!("demo password: {e}"))?;
        Ok(password::hash(&parsed)?)
    };
    Ok(Hashes {
        admin: hash(seed::ADMIN_PASSWORD)?,
        buyer: hash(seed::BUYER_PASSWORD)?,
        seller: hash(seed::SELLER_PASSWORD)?,
    })
}

/// Seeds the demo data set and prints the accounts.
pub fn seed_demo(pool: &DbPool, seed_value: u64, force: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let hashes = demo_hashes()?;
    let mut conn = pool.get()?;
    let options = DemoOptions {
        seed: seed_value,
        force,
        now: data_now(),
    };
    let report = seed::demo(&mut conn, &options, &hashes)?;
    println!(
        "seeded the demo data (seed {seed_value}) in {:.1} s: {} enterprises, {} agencies, {} users, {} products, {} orders ({} fulfillments, {} lines, {} events), {} procurement requests, {} quotes",
        started.elapsed().as_secs_f64(),
        report.enterprises,
        report.agencies,
        report.users,
        report.products,
        report.orders,
        report.fulfillments,
        report.lines,
        report.events,
        report.requests,
        report.quotes
    );
    for (year, won) in &report.revenue_by_year {
        println!("  revenue {year}: {won} won");
    }
    println!("demo accounts (2017–2020 revenue is the co-op's published figures; everything else is synthetic):");
    println!(
        "  admin   {}  password {}",
        seed::ADMIN_EMAIL,
        seed::ADMIN_PASSWORD
    );
    for (agency, email) in &report.buyers {
        println!(
            "  buyer   {email}  password {}  ({agency})",
            seed::BUYER_PASSWORD
        );
    }
    println!(
        "  buyers  buyer01…buyer{:02}@demo.muhan.kr, one per agency, password {}; pending buyers {} and {}",
        report.agencies,
        seed::BUYER_PASSWORD,
        seed::pending_buyer_email(0),
        seed::pending_buyer_email(1)
    );
    for (enterprise, email) in &report.sellers {
        println!(
            "  seller  {email}  password {}  ({enterprise})",
            seed::SELLER_PASSWORD
        );
    }
    println!(
        "  sellers seller0001…seller{:04}@demo.muhan.kr, one per enterprise, password {}",
        report.enterprises,
        seed::SELLER_PASSWORD
    );
    Ok(())
}

/// `serve --demo`: seeds with the default seed when the database is empty.
pub fn seed_demo_if_empty(pool: &DbPool) -> anyhow::Result<()> {
    let empty = {
        let mut conn = pool.get()?;
        seed::is_empty(&mut conn)?
    };
    if empty {
        seed_demo(pool, seed::DEFAULT_SEED, false)
    } else {
        tracing::info!("the database already has data: the demo data was not seeded");
        Ok(())
    }
}

pub fn seed_bench(
    pool: &DbPool,
    seed_value: u64,
    products: usize,
    order_lines: usize,
    force: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let hashes = demo_hashes()?;
    let mut conn = pool.get()?;
    let options = BenchOptions {
        seed: seed_value,
        products,
        order_lines,
        force,
        now: data_now(),
    };
    let r = seed::bench(&mut conn, &options, &hashes)?;
    println!(
        "seeded the benchmark data (seed {seed_value}) in {:.1} s: {} enterprises, {} agencies, {} products, {} orders, {} fulfillments, {} order lines, {} events",
        started.elapsed().as_secs_f64(),
        r.enterprises,
        r.agencies,
        r.products,
        r.orders,
        r.fulfillments,
        r.lines,
        r.events
    );
    Ok(())
}
