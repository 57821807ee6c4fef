//! The benchmark data set (`muhan seed bench`): many products across enterprises and
//! categories, and catalog orders over several years adding up to a given number of order
//! lines, written in batches inside one transaction. Synthetic throughout.

use super::assemble::Assembly;
use super::directory::{self, Hashes};
use super::goods::SPECIALTIES;
use super::history::moment;
use super::market_of;
use super::products::{goods_by_specialty, product};
use super::rng::Rng;
use super::rows::{DemoData, ProductRow, PurchaseTotalRow};
use super::store;
use super::time::plus_days;
use super::trade::Trader;
use chrono::{Datelike, NaiveDateTime};
use muhan_core::{DomainError, DomainResult, ErrorCode};
use muhan_db::{write_tx, DbConn};
use muhan_orders::OrderSettings;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub seed: u64,
    pub products: usize,
    pub order_lines: usize,
    pub force: bool,
    pub now: NaiveDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    pub enterprises: usize,
    pub agencies: usize,
    pub products: usize,
    pub orders: usize,
    pub fulfillments: usize,
    pub lines: usize,
    pub events: usize,
}

/// Orders assembled and written at a time.
const ORDERS_PER_BATCH: usize = 20_000;

pub fn bench(
    conn: &mut DbConn,
    options: &BenchOptions,
    hashes: &Hashes,
) -> DomainResult<BenchReport> {
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
        let mut ids = store::id_base(c)?;
        let today = options.now.date();
        let mut rng = Rng::new(options.seed);
        let count = (options.products / 100).clamp(50, 5_000);
        let enterprises = directory::enterprises(&mut rng, count, 0, ids.enterprise, today);
        let agencies = directory::agencies(ids.agency);
        let plans = directory::plans(&mut rng, &agencies, today.year());
        let users = directory::users(&mut rng, hashes, &agencies, &enterprises, ids.user, today);
        let goods = goods_by_specialty(&categories);
        let mut products: Vec<ProductRow> = Vec::with_capacity(options.products);
        for i in 0..options.products {
            let e = &enterprises[i % enterprises.len()];
            let offer = &goods[e.specialty % SPECIALTIES.len()];
            if offer.is_empty() {
                continue;
            }
            let (good, category) = *rng.pick(offer);
            let from = e.verified_at.map_or(today, |v| v.date());
            let id = ids.product + products.len() as i64;
            let created = plus_days(from, rng.range(0, 9));
            products.push(product(
                &mut rng, e, good, category, id, "approved", created,
            ));
        }
        let directory_rows = DemoData {
            enterprises,
            agencies,
            plans,
            users,
            ..DemoData::default()
        };
        store::insert_directory(c, &directory_rows)?;
        store::insert_products(c, &products)?;
        let mut report = BenchReport {
            enterprises: directory_rows.enterprises.len(),
            agencies: directory_rows.agencies.len(),
            products: products.len(),
            ..BenchReport::default()
        };
        let market = market_of(
            &products,
            &directory_rows.enterprises,
            &directory_rows.agencies,
            &directory_rows.users,
        );
        let settings = OrderSettings::default();
        let commission_bp = settings.commission_bp;
        let mut trader = Trader {
            rng: &mut rng,
            market: &market,
            settings,
            now: options.now,
        };
        let first_year = (today.year() - 5).max(2018);
        let mut totals: BTreeMap<(i64, i64, i64, chrono::NaiveDate), i64> = BTreeMap::new();
        let mut lines = 0usize;
        while lines < options.order_lines {
            let mut drafts = Vec::with_capacity(ORDERS_PER_BATCH);
            while drafts.len() < ORDERS_PER_BATCH && lines < options.order_lines {
                let year = trader
                    .rng
                    .range(i64::from(first_year), i64::from(today.year()))
                    as i32;
                let when = moment(trader.rng, year, options.now);
                if let Some(d) = trader.catalog_order(when, i64::MAX / 4, 8_000_000) {
                    lines += d.parts.iter().map(|p| p.lines.len()).sum::<usize>();
                    drafts.push(d);
                }
            }
            let mut assembly = Assembly::new(&market, commission_bp, ids);
            assembly.add(drafts, Vec::new())?;
            for row in assembly.purchase_totals() {
                *totals
                    .entry((row.agency_id, row.enterprise_id, row.category_id, row.day))
                    .or_default() += row.total_won;
            }
            store::insert_orders(c, &assembly.set)?;
            report.orders += assembly.set.orders.len();
            report.fulfillments += assembly.set.fulfillments.len();
            report.lines += assembly.set.lines.len();
            report.events += assembly.set.events.len();
            ids = assembly.ids;
        }
        let rows: Vec<PurchaseTotalRow> = totals
            .into_iter()
            .map(
                |((agency_id, enterprise_id, category_id, day), total_won)| PurchaseTotalRow {
                    agency_id,
                    enterprise_id,
                    category_id,
                    day,
                    total_won,
                },
            )
            .collect();
        store::insert_purchase_totals(c, &rows)?;
        store::reset_sequences(c)?;
        Ok(report)
    })
}
