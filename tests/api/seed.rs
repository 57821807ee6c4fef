//! The demo data generator (`muhan seed demo`): the co-op's published yearly revenue exactly,
//! by the revenue rule computed here independently in SQL; counts, check digits and order
//! invariants; determinism; refusal of a database with data; and the demo accounts at work
//! through the API.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use muhan_core::biz_reg_no::BizRegNo;
use muhan_core::{clock, EnterpriseKind};
use muhan_db::DbPool;
use muhan_orders::{money, OrderSettings};
use muhan_stats::seed::{self, DemoReport};
use muhan_tests::{spawn_app, token_of};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

async fn run_demo(
    pool: &DbPool,
    seed_value: u64,
    force: bool,
    now: NaiveDateTime,
) -> Result<DemoReport, muhan_core::DomainError> {
    muhan_tests::demo::seed_demo(pool, seed_value, force, now).await
}

#[derive(QueryableByName)]
struct KeyWon {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    won: i64,
}

/// Revenue by the rule (fulfillments neither rejected nor cancelled, on the order's date),
/// grouped by the first `chars` characters of the order's timestamp.
fn revenue_by(pool: &DbPool, chars: i32) -> BTreeMap<String, i64> {
    let mut conn = pool.get().unwrap();
    diesel::sql_query(format!(
        "SELECT substr(CAST(o.created_at AS TEXT), 1, {chars}) AS key, \
                CAST(SUM(l.line_total_won) AS BIGINT) AS won \
         FROM order_lines l JOIN fulfillments f ON f.id = l.fulfillment_id \
         JOIN orders o ON o.id = f.order_id \
         WHERE f.status NOT IN ('rejected', 'cancelled') \
         GROUP BY substr(CAST(o.created_at AS TEXT), 1, {chars})"
    ))
    .load::<KeyWon>(&mut **conn)
    .unwrap()
    .into_iter()
    .map(|r| (r.key, r.won))
    .collect()
}

fn digest(pool: &DbPool) -> u64 {
    use muhan_db::schema::{enterprises as e, fulfillments as f, order_lines as l, orders as o};
    use muhan_db::schema::{products as p, quotes as q};
    let mut conn = pool.get().unwrap();
    let mut h = DefaultHasher::new();
    e::table
        .order(e::id)
        .select((e::id, e::name, e::biz_reg_no, e::kind, e::district))
        .load::<(i64, String, String, String, String)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    p::table
        .order(p::id)
        .select((
            p::id,
            p::name,
            p::price_won,
            p::category_id,
            p::search_grams,
        ))
        .load::<(i64, String, i64, i64, String)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    o::table
        .order(o::id)
        .select((o::id, o::order_no, o::total_won, o::created_at, o::status))
        .load::<(i64, String, i64, NaiveDateTime, String)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    f::table
        .order(f::id)
        .select((f::id, f::status, f::subtotal_won, f::settled_at))
        .load::<(i64, String, i64, Option<NaiveDateTime>)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    l::table
        .order(l::id)
        .select((l::id, l::line_total_won))
        .load::<(i64, i64)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    q::table
        .order(q::id)
        .select((q::id, q::total_won, q::status))
        .load::<(i64, i64, String)>(&mut **conn)
        .unwrap()
        .hash(&mut h);
    h.finish()
}

