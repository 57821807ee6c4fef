//! Statistics: every figure of `/stats/sales`, `/stats/summary` and `/stats/priority-purchase`
//! equals a computation done here independently (the raw rows loaded table by table and
//! grouped in Rust), for every `group_by`, with and without date ranges and contract types,
//! for admin, buyer and enterprise users; the demo data shows the co-op's published figures.
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use muhan_db::DbPool;
use muhan_stats::seed;
use muhan_tests::{order_body, spawn_app, token_of, Market, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const GROUPS: [&str; 7] = [
    "year",
    "month",
    "enterprise",
    "enterprise_kind",
    "district",
    "category",
    "agency",
];

/// One order line that counts as revenue, with everything a group or filter looks at.
#[derive(Debug, Clone)]
struct Fact {
    order: i64,
    day: String,
    agency: i64,
    contract: String,
    enterprise: i64,
    kind: String,
    district: String,
    category_code: String,
    quantity: i64,
    won: i64,
}

/// Everything loaded straight from the tables, joined and filtered in Rust.
struct World {
    facts: Vec<Fact>,
    category_ids: HashMap<String, i64>,
    enterprise_names: HashMap<i64, String>,
    agency_names: BTreeMap<i64, String>,
    /// (agency, year) → (total purchase, target bp)
    plans: HashMap<(i64, i64), (i64, i64)>,
}

async fn world(pool: &DbPool) -> World {
    use muhan_db::schema::{
        agencies as a, categories as c, enterprises as e, fulfillments as f, order_lines as l,
        orders as o, purchase_plans as pp,
    };
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let conn = &mut **conn;
        let orders: HashMap<i64, (chrono::NaiveDateTime, i64, String)> = o::table
            .select((o::id, o::created_at, o::agency_id, o::contract_type))
            .load::<(i64, chrono::NaiveDateTime, i64, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(id, at, agency, contract)| (id, (at, agency, contract)))
            .collect();
        let fulfillments: HashMap<i64, (i64, i64, String)> = f::table
            .select((f::id, f::order_id, f::enterprise_id, f::status))
            .load::<(i64, i64, i64, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(id, order, enterprise, status)| (id, (order, enterprise, status)))
            .collect();
        let enterprises: HashMap<i64, (String, String, String)> = e::table
            .select((e::id, e::name, e::kind, e::district))
            .load::<(i64, String, String, String)>(conn)
            .unwrap()
            .into_iter()
            .map(|(id, name, kind, district)| (id, (name, kind, district)))
            .collect();
        let categories: Vec<(i64, String)> = c::table.select((c::id, c::code)).load(conn).unwrap();
        let codes: HashMap<i64, String> = categories.iter().cloned().collect();
        let lines: Vec<(i64, i64, i64, i64)> = l::table
            .select((
                l::fulfillment_id,
                l::category_id,
                l::quantity,
                l::line_total_won,
            ))
            .load(conn)
            .unwrap();
        let mut facts = Vec::new();
        for (fulfillment, category, quantity, won) in lines {
            let (order, enterprise, status) = &fulfillments[&fulfillment];
            if status == "rejected" || status == "cancelled" {
                continue;
            }
            let (at, agency, contract) = &orders[order];
            let (_, kind, district) = &enterprises[enterprise];
            facts.push(Fact {
                order: *order,
                day: at.date().to_string(),
                agency: *agency,
                contract: contract.clone(),
                enterprise: *enterprise,
                kind: kind.clone(),
                district: district.clone(),
                category_code: codes[&category].clone(),
                quantity,
                won,
            });
        }
        let plans = pp::table
            .select((
                pp::agency_id,
                pp::year,
                pp::total_purchase_won,
                pp::social_target_bp,
            ))
            .load::<(i64, i64, i64, i64)>(conn)
            .unwrap()
            .into_iter()
            .map(|(agency, year, total, target)| ((agency, year), (total, target)))
            .collect();
        World {
            facts,
            category_ids: categories
                .into_iter()
                .map(|(id, code)| (code, id))
                .collect(),
            enterprise_names: enterprises
                .into_iter()
                .map(|(id, (name, _, _))| (id, name))
                .collect(),
            agency_names: a::table
                .select((a::id, a::name))
                .load::<(i64, String)>(conn)
                .unwrap()
                .into_iter()
                .collect(),
            plans,
        }
    })
    .await
    .unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    All,
    Agency(i64),
    Enterprise(i64),
}

