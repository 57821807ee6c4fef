//! The demo and benchmark data generators (`muhan seed demo|bench`, `muhan serve --demo`).
//!
//! The demo is a deterministic (same seed and date → the same rows) Daegu data set: real
//! reference data (districts and categories from the migrations, real public institutions as
//! agencies, the co-op's published yearly revenue 2017–2020, hit exactly), with synthetic
//! enterprises, products, people and orders, and synthetic growth from 2021 up to now. It is
//! written in one transaction.

mod agencies;
mod assemble;
mod bench;
pub mod directory;
mod drafts;
mod goods;
mod history;
mod lifecycle;
mod market;
mod names;
mod products;
mod rng;
pub mod rows;
mod store;
mod time;
mod trade;

pub use bench::{bench, BenchOptions, BenchReport};
pub use directory::{buyer_email, pending_buyer_email, seller_email, Hashes, ADMIN_EMAIL};
pub use history::PUBLISHED;
pub use products::Category;
pub use store::is_empty;

use assemble::Assembly;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use market::Market;
use muhan_core::{DomainError, DomainResult, ErrorCode};
use muhan_db::{write_tx, DbConn};
use muhan_orders::OrderSettings;
use rng::Rng;
use rows::DemoData;
use trade::Trader;

/// The demo accounts' passwords (printed by the command; the same for every seed).
pub const ADMIN_PASSWORD: &str = "demo-admin-2017";
pub const BUYER_PASSWORD: &str = "demo-buyer-2017";
pub const SELLER_PASSWORD: &str = "demo-seller-2017";

pub const DEFAULT_SEED: u64 = 2017;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Wipe the demo tables of a database that already has data, instead of refusing.
    pub force: bool,
    /// The data runs up to this moment (orders still in progress and overdue just before it).
    pub now: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub enterprises: usize,
    pub agencies: usize,
    pub users: usize,
    pub products: usize,
    pub orders: usize,
    pub fulfillments: usize,
    pub lines: usize,
    pub events: usize,
    pub requests: usize,
    pub quotes: usize,
    /// Revenue by the revenue rule, per year.
    pub revenue_by_year: Vec<(i32, i64)>,
    /// `(agency name, buyer e-mail)` of the first agencies.
    pub buyers: Vec<(String, String)>,
    /// `(enterprise name, user e-mail)` of the first enterprises.
    pub sellers: Vec<(String, String)>,
}

/// Writes the demo data set. Refuses (409 `conflict`) a database that has an enterprise, a
/// product or an order, unless `force`, which first deletes the demo tables' rows (all
/// orders, requests, products, agencies, enterprises and non-admin users).
pub fn demo(conn: &mut DbConn, options: &DemoOptions, hashes: &Hashes) -> DomainResult<DemoReport> {
    write_tx(conn, |c| {
        if !store::is_empty(c)? {
            if !options.force {
                return Err(DomainError::conflict(
                    ErrorCode::Conflict,
                    "the database already has enterprises, products or orders; use --force to replace them",
                ));
            }
            store::wipe(c)?;
        }
        let categories = store::commodities(c)?;
        let ids = store::id_base(c)?;
        let data = generate(options.seed, options.now, &categories, ids, hashes)?;
        store::insert_directory(c, &data)?;
        store::insert_products(c, &data.products)?;
        store::insert_orders(c, &data.orders)?;
        store::insert_purchase_totals(c, &data.purchase_totals)?;
        store::reset_sequences(c)?;
        Ok(report(&data))
    })
}

/// The commodity categories of the database (what products may be classified in).
pub fn categories(conn: &mut DbConn) -> DomainResult<Vec<Category>> {
    store::commodities(conn)
}

