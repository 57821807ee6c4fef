//! Procurement requests: validation and visibility, matching (exclusions, ranking, the
//! consortium allocation), quotes (one live per enterprise, withdrawal, sealing, closing),
//! the award (rfq order, idempotency, limits) and the request's events.
use muhan_tests::{
    order_body, product_body, spawn_app, spawn_app_with, Reply, TestApp, TestEnterprise,
};
use serde_json::{json, Value};

/// The commodity the test products are listed in (커피, under 음료 50200000), and one in
/// another segment (볼펜).
const CATEGORY: &str = "50201706";
const OTHER_CATEGORY: &str = "44121704";

fn days_from_today(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

fn request_body(category_id: i64, quantity: i64, budget_won: i64, overrides: Value) -> Value {
    let mut body = json!({
        "title": "복사용지 구매",
        "category_id": category_id,
        "description": "A4 80g",
        "quantity": quantity,
        "unit": "박스",
        "budget_won": budget_won,
        "delivery_district": "27110",
        "deliver_by": days_from_today(30),
        "allow_consortium": true,
    });
    if let (Some(target), Some(extra)) = (body.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    body
}

struct Rfq {
    buyer: String,
    admin: String,
    category: i64,
}

async fn rfq(app: &TestApp) -> Rfq {
    let (_, buyer, _) = app
        .agency_with_buyer("대구광역시청", "buyer@daegu.test")
        .await;
    Rfq {
        buyer,
        admin: app.admin_token().await,
        category: app.category(CATEGORY).await,
    }
}

async fn open_request(app: &TestApp, token: &str, body: &Value) -> i64 {
    app.post("/api/v1/procurement-requests", Some(token), body)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn quote(app: &TestApp, seller: &TestEnterprise, request: i64, body: Value) -> Value {
    app.post(
        &format!("/api/v1/procurement-requests/{request}/quotes"),
        Some(&seller.token),
        &body,
    )
    .await
    .expect(201)
}

fn quote_body(unit_price_won: i64, quantity: i64) -> Value {
    json!({"unit_price_won": unit_price_won, "quantity": quantity, "lead_time_days": 5})
}

async fn award(app: &TestApp, token: &str, request: i64, key: &str, body: &Value) -> Reply {
    app.award(token, request, key, body).await
}

/// Moves the request's `quotes_due` into the past (the deadline passing, without waiting).
async fn pass_quotes_due(app: &TestApp, request: i64) {
    use diesel::prelude::*;
    use muhan_db::schema::procurement_requests as pr;
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
        diesel::update(pr::table.find(request))
            .set(pr::quotes_due.eq(Some(past)))
            .execute(&mut **conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn seller_with_product(
    app: &TestApp,
    name: &str,
    seed: u32,
    kind: &str,
    district: &str,
    product: Value,
) -> (TestEnterprise, i64) {
    let seller = app.enterprise(name, seed, kind, district, true).await;
    let id = app.product(&seller, product, true).await;
    (seller, id)
}

fn ids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn requests_are_validated_and_seen_by_their_agency_and_the_enterprises_that_sell_in_them() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let (_, other_buyer, _) = app
        .agency_with_buyer("수성구청", "other@suseong.test")
        .await;
    let (seller, _) = seller_with_product(
        &app,
        "사무용품협동조합",
        11,
        "cooperative",
        "27110",
        product_body(r.category, "복사용지", 20_000, json!({})),
    )
    .await;
    let other_category = app.category(OTHER_CATEGORY).await;
    let (unrelated, _) = seller_with_product(
        &app,
        "가구사회적기업",
        12,
        "social_enterprise",
        "27110",
        product_body(other_category, "책상", 90_000, json!({})),
    )
    .await;

    let created = app
        .post(
            "/api/v1/procurement-requests",
            Some(&r.buyer),
            &request_body(r.category, 100, 3_000_000, json!({})),
        )
        .await
        .expect(201);
    assert_eq!(created["status"], "open");
    assert_eq!(created["quantity"], 100);
    assert_eq!(created["agency_name"], "대구광역시청");
    let id = created["id"].as_i64().unwrap();

    let tomorrow_noon = format!("{}T12:00:00Z", days_from_today(1));
    for (overrides, field) in [
        (json!({"quantity": 0}), "quantity"),
        (json!({"budget_won": 0}), "budget_won"),
        (json!({"deliver_by": days_from_today(0)}), "deliver_by"),
        (json!({"deliver_by": "next week"}), "deliver_by"),
        (
            json!({"deliver_by": days_from_today(1), "quotes_due": tomorrow_noon}),
            "quotes_due",
        ),
        (json!({"quotes_due": "2020-01-01T00:00:00Z"}), "quotes_due"),
        (json!({"category_id": 999_999}), "category_id"),
        (json!({"delivery_district": "99999"}), "delivery_district"),
    ] {
        let refused = app
            .post(
                "/api/v1/procurement-requests",
                Some(&r.buyer),
                &request_body(r.category, 100, 3_000_000, overrides.clone()),
            )
            .await
            .expect_problem(422, "validation_failed");
        assert!(
            refused["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{overrides} should be refused on {field}: {refused}"
        );
    }
    app.post(
        "/api/v1/procurement-requests",
        Some(&seller.token),
        &request_body(r.category, 100, 3_000_000, json!({})),
    )
    .await
    .expect_problem(403, "forbidden");

    let path = format!("/api/v1/procurement-requests/{id}");
    app.get(&path, Some(&r.buyer)).await.expect(200);
    app.get(&path, Some(&r.admin)).await.expect(200);
    app.get(&path, Some(&other_buyer))
        .await
        .expect_problem(404, "not_found");
    app.get(&path, None).await.expect(401);
    let list = |token: String| {
        let app = &app;
        async move {
            ids(&app
                .get("/api/v1/procurement-requests?limit=100", Some(&token))
                .await
                .expect(200)["items"])
        }
    };
    assert_eq!(list(r.buyer.clone()).await, vec![id]);
    assert_eq!(list(r.admin.clone()).await, vec![id]);
    assert!(list(other_buyer.clone()).await.is_empty());
    assert_eq!(
        list(seller.token.clone()).await,
        vec![id],
        "sells in the category"
    );
    assert!(
        list(unrelated.token.clone()).await.is_empty(),
        "sells elsewhere"
    );

    // A request for the whole family is also the concern of a seller of one of its commodities.
    let family = app.category("50200000").await;
    let broad = open_request(
        &app,
        &r.buyer,
        &request_body(family, 10, 500_000, json!({})),
    )
    .await;
    assert_eq!(list(seller.token.clone()).await, vec![broad, id]);

    // A pending buyer of the same agency sees nothing.
    let signup = app
        .post(
            "/api/v1/auth/signup/buyer",
            None,
            &json!({"email": "new@daegu.test", "password": "buyer-password-1", "display_name": "신규", "agency_id": created["agency_id"]}),
        )
        .await
        .expect(201);
    assert_eq!(signup["user"]["status"], "pending");
    let pending = muhan_tests::token_of(&app.session("new@daegu.test", "buyer-password-1").await);
    app.get("/api/v1/procurement-requests", Some(&pending))
        .await
        .expect_problem(403, "account_not_active");
    app.get(&path, Some(&pending))
        .await
        .expect_problem(403, "account_not_active");
}

fn candidate_ids(matches: &Value) -> Vec<i64> {
    matches["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["product_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn matches_exclude_late_and_off_category_offers_and_explain_a_deterministic_ranking() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let other_category = app.category(OTHER_CATEGORY).await;
    // Cheaper, faster, local (중구, the delivery district) and certified.
    let (_, best) = seller_with_product(
        &app,
        "착한사회적기업",
        21,
        "social_enterprise",
        "27110",
        product_body(
            r.category,
            "복사용지 A",
            18_000,
            json!({"lead_time_days": 2, "stock": 500}),
        ),
    )
    .await;
    let (_, second) = seller_with_product(
        &app,
        "달서협동조합",
        22,
        "cooperative",
        "27290",
        product_body(
            r.category,
            "복사용지 B",
            24_000,
            json!({"lead_time_days": 9, "stock": 500}),
        ),
    )
    .await;
    let (_, late) = seller_with_product(
        &app,
        "느린마을기업",
        23,
        "village_enterprise",
        "27110",
        product_body(
            r.category,
            "복사용지 C",
            15_000,
            json!({"lead_time_days": 60, "stock": 500}),
        ),
    )
    .await;
    let (_, off_category) = seller_with_product(
        &app,
        "가구자활기업",
        24,
        "self_sufficiency_enterprise",
        "27110",
        product_body(
            other_category,
            "책상",
            15_000,
            json!({"lead_time_days": 1, "stock": 500}),
        ),
    )
    .await;
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 100, 5_000_000, json!({})),
    )
    .await;

    let path = format!("/api/v1/procurement-requests/{id}/matches");
    let matches = app.get(&path, Some(&r.buyer)).await.expect(200);
    let ranked = candidate_ids(&matches);
    assert_eq!(ranked, vec![best, second], "{matches}");
    assert!(!ranked.contains(&late) && !ranked.contains(&off_category));
    for c in matches["candidates"].as_array().unwrap() {
        let score = c["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score), "{c}");
        let parts: f64 = [
            "category",
            "price",
            "capacity",
            "lead_time",
            "locality",
            "certification",
            "fairness",
        ]
        .iter()
        .map(|k| c["breakdown"][*k].as_f64().unwrap())
        .sum();
        assert!(
            (parts - score).abs() < 1e-5,
            "breakdown adds up to the score: {c}"
        );
    }
    let top = &matches["candidates"][0];
    let runner = &matches["candidates"][1];
    for factor in ["price", "lead_time", "locality", "certification"] {
        assert!(
            top["breakdown"][factor].as_f64() > runner["breakdown"][factor].as_f64(),
            "{factor}: {top} vs {runner}"
        );
    }
    // One enterprise can cover the quantity: the allocation is that single best candidate.
    assert_eq!(matches["allocation"]["fully_covered"], true);
    assert_eq!(matches["allocation"]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(matches["allocation"]["lines"][0]["product_id"], best);
    assert_eq!(matches["allocation"]["total_won"], 100 * 18_000);
    // The same question gets the same answer.
    let again = app.get(&path, Some(&r.admin)).await.expect(200);
    assert_eq!(again, matches);
    let limited = app
        .get(&format!("{path}?limit=1"), Some(&r.buyer))
        .await
        .expect(200);
    assert_eq!(candidate_ids(&limited), vec![best]);
}

#[tokio::test]
async fn a_consortium_gets_the_least_cost_split_even_where_greedy_fails_and_a_single_bid_is_honest()
{
    let app = spawn_app().await;
    let r = rfq(&app).await;
    // Greedy by price takes A's 6 (its minimum is all of it) and then cannot fit B's or C's
    // minimum of 5 into the 4 left.
    let offers = [
        ("가사회적기업", 31, 100, 6, 6),
        ("나사회적기업", 32, 101, 5, 5),
        ("다사회적기업", 33, 102, 5, 5),
    ];
    let mut products = Vec::new();
    for (name, seed, price, stock, moq) in offers {
        let (_, product) = seller_with_product(
            &app,
            name,
            seed,
            "social_enterprise",
            "27110",
            product_body(
                r.category,
                name,
                price,
                json!({"stock": stock, "min_order_qty": moq}),
            ),
        )
        .await;
        products.push(product);
    }
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({})),
    )
    .await;
    let matches = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/matches"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let allocation = &matches["allocation"];
    assert_eq!(allocation["fully_covered"], true, "{allocation}");
    assert_eq!(allocation["exact"], true);
    assert_eq!(allocation["covered_qty"], 10);
    assert_eq!(allocation["total_won"], 5 * 101 + 5 * 102);
    let mut lines: Vec<(i64, i64)> = allocation["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["product_id"].as_i64().unwrap(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    lines.sort_unstable();
    assert_eq!(lines, vec![(products[1], 5), (products[2], 5)]);

    // Without a consortium: the best single candidate, honestly not covering the quantity.
    let single = open_request(
        &app,
        &r.buyer,
        &request_body(
            r.category,
            10,
            1_000_000,
            json!({"allow_consortium": false}),
        ),
    )
    .await;
    let matches = app
        .get(
            &format!("/api/v1/procurement-requests/{single}/matches"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let allocation = &matches["allocation"];
    assert_eq!(allocation["fully_covered"], false, "{allocation}");
    let lines = allocation["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert!(allocation["covered_qty"].as_i64().unwrap() < 10);
    assert_eq!(allocation["covered_qty"], lines[0]["quantity"]);

    // A budget too small for the whole quantity: as much as it buys, reported as such.
    let tight = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 700, json!({})),
    )
    .await;
    let matches = app
        .get(
            &format!("/api/v1/procurement-requests/{tight}/matches"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let allocation = &matches["allocation"];
    assert_eq!(allocation["fully_covered"], false, "{allocation}");
    assert!(allocation["total_won"].as_i64().unwrap() <= 700);
    assert_eq!(
        allocation["covered_qty"], 6,
        "A's 6 for 600 won is the most 700 won buys"
    );
}

#[tokio::test]
async fn an_enterprise_has_one_live_quote_sees_only_its_own_and_may_withdraw_it() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let (_, other_buyer, _) = app.agency_with_buyer("북구청", "buyer@buk.test").await;
    let (first, product) = seller_with_product(
        &app,
        "첫째사회적기업",
        41,
        "social_enterprise",
        "27110",
        product_body(r.category, "복사용지", 20_000, json!({})),
    )
    .await;
    let second = app
        .enterprise("둘째협동조합", 42, "cooperative", "27140", true)
        .await;
    let unverified = app
        .enterprise("미인증기업", 43, "cooperative", "27140", false)
        .await;
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 100, 3_000_000, json!({})),
    )
    .await;
    let quotes = format!("/api/v1/procurement-requests/{id}/quotes");

    let mine = quote(
        &app,
        &first,
        id,
        json!({"product_id": product, "unit_price_won": 19_000, "quantity": 100, "lead_time_days": 3, "note": "즉시 납품"}),
    )
    .await;
    assert_eq!(mine["status"], "submitted");
    assert_eq!(mine["total_won"], 1_900_000);
    assert_eq!(mine["enterprise_id"], first.id);
    app.post(&quotes, Some(&first.token), &quote_body(18_000, 100))
        .await
        .expect_problem(409, "conflict");
    let theirs = quote(&app, &second, id, quote_body(21_000, 50)).await;
    for (body, field) in [
        (quote_body(21_000, 101), "quantity"),
        (
            json!({"unit_price_won": 1, "quantity": 1, "lead_time_days": 45}),
            "lead_time_days",
        ),
        (
            json!({"product_id": product, "unit_price_won": 1, "quantity": 1, "lead_time_days": 1}),
            "product_id",
        ),
    ] {
        let refused = app.post(&quotes, Some(&unverified.token), &body).await;
        // An unverified enterprise may not quote at all.
        refused.expect_problem(403, "forbidden");
        let third = app
            .enterprise(
                &format!("셋째{field}"),
                44 + field.len() as u32,
                "cooperative",
                "27140",
                true,
            )
            .await;
        let refused = app
            .post(&quotes, Some(&third.token), &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    app.post(&quotes, Some(&r.buyer), &quote_body(1, 1))
        .await
        .expect_problem(403, "forbidden");

    let seen = app.get(&quotes, Some(&first.token)).await.expect(200);
    assert_eq!(ids(&seen["items"]), vec![mine["id"].as_i64().unwrap()]);
    let all = app.get(&quotes, Some(&r.buyer)).await.expect(200);
    assert_eq!(all["sealed"], false);
    assert_eq!(all["count"], 2);
    // Side by side, by total: 50 × 21,000 before 100 × 19,000.
    assert_eq!(
        ids(&all["items"]),
        vec![theirs["id"].as_i64().unwrap(), mine["id"].as_i64().unwrap()]
    );
    for q in all["items"].as_array().unwrap() {
        let score = q["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score) && score > 0.0, "{q}");
    }
    app.get(&quotes, Some(&other_buyer))
        .await
        .expect_problem(404, "not_found");

    let withdraw = format!("/api/v1/quotes/{}/withdraw", mine["id"]);
    app.post(&withdraw, Some(&second.token), &json!({}))
        .await
        .expect_problem(404, "not_found");
    app.post(&withdraw, Some(&r.buyer), &json!({}))
        .await
        .expect_problem(403, "forbidden");
    let withdrawn = app
        .post(&withdraw, Some(&first.token), &json!({}))
        .await
        .expect(200);
    assert_eq!(withdrawn["status"], "withdrawn");
    app.post(&withdraw, Some(&first.token), &json!({}))
        .await
        .expect_problem(409, "invalid_transition");
    assert_eq!(
        app.get(&quotes, Some(&r.buyer)).await.expect(200)["count"],
        1
    );
    // With the first withdrawn, the enterprise may quote again.
    quote(&app, &first, id, quote_body(18_500, 100)).await;
    assert_eq!(
        app.get(&quotes, Some(&r.buyer)).await.expect(200)["count"],
        2
    );
}

#[tokio::test]
async fn sealed_quotes_show_only_their_count_until_due_and_then_quoting_is_closed() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let first = app
        .enterprise("첫째마을기업", 51, "village_enterprise", "27110", true)
        .await;
    let second = app
        .enterprise(
            "둘째자활기업",
            52,
            "self_sufficiency_enterprise",
            "27110",
            true,
        )
        .await;
    let due = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({"quotes_due": due})),
    )
    .await;
    let quotes = format!("/api/v1/procurement-requests/{id}/quotes");
    let a = quote(&app, &first, id, quote_body(50_000, 10)).await;
    quote(&app, &second, id, quote_body(60_000, 10)).await;

    for token in [&r.buyer, &r.admin] {
        let sealed = app.get(&quotes, Some(token)).await.expect(200);
        assert_eq!(sealed["sealed"], true);
        assert_eq!(sealed["count"], 2);
        assert_eq!(sealed["items"], json!([]));
    }
    // The enterprise still sees its own.
    assert_eq!(
        ids(&app.get(&quotes, Some(&first.token)).await.expect(200)["items"]).len(),
        1
    );
    award(
        &app,
        &r.buyer,
        id,
        "sealed-1",
        &json!({"quote_ids": [a["id"]]}),
    )
    .await
    .expect_problem(409, "quotes_sealed");

    pass_quotes_due(&app, id).await;
    let open = app.get(&quotes, Some(&r.buyer)).await.expect(200);
    assert_eq!(open["sealed"], false);
    assert_eq!(open["items"].as_array().unwrap().len(), 2);
    app.get(&quotes, Some(&r.admin)).await.expect(200);
    let third = app
        .enterprise("늦은사회적기업", 53, "social_enterprise", "27110", true)
        .await;
    app.post(&quotes, Some(&third.token), &quote_body(40_000, 10))
        .await
        .expect_problem(409, "quotes_closed");
    app.post(
        &format!("/api/v1/quotes/{}/withdraw", a["id"]),
        Some(&first.token),
        &json!({}),
    )
    .await
    .expect_problem(409, "quotes_closed");
    let events = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/events"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "created",
            "quote_submitted",
            "quote_submitted",
            "quotes_opened"
        ]
    );
    award(
        &app,
        &r.buyer,
        id,
        "sealed-2",
        &json!({"quote_ids": [a["id"]]}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn an_award_becomes_an_rfq_order_once_and_its_key_replays_it() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let (first, product) = seller_with_product(
        &app,
        "복사용지사회적기업",
        61,
        "social_enterprise",
        "27110",
        product_body(r.category, "복사용지", 20_000, json!({"stock": 80})),
    )
    .await;
    let second = app
        .enterprise("인쇄협동조합", 62, "social_cooperative", "27140", true)
        .await;
    let loser = app
        .enterprise("탈락협동조합", 63, "cooperative", "27140", true)
        .await;
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 100, 3_000_000, json!({})),
    )
    .await;
    let a = quote(
        &app,
        &first,
        id,
        json!({"product_id": product, "unit_price_won": 19_000, "quantity": 60, "lead_time_days": 3}),
    )
    .await;
    let b = quote(&app, &second, id, quote_body(21_000, 40)).await;
    let c = quote(&app, &loser, id, quote_body(25_000, 40)).await;
    let body = json!({"quote_ids": [a["id"], b["id"]]});

    let missing = app
        .post(
            &format!("/api/v1/procurement-requests/{id}/award"),
            Some(&r.buyer),
            &body,
        )
        .await;
    missing.expect_problem(400, "idempotency_key_required");
    award(&app, &first.token, id, "k", &body).await.expect(403);
    award(&app, &r.admin, id, "k", &body).await.expect(403);

    let placed = award(&app, &r.buyer, id, "award-1", &body).await;
    let order = placed.expect(201);
    assert_eq!(order["contract_type"], "rfq");
    assert_eq!(order["total_won"], 60 * 19_000 + 40 * 21_000);
    let fulfillments = order["fulfillments"].as_array().unwrap();
    assert_eq!(fulfillments.len(), 2);
    for (f, (enterprise, subtotal)) in fulfillments
        .iter()
        .zip([(first.id, 60 * 19_000), (second.id, 40 * 21_000)])
    {
        assert_eq!(f["enterprise_id"], enterprise);
        assert_eq!(f["status"], "placed");
        assert_eq!(f["subtotal_won"], subtotal);
        assert_eq!(f["commission_won"], subtotal * 300 / 10_000);
    }
    assert_eq!(fulfillments[0]["lines"][0]["product_id"], product);
    assert_eq!(fulfillments[1]["lines"][0]["product_id"], Value::Null);
    let stock = app
        .get(&format!("/api/v1/products/{product}"), Some(&first.token))
        .await
        .expect(200)["stock"]
        .clone();
    assert_eq!(stock, 20, "the quoted catalog product's stock is taken");

    // The replay is the first answer, byte for byte; another award is refused.
    let replay = award(&app, &r.buyer, id, "award-1", &body).await;
    assert_eq!(replay.status.as_u16(), 201);
    assert_eq!(replay.text, placed.text);
    award(&app, &r.buyer, id, "award-2", &body)
        .await
        .expect_problem(409, "conflict");
    award(
        &app,
        &r.buyer,
        id,
        "award-1",
        &json!({"quote_ids": [a["id"]]}),
    )
    .await
    .expect_problem(422, "idempotency_key_reused");

    let request = app
        .get(
            &format!("/api/v1/procurement-requests/{id}"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    assert_eq!(request["status"], "awarded");
    assert_eq!(request["order_id"], order["id"]);
    let quotes = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/quotes"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let status_of = |q: &Value| {
        quotes["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == q["id"])
            .map(|i| i["status"].clone())
            .unwrap()
    };
    assert_eq!(status_of(&a), "awarded");
    assert_eq!(status_of(&b), "awarded");
    assert_eq!(status_of(&c), "not_awarded");

    // The order runs like any other: in the buyer's list, visible to its enterprises, and
    // through the lifecycle.
    let orders = app.get("/api/v1/orders", Some(&r.buyer)).await.expect(200);
    assert_eq!(orders["items"][0]["id"], order["id"]);
    assert_eq!(orders["items"][0]["contract_type"], "rfq");
    let seen = app
        .get(
            &format!("/api/v1/orders/{}", order["id"]),
            Some(&second.token),
        )
        .await
        .expect(200);
    assert_eq!(seen["fulfillments"].as_array().unwrap().len(), 1);
    app.get(
        &format!("/api/v1/orders/{}", order["id"]),
        Some(&loser.token),
    )
    .await
    .expect_problem(404, "not_found");
    let accepted = app
        .post(
            &format!("/api/v1/fulfillments/{}/accept", fulfillments[1]["id"]),
            Some(&second.token),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(accepted["status"], "accepted");
    // Cancelling puts the catalog product's stock back.
    app.post(
        &format!("/api/v1/orders/{}/cancel", order["id"]),
        Some(&r.buyer),
        &json!({}),
    )
    .await
    .expect(200);
    let stock = app
        .get(&format!("/api/v1/products/{product}"), Some(&first.token))
        .await
        .expect(200)["stock"]
        .clone();
    assert_eq!(stock, 80);

    let events = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/events"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "awarded");
    assert_eq!(last["order_id"], order["id"]);
    // The losing enterprise sees the request's own events and its quote's, not the others'.
    let theirs = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/events"),
            Some(&loser.token),
        )
        .await
        .expect(200);
    let quote_ids: Vec<Value> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["quote_id"].is_null())
        .map(|e| e["quote_id"].clone())
        .collect();
    assert_eq!(quote_ids, vec![c["id"].clone()]);
}

#[tokio::test]
async fn award_rules_quotes_of_the_request_no_split_without_consortium_and_concurrent_awards() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let first = app
        .enterprise("가사회적기업", 71, "social_enterprise", "27110", true)
        .await;
    let second = app
        .enterprise("나사회적기업", 72, "social_enterprise", "27110", true)
        .await;
    let single = open_request(
        &app,
        &r.buyer,
        &request_body(
            r.category,
            10,
            1_000_000,
            json!({"allow_consortium": false}),
        ),
    )
    .await;
    let a = quote(&app, &first, single, quote_body(10_000, 5)).await;
    let b = quote(&app, &second, single, quote_body(11_000, 5)).await;
    let other = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({})),
    )
    .await;
    let foreign = quote(&app, &first, other, quote_body(10_000, 10)).await;

    let refused = award(
        &app,
        &r.buyer,
        single,
        "x1",
        &json!({"quote_ids": [a["id"], b["id"]]}),
    )
    .await
    .expect_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "quote_ids");
    let refused = award(
        &app,
        &r.buyer,
        single,
        "x2",
        &json!({"quote_ids": [foreign["id"]]}),
    )
    .await
    .expect_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "quote_ids[0]");
    award(&app, &r.buyer, single, "x3", &json!({"quote_ids": []}))
        .await
        .expect_problem(422, "validation_failed");

    // Two awards at once with different keys: exactly one order.
    let body = json!({"quote_ids": [a["id"]]});
    let (one, two) = tokio::join!(
        award(&app, &r.buyer, single, "race-1", &body),
        award(&app, &r.buyer, single, "race-2", &body)
    );
    let mut statuses = vec![one.status.as_u16(), two.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 409]);
    let orders = app.get("/api/v1/orders", Some(&r.admin)).await.expect(200);
    assert_eq!(orders["items"].as_array().unwrap().len(), 1);
}