#[derive(Debug, Clone, Default)]
struct Filter<'a> {
    from: Option<&'a str>,
    to: Option<&'a str>,
    contract: Option<&'a str>,
    level: Option<&'a str>,
}

impl Filter<'_> {
    fn query(&self, group_by: &str) -> String {
        let mut q = format!("/api/v1/stats/sales?group_by={group_by}");
        for (name, value) in [
            ("from", self.from),
            ("to", self.to),
            ("contract_type", self.contract),
            ("category_level", self.level),
        ] {
            if let Some(v) = value {
                q.push_str(&format!("&{name}={v}"));
            }
        }
        q
    }

    fn counts(&self, fact: &Fact, who: Who) -> bool {
        let in_scope = match who {
            Who::All => true,
            Who::Agency(id) => fact.agency == id,
            Who::Enterprise(id) => fact.enterprise == id,
        };
        in_scope
            && self.from.is_none_or(|d| fact.day.as_str() >= d)
            && self.to.is_none_or(|d| fact.day.as_str() <= d)
            && self.contract.is_none_or(|c| fact.contract == c)
    }
}

type Figures = (BTreeSet<i64>, i64, i64);

/// The group key a fact falls in, as API.md defines keys.
fn key_of(world: &World, fact: &Fact, group_by: &str, level: &str) -> String {
    match group_by {
        "year" => fact.day[..4].to_owned(),
        "month" => fact.day[..7].to_owned(),
        "enterprise" => fact.enterprise.to_string(),
        "enterprise_kind" => fact.kind.clone(),
        "district" => fact.district.clone(),
        "agency" => fact.agency.to_string(),
        "category" => {
            let digits = match level {
                "segment" => 2,
                "family" => 4,
                "class" => 6,
                _ => 8,
            };
            let code = format!("{:0<8}", &fact.category_code[..digits]);
            world.category_ids[&code].to_string()
        }
        other => panic!("{other}"),
    }
}

fn expected(world: &World, who: Who, filter: &Filter, group_by: &str) -> BTreeMap<String, Figures> {
    let level = filter.level.unwrap_or("segment");
    let mut groups: BTreeMap<String, Figures> = BTreeMap::new();
    for fact in world.facts.iter().filter(|f| filter.counts(f, who)) {
        let g = groups
            .entry(key_of(world, fact, group_by, level))
            .or_default();
        g.0.insert(fact.order);
        g.1 += fact.quantity;
        g.2 += fact.won;
    }
    groups
}