/// The demo data set in memory (no IO): the same arguments always give the same rows.
pub fn generate(
    seed: u64,
    now: NaiveDateTime,
    categories: &[Category],
    ids: directory::IdBase,
    hashes: &Hashes,
) -> DomainResult<DemoData> {
    let today = now.date();
    let mut rng = Rng::new(seed);
    let enterprises = directory::enterprises(&mut rng, 900, 12, ids.enterprise, today);
    let agencies = directory::agencies(ids.agency);
    let plans = directory::plans(&mut rng, &agencies, today.year());
    let users = directory::users(&mut rng, hashes, &agencies, &enterprises, ids.user, today);
    let products = products::catalog(
        &mut rng,
        &enterprises,
        categories,
        (2, 6),
        15,
        ids.product,
        today,
    );
    let (orders, purchase_totals) = {
        let market = market_of(&products, &enterprises, &agencies, &users);
        let settings = OrderSettings::default();
        let commission_bp = settings.commission_bp;
        let mut trader = Trader {
            rng: &mut rng,
            market: &market,
            settings,
            now,
        };
        let mut drafts = Vec::new();
        for (year, target) in PUBLISHED {
            drafts.extend(history::year_orders(&mut trader, year, target, true)?);
        }
        for year in 2021..=today.year() {
            let mut target = history::synthetic_target(year);
            if year == today.year() {
                let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
                target = target * ((today - start).num_days() + 1) / 365;
            }
            drafts.extend(history::year_orders(&mut trader, year, target, false)?);
        }
        let open = history::open_requests(&mut trader, 14);
        let mut assembly = Assembly::new(&market, commission_bp, ids);
        assembly.add(drafts, open)?;
        let totals = assembly.purchase_totals();
        (assembly.set, totals)
    };
    Ok(DemoData {
        enterprises,
        agencies,
        plans,
        users,
        products,
        orders,
        purchase_totals,
    })
}

fn market_of<'a>(
    products: &'a [rows::ProductRow],
    enterprises: &'a [rows::EnterpriseRow],
    agencies: &'a [rows::AgencyRow],
    users: &[rows::UserRow],
) -> Market<'a> {
    let admin_id = users.first().map_or(0, |u| u.id);
    let buyer_ids = agencies
        .iter()
        .map(|a| {
            users
                .iter()
                .find(|u| u.agency_id == Some(a.id) && u.status == "active")
                .map_or(admin_id, |u| u.id)
        })
        .collect();
    let first_seller = users
        .iter()
        .find(|u| u.role == "enterprise")
        .map_or(admin_id, |u| u.id);
    let seller_ids = (0..enterprises.len() as i64)
        .map(|i| first_seller + i)
        .collect();
    Market::new(
        products,
        enterprises,
        agencies,
        admin_id,
        buyer_ids,
        seller_ids,
    )
}

fn report(data: &DemoData) -> DemoReport {
    let mut revenue: std::collections::BTreeMap<i32, i64> = Default::default();
    let counted: std::collections::BTreeMap<i64, bool> = data
        .orders
        .fulfillments
        .iter()
        .map(|f| (f.id, !matches!(f.status, "rejected" | "cancelled")))
        .collect();
    let year_of: std::collections::BTreeMap<i64, i32> = data
        .orders
        .orders
        .iter()
        .map(|o| (o.id, o.created_at.year()))
        .collect();
    let order_of: std::collections::BTreeMap<i64, i64> = data
        .orders
        .fulfillments
        .iter()
        .map(|f| (f.id, f.order_id))
        .collect();
    for l in &data.orders.lines {
        if counted.get(&l.fulfillment_id) == Some(&true) {
            let year = order_of
                .get(&l.fulfillment_id)
                .and_then(|o| year_of.get(o))
                .copied()
                .unwrap_or_default();
            *revenue.entry(year).or_default() += l.line_total_won;
        }
    }
    DemoReport {
        enterprises: data.enterprises.len(),
        agencies: data.agencies.len(),
        users: data.users.len(),
        products: data.products.len(),
        orders: data.orders.orders.len(),
        fulfillments: data.orders.fulfillments.len(),
        lines: data.orders.lines.len(),
        events: data.orders.events.len(),
        requests: data.orders.requests.len(),
        quotes: data.orders.quotes.len(),
        revenue_by_year: revenue.into_iter().collect(),
        buyers: data
            .agencies
            .iter()
            .take(12)
            .enumerate()
            .map(|(i, a)| (a.name.clone(), buyer_email(i)))
            .collect(),
        sellers: data
            .enterprises
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, e)| (e.name.clone(), seller_email(i)))
            .collect(),
    }
}