async fn two_quote_case(
    app: &TestApp,
    r: &Rfq,
    kind: &str,
    seed: u32,
    total: i64,
    rivals: bool,
) -> u16 {
    let seller = app
        .enterprise(&format!("{kind} 기업"), seed, kind, "27110", true)
        .await;
    let id = open_request(
        app,
        &r.buyer,
        &request_body(r.category, 1, 500_000_000, json!({})),
    )
    .await;
    let q = quote(app, &seller, id, quote_body(total, 1)).await;
    if rivals {
        let rival = app
            .enterprise("경쟁기업", seed + 1, "cooperative", "27140", true)
            .await;
        quote(app, &rival, id, quote_body(total + 1, 1)).await;
    }
    let reply = award(
        app,
        &r.buyer,
        id,
        &format!("limit-{seed}"),
        &json!({"quote_ids": [q["id"]]}),
    )
    .await;
    if reply.status.as_u16() == 422 {
        reply.expect_problem(422, "private_contract_limit_exceeded");
    }
    reply.status.as_u16()
}

#[tokio::test]
async fn award_limits_follow_the_number_of_quoting_enterprises_and_the_kind() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    // A certified social enterprise: 50,000,000 won on one quote, 100,000,000 on two.
    assert_eq!(
        two_quote_case(&app, &r, "social_enterprise", 80, 80_000_000, false).await,
        422
    );
    assert_eq!(
        two_quote_case(&app, &r, "social_enterprise", 82, 80_000_000, true).await,
        201
    );
    assert_eq!(
        two_quote_case(&app, &r, "social_enterprise", 84, 100_000_001, true).await,
        422
    );
    assert_eq!(
        two_quote_case(&app, &r, "social_enterprise", 86, 50_000_000, false).await,
        201
    );
    // A plain cooperative gains nothing from a second quote: 20,000,000 won either way.
    assert_eq!(
        two_quote_case(&app, &r, "cooperative", 88, 30_000_000, true).await,
        422
    );
    assert_eq!(
        two_quote_case(&app, &r, "cooperative", 90, 20_000_000, true).await,
        201
    );
}