/// Asserts that the API's report equals the independent computation, rows, totals and order.
async fn check_sales(app: &TestApp, world: &World, token: &str, who: Who, filter: &Filter<'_>) {
    let mut total: Option<(i64, i64, i64)> = None;
    for group_by in GROUPS {
        let path = filter.query(group_by);
        let report = app.get(&path, Some(token)).await.expect(200);
        let want = expected(world, who, filter, group_by);
        let rows = report["rows"].as_array().unwrap();
        let got: BTreeMap<String, (i64, i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r["key"].as_str().unwrap().to_owned(),
                    (
                        r["orders"].as_i64().unwrap(),
                        r["quantity"].as_i64().unwrap(),
                        r["revenue_won"].as_i64().unwrap(),
                    ),
                )
            })
            .collect();
        let want_rows: BTreeMap<String, (i64, i64, i64)> = want
            .iter()
            .map(|(k, (orders, q, w))| (k.clone(), (orders.len() as i64, *q, *w)))
            .collect();
        assert_eq!(got, want_rows, "{who:?} {path}");
        assert_eq!(rows.len(), got.len(), "keys are unique: {path}");
        for row in rows {
            let label = row["label"].as_str().unwrap();
            assert!(!label.is_empty(), "{path}: {row}");
            let id = row["key"].as_str().unwrap().parse::<i64>();
            match group_by {
                "enterprise" => assert_eq!(label, world.enterprise_names[&id.unwrap()]),
                "agency" => assert_eq!(label, world.agency_names[&id.unwrap()]),
                _ => {}
            }
        }
        let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
        if group_by == "year" || group_by == "month" {
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{path}: {keys:?}");
        } else {
            let won: Vec<i64> = rows
                .iter()
                .map(|r| r["revenue_won"].as_i64().unwrap())
                .collect();
            assert!(won.windows(2).all(|w| w[0] >= w[1]), "{path}: {won:?}");
        }
        // The totals are the same whatever the grouping, and count distinct orders.
        let facts: Vec<&Fact> = world
            .facts
            .iter()
            .filter(|f| filter.counts(f, who))
            .collect();
        let orders: BTreeSet<i64> = facts.iter().map(|f| f.order).collect();
        let want_total = (
            orders.len() as i64,
            facts.iter().map(|f| f.quantity).sum::<i64>(),
            facts.iter().map(|f| f.won).sum::<i64>(),
        );
        let t = &report["total"];
        let got_total = (
            t["orders"].as_i64().unwrap(),
            t["quantity"].as_i64().unwrap(),
            t["revenue_won"].as_i64().unwrap(),
        );
        assert_eq!(got_total, want_total, "{who:?} {path}");
        assert_eq!(
            rows.iter()
                .map(|r| r["revenue_won"].as_i64().unwrap())
                .sum::<i64>(),
            want_total.2,
            "{path}: the rows add up to the total"
        );
        assert_eq!(*total.get_or_insert(got_total), got_total);
    }
}

fn year_filter(year: i32) -> (String, String) {
    (format!("{year}-01-01"), format!("{year}-12-31"))
}

async fn check_summary(app: &TestApp, world: &World, token: &str, who: Who, year: i32) -> Value {
    let summary = app
        .get(&format!("/api/v1/stats/summary?year={year}"), Some(token))
        .await
        .expect(200);
    let revenue = |y: i32| -> Vec<&Fact> {
        let prefix = y.to_string();
        world
            .facts
            .iter()
            .filter(|f| f.day.starts_with(&prefix))
            .filter(|f| Filter::default().counts(f, who))
            .collect()
    };
    let now = revenue(year);
    let won: i64 = now.iter().map(|f| f.won).sum();
    let before: i64 = revenue(year - 1).iter().map(|f| f.won).sum();
    assert_eq!(summary["year"], year);
    assert_eq!(summary["revenue_won"], won, "{who:?} {year}");
    assert_eq!(summary["previous_year_revenue_won"], before);
    let growth = (before > 0).then(|| ((won - before) as i128 * 10_000).div_euclid(before as i128));
    assert_eq!(summary["growth_bp"].as_i64().map(i128::from), growth);
    let count = |f: fn(&Fact) -> i64| now.iter().map(|x| f(x)).collect::<BTreeSet<_>>().len();
    assert_eq!(summary["orders"], count(|f| f.order));
    assert_eq!(summary["active_enterprises"], count(|f| f.enterprise));
    assert_eq!(summary["active_agencies"], count(|f| f.agency));
    summary
}