#[tokio::test]
async fn seed_demo_has_the_published_revenue_and_keeps_the_invariants() {
    let app = spawn_app().await;
    let now = clock::now();
    let report = run_demo(&app.pool, seed::DEFAULT_SEED, false, now)
        .await
        .expect("the demo seeds an empty database");

    // Revenue, independently of the generator.
    let yearly = revenue_by(&app.pool, 4);
    for (year, won) in seed::PUBLISHED {
        assert_eq!(
            yearly.get(&year.to_string()),
            Some(&won),
            "{year}: {yearly:?}"
        );
    }
    assert_eq!(
        report.revenue_by_year[..4],
        seed::PUBLISHED,
        "the report agrees"
    );
    let monthly = revenue_by(&app.pool, 7);
    for month in 1..=12 {
        let key = format!("2019-{month:02}");
        assert!(monthly.get(&key).is_some_and(|w| *w > 0), "{key}");
    }

    use muhan_db::schema::{
        agencies as a, enterprises as e, fulfillments as f, orders as o,
        procurement_requests as pr, products as p, quotes as q,
    };
    let mut conn = app.pool.get().unwrap();
    let enterprises: Vec<(i64, String, String)> = e::table
        .select((e::id, e::biz_reg_no, e::kind))
        .load(&mut **conn)
        .unwrap();
    assert!(enterprises.len() >= 900, "{}", enterprises.len());
    let kinds: BTreeSet<&str> = enterprises.iter().map(|x| x.2.as_str()).collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    for (_, number, _) in &enterprises {
        let parsed = BizRegNo::parse(number).unwrap_or_else(|_| panic!("{number}"));
        assert_eq!(&parsed.to_string(), number);
    }
    let numbers: BTreeSet<&str> = enterprises.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(numbers.len(), enterprises.len(), "unique numbers");
    let agencies: i64 = a::table.count().get_result(&mut **conn).unwrap();
    assert!(agencies >= 60, "{agencies}");
    let approved: i64 = p::table
        .filter(p::status.eq("approved"))
        .count()
        .get_result(&mut **conn)
        .unwrap();
    assert!(approved >= 3_000, "{approved}");
    let negative: i64 = p::table
        .filter(p::stock.lt(0))
        .count()
        .get_result(&mut **conn)
        .unwrap();
    assert_eq!(negative, 0);

    // Commission, settlement and the private-contract limit of every fulfillment.
    let kind_of: BTreeMap<i64, EnterpriseKind> = enterprises
        .iter()
        .map(|(id, _, k)| (*id, k.parse().unwrap()))
        .collect();
    let quoting: BTreeMap<i64, usize> = {
        let rows: Vec<(Option<i64>, i64)> = pr::table
            .inner_join(q::table)
            .filter(pr::order_id.is_not_null())
            .select((pr::order_id, q::enterprise_id))
            .load(&mut **conn)
            .unwrap();
        let mut by_order: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for (order, enterprise) in rows {
            by_order
                .entry(order.unwrap())
                .or_default()
                .insert(enterprise);
        }
        by_order.into_iter().map(|(k, v)| (k, v.len())).collect()
    };
    let settings = OrderSettings::default();
    type Row = (i64, i64, String, i64, i64, Option<i64>, String, i64);
    let fulfillments: Vec<Row> = f::table
        .inner_join(o::table)
        .select((
            f::id,
            f::enterprise_id,
            f::status,
            f::subtotal_won,
            f::commission_won,
            f::settlement_won,
            o::contract_type,
            o::id,
        ))
        .load(&mut **conn)
        .unwrap();
    for (id, enterprise, status, subtotal, commission, settlement, contract, order) in &fulfillments
    {
        assert_eq!(*commission, money::commission(*subtotal, 300), "{id}");
        if status == "settled" {
            assert_eq!(*settlement, Some(subtotal - commission), "{id}");
        }
        let kind = kind_of[enterprise];
        let limit = if contract == "rfq" {
            settings.contract_limit(kind, quoting.get(order).copied().unwrap_or(1))
        } else {
            settings.limit_for(kind)
        };
        assert!(
            *subtotal > 0 && *subtotal <= limit,
            "{id}: {subtotal} > {limit}"
        );
    }
    let rfq = fulfillments.iter().filter(|r| r.6 == "rfq").count();
    assert!(rfq > 0, "rfq orders exist");
    drop(conn);

    // A database with data is refused without --force.
    let refused = run_demo(&app.pool, seed::DEFAULT_SEED, false, now).await;
    assert!(refused.is_err(), "refused");

    // The demo accounts work; a buyer sees its agency's orders; overdue inspections exist.
    let admin = token_of(
        &app.login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
            .await
            .expect(200),
    );
    let buyer_session = app
        .login(&seed::buyer_email(0), seed::BUYER_PASSWORD)
        .await
        .expect(200);
    let buyer = token_of(&buyer_session);
    let agency_id = buyer_session["user"]["agency_id"].as_i64().unwrap();
    let orders = app
        .get("/api/v1/orders?limit=50", Some(&buyer))
        .await
        .expect(200);
    let items = orders["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|o| o["agency_id"].as_i64() == Some(agency_id)));
    let overdue = app
        .get("/api/v1/fulfillments?overdue=inspection", Some(&admin))
        .await
        .expect(200);
    assert!(!overdue["items"].as_array().unwrap().is_empty());
    app.login(&seed::seller_email(0), seed::SELLER_PASSWORD)
        .await
        .expect(200);

    // The open-data package of a published year and of the current one validates.
    for year in [2019, 2026] {
        let package = app
            .get(&format!("/api/v1/ocds/releases?year={year}"), Some(&admin))
            .await
            .expect(200);
        assert!(!package["releases"].as_array().unwrap().is_empty());
        muhan_tests::ocds::assert_valid_release_package(&package);
    }
}

#[tokio::test]
async fn seed_demo_is_deterministic_and_force_replaces_the_data() {
    let app = spawn_app().await;
    let now = clock::now();
    run_demo(&app.pool, 7, false, now).await.expect("seeds");
    let first = digest(&app.pool);
    run_demo(&app.pool, 7, true, now)
        .await
        .expect("--force replaces");
    assert_eq!(digest(&app.pool), first, "same seed, same data");
    run_demo(&app.pool, 8, true, now).await.expect("seeds");
    assert_ne!(digest(&app.pool), first, "another seed, other data");
}