#[tokio::test]
async fn two_quote_limits_are_configurable() {
    let app = spawn_app_with(|c| {
        c.two_quote_limits
            .insert("village_enterprise".into(), 60_000_000);
    })
    .await;
    let r = rfq(&app).await;
    assert_eq!(
        two_quote_case(&app, &r, "village_enterprise", 80, 70_000_000, true).await,
        422
    );
    assert_eq!(
        two_quote_case(&app, &r, "village_enterprise", 82, 60_000_000, true).await,
        201
    );
}

#[tokio::test]
async fn awarded_purchases_count_toward_the_split_purchase_warning() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let (seller, product) = seller_with_product(
        &app,
        "쪼개기사회적기업",
        91,
        "social_enterprise",
        "27110",
        product_body(r.category, "복사용지", 1_000_000, json!({"stock": 100})),
    )
    .await;
    let rival = app
        .enterprise("경쟁협동조합", 92, "cooperative", "27140", true)
        .await;
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 45, 100_000_000, json!({})),
    )
    .await;
    let q = quote(
        &app,
        &seller,
        id,
        json!({"product_id": product, "unit_price_won": 1_000_000, "quantity": 45, "lead_time_days": 3}),
    )
    .await;
    quote(&app, &rival, id, quote_body(1_100_000, 45)).await;
    award(
        &app,
        &r.buyer,
        id,
        "split-award",
        &json!({"quote_ids": [q["id"]]}),
    )
    .await
    .expect(201);
    // 45,000,000 awarded + 10,000,000 ordered directly within 30 days > the 50,000,000 limit.
    let order = app
        .order(&r.buyer, "split-order", &order_body(&[(product, 10)]))
        .await
        .expect(201);
    assert_eq!(
        order["warnings"][0]["code"], "possible_split_purchase",
        "{order}"
    );
    assert_eq!(order["warnings"][0]["total_won"], 55_000_000);
}