async fn check_priority(app: &TestApp, world: &World, token: &str, who: Who, year: i32) -> Value {
    let report = app
        .get(
            &format!("/api/v1/stats/priority-purchase?year={year}"),
            Some(token),
        )
        .await
        .expect(200);
    assert_eq!(report["year"], year);
    let agencies: Vec<(i64, &String)> = world
        .agency_names
        .iter()
        .filter(|(id, _)| who == Who::All || who == Who::Agency(**id))
        .map(|(id, name)| (*id, name))
        .collect();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), agencies.len(), "one row per agency in scope");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["agency_name"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name: {names:?}");
    let prefix = year.to_string();
    for row in rows {
        let agency = row["agency_id"].as_i64().unwrap();
        assert_eq!(row["agency_name"], world.agency_names[&agency].as_str());
        let bought: Vec<&Fact> = world
            .facts
            .iter()
            .filter(|f| f.agency == agency && f.day.starts_with(&prefix))
            .collect();
        let social: i64 = bought.iter().map(|f| f.won).sum();
        let certified: i64 = bought
            .iter()
            .filter(|f| f.kind == "social_enterprise")
            .map(|f| f.won)
            .sum();
        assert_eq!(row["social_economy_won"], social, "{row}");
        assert_eq!(row["certified_social_enterprise_won"], certified, "{row}");
        match world.plans.get(&(agency, i64::from(year))) {
            Some((total, target)) if *total > 0 => {
                let ratio = (social as i128 * 10_000 / *total as i128) as i64;
                assert_eq!(row["total_purchase_won"], *total);
                assert_eq!(row["social_target_bp"], *target);
                assert_eq!(row["ratio_bp"], ratio, "{row}");
                assert_eq!(row["attained"], ratio >= *target, "{row}");
            }
            Some((total, _)) => {
                assert_eq!(row["total_purchase_won"], *total);
                assert!(row["ratio_bp"].is_null() && row["attained"].is_null());
            }
            None => assert!(
                row["total_purchase_won"].is_null()
                    && row["ratio_bp"].is_null()
                    && row["attained"].is_null(),
                "{row}"
            ),
        }
    }
    report
}

#[tokio::test]
async fn demo_statistics_show_the_published_figures_and_agree_with_the_rows() {
    let app = muhan_tests::demo::spawn_demo_app().await;
    let world = world(&app.pool).await;
    let admin = token_of(&app.session(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD).await);
    let buyer_session = app
        .session(&seed::buyer_email(0), seed::BUYER_PASSWORD)
        .await;
    let buyer = token_of(&buyer_session);
    let agency = buyer_session["user"]["agency_id"].as_i64().unwrap();
    let seller_session = app
        .session(&seed::seller_email(0), seed::SELLER_PASSWORD)
        .await;
    let seller = token_of(&seller_session);
    let enterprise = seller_session["user"]["enterprise_id"].as_i64().unwrap();

    // The co-op's published figures: 3억 → 14억 → 56억 → 91억.
    for (year, won, growth) in [
        (2017, 300_000_000_i64, None),
        (2018, 1_400_000_000, Some(36_666)),
        (2019, 5_600_000_000, Some(30_000)),
        (2020, 9_100_000_000, Some(6_250)),
    ] {
        let summary = check_summary(&app, &world, &admin, Who::All, year).await;
        assert_eq!(summary["revenue_won"], won, "{year}");
        assert_eq!(summary["growth_bp"].as_i64(), growth, "{year}");
    }
    let (from, to) = year_filter(2019);
    let year_2019 = Filter {
        from: Some(&from),
        to: Some(&to),
        ..Filter::default()
    };
    for group_by in GROUPS {
        let report = app
            .get(&year_2019.query(group_by), Some(&admin))
            .await
            .expect(200);
        assert_eq!(
            report["total"]["revenue_won"], 5_600_000_000_i64,
            "{group_by}"
        );
        let sum: i64 = report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revenue_won"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, 5_600_000_000, "{group_by}");
        if group_by == "month" {
            let rows = report["rows"].as_array().unwrap();
            assert_eq!(rows.len(), 12, "revenue in every month of 2019");
            assert_eq!(rows[2]["key"], "2019-03");
            assert_eq!(rows[2]["label"], "2019년 3월");
        }
    }

    // Every figure, for the three roles, equals the independent computation.
    let range = Filter {
        from: Some("2019-03-15"),
        to: Some("2020-02-10"),
        ..Filter::default()
    };
    let open_end = Filter {
        from: Some("2020-06-01"),
        ..Filter::default()
    };
    let open_start = Filter {
        to: Some("2018-07-31"),
        contract: Some("catalog"),
        ..Filter::default()
    };
    let rfq = Filter {
        contract: Some("rfq"),
        level: Some("class"),
        ..Filter::default()
    };
    let families = Filter {
        level: Some("family"),
        ..year_2019.clone()
    };
    for filter in [
        &Filter::default(),
        &range,
        &open_end,
        &open_start,
        &rfq,
        &families,
    ] {
        check_sales(&app, &world, &admin, Who::All, filter).await;
    }
    for filter in [&Filter::default(), &range, &rfq] {
        check_sales(&app, &world, &buyer, Who::Agency(agency), filter).await;
        check_sales(&app, &world, &seller, Who::Enterprise(enterprise), filter).await;
    }
    for year in [2019, 2020] {
        check_summary(&app, &world, &buyer, Who::Agency(agency), year).await;
        check_summary(&app, &world, &seller, Who::Enterprise(enterprise), year).await;
        let all = check_priority(&app, &world, &admin, Who::All, year).await;
        assert!(all["rows"].as_array().unwrap().len() >= 60);
        let own = check_priority(&app, &world, &buyer, Who::Agency(agency), year).await;
        assert_eq!(own["rows"][0]["agency_id"], agency);
    }
    let attained: BTreeSet<bool> = check_priority(&app, &world, &admin, Who::All, 2020).await
        ["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["attained"].as_bool())
        .collect();
    assert_eq!(
        attained.len(),
        2,
        "some agencies attain their target, some miss it"
    );
}

/// Places an order as the market's buyer and returns it.
async fn place(app: &TestApp, token: &str, key: &str, lines: &[(i64, i64)]) -> Value {
    app.order(token, key, &order_body(lines)).await.expect(201)
}

/// Moves an order to `day` (noon UTC), as if it had been placed then.
async fn backdate(app: &TestApp, order: &Value, day: NaiveDate) {
    use muhan_db::schema::orders as o;
    let pool = app.pool.clone();
    let id = order["id"].as_i64().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let at = day.and_hms_opt(12, 0, 0).unwrap();
        let changed = diesel::update(o::table.find(id))
            .set(o::created_at.eq(at))
            .execute(&mut **conn)
            .unwrap();
        assert_eq!(changed, 1);
    })
    .await
    .unwrap();
}

#[derive(Debug, PartialEq, QueryableByName)]
struct FulfillmentSums {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    fulfillment_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    order_id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    ordered_at: chrono::NaiveDateTime,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    agency_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    enterprise_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    contract_type: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    lines: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    quantity: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    line_total_won: i64,
}

/// The fulfilment ledger the reports read holds, per fulfilment with lines, what the orders,
/// fulfilments and lines say (its triggers followed the placing, backdating, rejecting and
/// cancelling).
async fn assert_fulfillment_ledger_is_current(pool: &DbPool) {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let conn = &mut **conn;
        let ledger: Vec<FulfillmentSums> = diesel::sql_query(
            "SELECT fulfillment_id, order_id, ordered_at, agency_id, enterprise_id, \
             contract_type, status, lines, quantity, line_total_won \
             FROM sales_fulfillments ORDER BY fulfillment_id",
        )
        .load(conn)
        .unwrap();
        let truth: Vec<FulfillmentSums> = diesel::sql_query(
            "SELECT f.id AS fulfillment_id, f.order_id, o.created_at AS ordered_at, o.agency_id, \
             f.enterprise_id, o.contract_type, f.status, CAST(COUNT(*) AS BIGINT) AS lines, \
             CAST(SUM(l.quantity) AS BIGINT) AS quantity, \
             CAST(SUM(l.line_total_won) AS BIGINT) AS line_total_won \
             FROM order_lines l JOIN fulfillments f ON f.id = l.fulfillment_id \
             JOIN orders o ON o.id = f.order_id \
             GROUP BY f.id, f.order_id, o.created_at, o.agency_id, f.enterprise_id, \
             o.contract_type, f.status ORDER BY f.id",
        )
        .load(conn)
        .unwrap();
        assert!(!truth.is_empty());
        assert_eq!(ledger, truth);
    })
    .await
    .unwrap();
}