#[tokio::test]
async fn only_the_agency_or_an_admin_ends_an_open_request_and_its_quotes_are_not_awarded() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let (_, other_buyer, _) = app.agency_with_buyer("동구청", "buyer@dong.test").await;
    let seller = app
        .enterprise("견적사회적기업", 95, "social_enterprise", "27110", true)
        .await;
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({})),
    )
    .await;
    let q = quote(&app, &seller, id, quote_body(10_000, 10)).await;
    let cancel = format!("/api/v1/procurement-requests/{id}/cancel");
    app.post(&cancel, Some(&seller.token), &json!({}))
        .await
        .expect_problem(403, "forbidden");
    app.post(&cancel, Some(&other_buyer), &json!({}))
        .await
        .expect_problem(404, "not_found");
    let cancelled = app
        .post(&cancel, Some(&r.buyer), &json!({}))
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "cancelled");
    app.post(&cancel, Some(&r.buyer), &json!({}))
        .await
        .expect_problem(409, "invalid_transition");
    award(&app, &r.buyer, id, "late", &json!({"quote_ids": [q["id"]]}))
        .await
        .expect_problem(409, "conflict");
    let mine = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/quotes"),
            Some(&seller.token),
        )
        .await
        .expect(200);
    assert_eq!(mine["items"][0]["status"], "not_awarded");
    // The enterprise that quoted still sees the request it quoted on; it is no longer open.
    app.get(
        &format!("/api/v1/procurement-requests/{id}"),
        Some(&seller.token),
    )
    .await
    .expect(200);

    let closing = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({})),
    )
    .await;
    let closed = app
        .post(
            &format!("/api/v1/procurement-requests/{closing}/close"),
            Some(&r.admin),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    // A closed request nobody quoted on is no enterprise's business any more.
    app.get(
        &format!("/api/v1/procurement-requests/{closing}"),
        Some(&seller.token),
    )
    .await
    .expect_problem(404, "not_found");
    app.post(
        &format!("/api/v1/procurement-requests/{closing}/quotes"),
        Some(&seller.token),
        &quote_body(1, 1),
    )
    .await
    .expect_problem(404, "not_found");
}