fn fulfillment_of(order: &Value, product: i64) -> i64 {
    order["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["product_id"] == product)
        })
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn live_statistics_count_what_the_rule_counts_in_each_scope() {
    let app = spawn_app().await;
    let m: Market = app.market(2, 12_340, 1_000).await;
    let (other_agency, other_buyer, _) = app
        .agency_with_buyer("수성구청", "buyer@suseong.test")
        .await;
    let p = |seller: usize, n: usize| m.sellers[seller].1[n];
    let year = chrono::Utc::now().year();
    let day = |y: i32, mo: u32, d: u32| NaiveDate::from_ymd_opt(y, mo, d).unwrap();

    let a = place(&app, &m.buyer, "s1", &[(p(0, 0), 3), (p(1, 0), 2)]).await;
    backdate(&app, &a, day(year - 1, 1, 31)).await;
    let b = place(&app, &m.buyer, "s2", &[(p(0, 1), 1), (p(2, 0), 5)]).await;
    backdate(&app, &b, day(year - 1, 2, 1)).await;
    let c = place(&app, &other_buyer, "s3", &[(p(1, 1), 4)]).await;
    backdate(&app, &c, day(year - 1, 12, 31)).await;
    let d = place(&app, &m.buyer, "s4", &[(p(2, 1), 7), (p(0, 0), 1)]).await;
    // Revenue excludes a rejected fulfillment and a cancelled order.
    app.post(
        &format!(
            "/api/v1/fulfillments/{}/reject",
            fulfillment_of(&d, p(2, 1))
        ),
        Some(&m.sellers[2].0.token),
        &json!({"reason": "품절"}),
    )
    .await
    .expect(200);
    let e = place(&app, &other_buyer, "s5", &[(p(0, 1), 9)]).await;
    app.post(
        &format!("/api/v1/orders/{}/cancel", e["id"]),
        Some(&other_buyer),
        &json!({}),
    )
    .await
    .expect(200);
    app.request(
        Method::PUT,
        &format!(
            "/api/v1/agencies/{}/purchase-plans/{}",
            m.agency_id,
            year - 1
        ),
        Some(&m.buyer),
        Some(&json!({"total_purchase_won": 1_000_000, "social_target_bp": 500})),
    )
    .await
    .expect(200);

    assert_fulfillment_ledger_is_current(&app.pool).await;
    let world = world(&app.pool).await;
    assert_eq!(
        world.facts.len(),
        6,
        "the rejected and cancelled lines do not count"
    );
    let (from, to) = year_filter(year - 1);
    let last_year = Filter {
        from: Some(&from),
        to: Some(&to),
        ..Filter::default()
    };
    let (jan31, feb1) = (format!("{}-01-31", year - 1), format!("{}-02-01", year - 1));
    let edges = Filter {
        from: Some(&jan31),
        to: Some(&feb1),
        ..Filter::default()
    };
    let (feb, dec) = (format!("{}-02-01", year - 1), format!("{}-12-30", year - 1));
    let inside = Filter {
        from: Some(&feb),
        to: Some(&dec),
        ..Filter::default()
    };
    let catalog = Filter {
        contract: Some("catalog"),
        level: Some("commodity"),
        ..Filter::default()
    };
    let rfq = Filter {
        contract: Some("rfq"),
        ..Filter::default()
    };
    let callers = [
        (m.admin.clone(), Who::All),
        (m.buyer.clone(), Who::Agency(m.agency_id)),
        (other_buyer.clone(), Who::Agency(other_agency)),
        (
            m.sellers[0].0.token.clone(),
            Who::Enterprise(m.sellers[0].0.id),
        ),
        (
            m.sellers[2].0.token.clone(),
            Who::Enterprise(m.sellers[2].0.id),
        ),
    ];
    for (token, who) in &callers {
        for filter in [
            &Filter::default(),
            &last_year,
            &edges,
            &inside,
            &catalog,
            &rfq,
        ] {
            check_sales(&app, &world, token, *who, filter).await;
        }
        for y in [year - 1, year] {
            check_summary(&app, &world, token, *who, y).await;
            if !matches!(who, Who::Enterprise(_)) {
                check_priority(&app, &world, token, *who, y).await;
            }
        }
    }
    // Inclusive bounds: 31 January and 1 February are both in the year, the range from
    // 1 February leaves out the order of 31 January.
    let report = app
        .get(&inside.query("month"), Some(&m.admin))
        .await
        .expect(200);
    let keys: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [format!("{}-02", year - 1)],
        "31 December is after `to`"
    );
    let plan = check_priority(&app, &world, &m.buyer, Who::Agency(m.agency_id), year - 1).await;
    let expected_won = 3 * 12_340 + 2 * 12_340 + 12_340 + 5 * 12_340;
    assert_eq!(plan["rows"][0]["social_economy_won"], expected_won);
    assert_eq!(
        plan["rows"][0]["ratio_bp"],
        expected_won * 10_000 / 1_000_000
    );
    assert_eq!(plan["rows"][0]["attained"], true);
    assert_eq!(
        plan["rows"][0]["certified_social_enterprise_won"],
        4 * 12_340,
        "only seller 0 is a certified social enterprise"
    );
}

#[tokio::test]
async fn statistics_refuse_what_they_cannot_answer() {
    let app = spawn_app().await;
    let m: Market = app.market(1, 10_000, 10).await;
    let seller = &m.sellers[0].0.token;
    for path in [
        "/api/v1/stats/sales",
        "/api/v1/stats/summary",
        "/api/v1/stats/priority-purchase",
    ] {
        app.get(path, None)
            .await
            .expect_problem(401, "unauthorized");
        app.get(path, Some(&m.admin)).await.expect(200);
        app.get(path, Some(&m.buyer)).await.expect(200);
    }
    app.get("/api/v1/stats/priority-purchase", Some(seller))
        .await
        .expect_problem(403, "forbidden");
    app.get("/api/v1/stats/sales", Some(seller))
        .await
        .expect(200);

    // A pending account sees nothing.
    let signup = app
        .post(
            "/api/v1/auth/signup/buyer",
            None,
            &json!({"email": "pending@daegu.test", "password": "buyer-password-1",
                    "display_name": "대기", "agency_id": m.agency_id}),
        )
        .await
        .expect(201);
    assert_eq!(signup["user"]["status"], "pending");
    let pending = token_of(&app.session("pending@daegu.test", "buyer-password-1").await);
    for path in ["/api/v1/stats/sales", "/api/v1/stats/summary"] {
        let problem = app.get(path, Some(&pending)).await;
        assert_eq!(problem.status.as_u16(), 403, "{path}: {}", problem.text);
    }

    for (path, field) in [
        ("/api/v1/stats/sales?from=2020-02-01&to=2020-01-31", "to"),
        ("/api/v1/stats/sales?group_by=week", "query"),
        ("/api/v1/stats/sales?from=2020-02-30", "query"),
        ("/api/v1/stats/sales?category_level=kingdom", "query"),
        ("/api/v1/stats/sales?contract_type=tender", "query"),
        ("/api/v1/stats/sales?format=pdf", "query"),
        ("/api/v1/stats/summary?year=1999", "year"),
        ("/api/v1/stats/summary?year=twenty", "query"),
        ("/api/v1/stats/priority-purchase?year=2101", "year"),
    ] {
        let problem = app
            .get(path, Some(&m.admin))
            .await
            .expect_problem(422, "validation_failed");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{path}: {problem}");
    }

    // An empty year: zero revenue, no growth, every agency listed with nothing bought.
    let summary = app
        .get("/api/v1/stats/summary?year=2001", Some(&m.admin))
        .await
        .expect(200);
    assert_eq!(
        (
            summary["revenue_won"].as_i64(),
            summary["growth_bp"].is_null()
        ),
        (Some(0), true)
    );
    let report = app
        .get(
            "/api/v1/stats/sales?from=2001-01-01&to=2001-12-31",
            Some(&m.admin),
        )
        .await
        .expect(200);
    assert_eq!(report["rows"], json!([]));
    assert_eq!(
        report["total"],
        json!({"orders": 0, "quantity": 0, "revenue_won": 0})
    );
}