#[tokio::test]
async fn the_quote_comparison_sheet_has_a_column_per_quote_once_quotes_are_open() {
    let app = spawn_app().await;
    let r = rfq(&app).await;
    let first = app
        .enterprise("비교마을기업", 61, "village_enterprise", "27110", true)
        .await;
    let second = app
        .enterprise(
            "비교자활기업",
            62,
            "self_sufficiency_enterprise",
            "27110",
            true,
        )
        .await;
    let due = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let id = open_request(
        &app,
        &r.buyer,
        &request_body(r.category, 10, 1_000_000, json!({"quotes_due": due})),
    )
    .await;
    quote(&app, &first, id, quote_body(50_000, 10)).await;
    quote(&app, &second, id, quote_body(60_000, 10)).await;
    let sheet = format!("/api/v1/procurement-requests/{id}/quotes?format=csv");
    app.get(&sheet, Some(&r.buyer))
        .await
        .expect_problem(409, "quotes_sealed");
    pass_quotes_due(&app, id).await;
    app.get(&sheet, Some(&first.token))
        .await
        .expect_problem(403, "forbidden");
    for token in [&r.buyer, &r.admin] {
        let reply = app.get(&sheet, Some(token)).await;
        assert_eq!(reply.status, 200);
        assert!(reply
            .header("content-type")
            .unwrap()
            .starts_with("text/csv"));
        assert!(reply
            .header("content-disposition")
            .unwrap()
            .contains(&format!("quotes_request{id}_")));
        let text = reply.text.trim_start_matches('\u{feff}');
        let rows: Vec<Vec<&str>> = text.lines().map(|line| line.split(',').collect()).collect();
        assert_eq!(rows[0], vec!["항목", "견적 1", "견적 2"]);
        let row = |label: &str| rows.iter().find(|r| r[0] == label).unwrap().clone();
        assert_eq!(row("기업명")[1..], ["비교마을기업", "비교자활기업"]);
        assert_eq!(row("기업 유형")[1..], ["마을기업", "자활기업"]);
        assert_eq!(row("합계(원)")[1..], ["500000", "600000"]);
        assert_eq!(row("사업자등록번호")[1].len(), 12, "000-00-00000");
    }
    let xlsx = app
        .client
        .get(app.url(&format!(
            "/api/v1/procurement-requests/{id}/quotes?format=xlsx"
        )))
        .bearer_auth(&r.buyer)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status().as_u16(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    // Without a format, the JSON list as before.
    let list = app
        .get(
            &format!("/api/v1/procurement-requests/{id}/quotes"),
            Some(&r.buyer),
        )
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}
