//! Orders: splitting, snapshots, stock safety, idempotency, limits, the lifecycle with its
//! roles, deadlines, settlement and visibility.
use muhan_tests::{order_body, product_body, spawn_app, spawn_app_with, Market, TestApp};
use serde_json::{json, Value};

async fn stock_of(app: &TestApp, market: &Market, product: i64) -> i64 {
    let owner = market
        .sellers
        .iter()
        .find(|(_, ps)| ps.contains(&product))
        .map(|(s, _)| &s.token)
        .unwrap();
    app.get(&format!("/api/v1/products/{product}"), Some(owner))
        .await
        .expect(200)["stock"]
        .as_i64()
        .unwrap()
}

async fn order_count(app: &TestApp, market: &Market) -> usize {
    app.get("/api/v1/orders?limit=100", Some(&market.admin))
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn an_order_over_three_enterprises_is_split_snapshotted_and_takes_stock() {
    let app = spawn_app().await;
    let m = app.market(2, 12_345, 50).await;
    let lines: Vec<(i64, i64)> = m
        .sellers
        .iter()
        .flat_map(|(_, ps)| ps.iter().map(|p| (*p, 3)))
        .collect();
    let order = app
        .order(&m.buyer, "k1", &order_body(&lines))
        .await
        .expect(201);

    let fulfillments = order["fulfillments"].as_array().unwrap();
    assert_eq!(fulfillments.len(), 3);
    let total: i64 = fulfillments
        .iter()
        .map(|f| f["subtotal_won"].as_i64().unwrap())
        .sum();
    assert_eq!(order["total_won"], total);
    assert_eq!(total, 6 * 3 * 12_345);
    for f in fulfillments {
        assert_eq!(f["status"], "placed");
        let subtotal = f["subtotal_won"].as_i64().unwrap();
        assert_eq!(subtotal, 2 * 3 * 12_345);
        assert_eq!(f["commission_won"], subtotal * 300 / 10_000); // 2222.1 → 2222
        assert_eq!(f["lines"].as_array().unwrap().len(), 2);
        assert_eq!(f["lines"][0]["unit_price_won"], 12_345);
        assert_eq!(f["lines"][0]["line_total_won"], 3 * 12_345);
    }
    assert_eq!(order["contract_type"], "catalog");
    assert_eq!(order["status"], "placed");
    assert_eq!(order["agency_id"], m.agency_id);
    assert_eq!(order["buyer_id"], m.buyer_id);
    let no = order["order_no"].as_str().unwrap();
    assert!(
        no.starts_with(&format!("MH-{}-", chrono::Utc::now().format("%Y"))) && no.len() >= 14,
        "{no}"
    );
    for (p, _) in &lines {
        assert_eq!(stock_of(&app, &m, *p).await, 47);
    }

    // A later price or name change does not alter the order.
    let (seller, products) = &m.sellers[0];
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/products/{}", products[0]),
        Some(&seller.token),
        Some(&json!({"price_won": 99_999, "name": "바뀐 이름"})),
    )
    .await
    .expect(200);
    let again = app
        .get(&format!("/api/v1/orders/{}", order["id"]), Some(&m.buyer))
        .await
        .expect(200);
    assert_eq!(again["fulfillments"], order["fulfillments"]);
    assert_eq!(again["total_won"], order["total_won"]);
}

#[tokio::test]
async fn idempotency_one_order_per_key_identical_replays() {
    let app = spawn_app().await;
    let m = app.market(1, 1000, 100).await;
    let body = order_body(&[(m.sellers[0].1[0], 2)]);

    // No key: 400, nothing ordered.
    app.post("/api/v1/orders", Some(&m.buyer), &body)
        .await
        .expect_problem(400, "idempotency_key_required");

    let attempts = (0..8).map(|_| app.order(&m.buyer, "same-key", &body));
    let replies = futures_util::future::join_all(attempts).await;
    let created: Vec<&muhan_tests::Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty());
    for r in &replies {
        match r.status.as_u16() {
            201 => assert_eq!(r.text, created[0].text, "replays must be identical"),
            409 => {
                r.expect_problem(409, "idempotency_key_in_use");
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    let replay = app.order(&m.buyer, "same-key", &body).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.text, created[0].text);
    assert_eq!(order_count(&app, &m).await, 1);
    assert_eq!(stock_of(&app, &m, m.sellers[0].1[0]).await, 98);

    // A retry gets its first answer even when the same order would now be refused.
    let (seller, product) = (&m.sellers[0].0, m.sellers[0].1[0]);
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/products/{product}/stock"),
        Some(&seller.token),
        Some(&json!({"stock": 0})),
    )
    .await
    .expect(200);
    let replay = app.order(&m.buyer, "same-key", &body).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.text, created[0].text);
    app.order(&m.buyer, "fresh-key", &body)
        .await
        .expect_problem(409, "insufficient_stock");
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/products/{product}/stock"),
        Some(&seller.token),
        Some(&json!({"stock": 98})),
    )
    .await
    .expect(200);

    // Same key, different body.
    app.order(&m.buyer, "same-key", &order_body(&[(m.sellers[0].1[0], 3)]))
        .await
        .expect_problem(422, "idempotency_key_reused");
    // A failed attempt frees its key.
    app.order(&m.buyer, "retry", &order_body(&[(m.sellers[0].1[0], 1000)]))
        .await
        .expect_problem(409, "insufficient_stock");
    app.order(&m.buyer, "retry", &order_body(&[(m.sellers[0].1[0], 1)]))
        .await
        .expect(201);
    // Keys are per user: another buyer may use the same key.
    let (_, other, _) = app.agency_with_buyer("수성구청", "other@daegu.test").await;
    app.order(&other, "same-key", &body).await.expect(201);
}

async fn scarce_stock_race(a: &TestApp, b: &TestApp) {
    let m = a.market(1, 1000, 0).await;
    let (seller, products) = &m.sellers[0];
    let product = products[0];
    a.request(
        reqwest::Method::PUT,
        &format!("/api/v1/products/{product}/stock"),
        Some(&seller.token),
        Some(&json!({"stock": 10})),
    )
    .await
    .expect(200);
    let attempts = (0..64).map(|i| {
        let app = if i % 2 == 0 { a } else { b };
        let buyer = m.buyer.clone();
        async move {
            app.order(&buyer, &format!("race-{i}"), &order_body(&[(product, 1)]))
                .await
        }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let sold = replies.iter().filter(|r| r.status == 201).count();
    for r in replies.iter().filter(|r| r.status != 201) {
        r.expect_problem(409, "insufficient_stock");
    }
    assert_eq!(sold, 10);
    assert_eq!(stock_of(a, &m, product).await, 0);
}

#[tokio::test]
async fn concurrent_orders_never_oversell() {
    let app = spawn_app().await;
    scarce_stock_race(&app, &app).await;
}

#[tokio::test]
async fn concurrent_orders_through_two_instances_never_oversell() {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    scarce_stock_race(&a, &b).await;
}

/// Concurrent orders over the same products, each listing them in a different order, through
/// two instances: none may deadlock or fail, and every unit is accounted for.
#[tokio::test]
async fn overlapping_orders_in_any_line_order_all_succeed() {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    let m = a.market(4, 1000, 1000).await;
    let products: Vec<i64> = m.sellers.iter().flat_map(|(_, ps)| ps.clone()).collect();
    let attempts = (0..48).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        let mut lines: Vec<(i64, i64)> = products.iter().map(|p| (*p, 1)).collect();
        let shift = i % lines.len();
        lines.rotate_left(shift);
        if i % 3 == 0 {
            lines.reverse();
        }
        let buyer = m.buyer.clone();
        async move {
            app.order(&buyer, &format!("overlap-{i}"), &order_body(&lines))
                .await
        }
    });
    for reply in futures_util::future::join_all(attempts).await {
        reply.expect(201);
    }
    for product in &products {
        assert_eq!(stock_of(&a, &m, *product).await, 1000 - 48);
    }
}

/// Orders that arrive while the writer is busy are placed together (on PostgreSQL one read
/// and one write for the batch). Each must still get exactly the answer it would get alone:
/// good orders 201, orders of scarce stock 201 up to the stock and then 409, invalid ones
/// 422, and concurrent requests under one key a single order with identical replays.
#[tokio::test]
async fn orders_arriving_together_each_get_their_own_answer() {
    let app = spawn_app_with(|c| c.order_writers = 1).await;
    let m = app.market(1, 1000, 1000).await;
    let (plenty, other) = (m.sellers[0].1[0], m.sellers[1].1[0]);
    let (scarce_seller, scarce) = (&m.sellers[2].0, m.sellers[2].1[0]);
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/products/{scarce}/stock"),
        Some(&scarce_seller.token),
        Some(&json!({"stock": 3})),
    )
    .await
    .expect(200);
    let shared_body = order_body(&[(plenty, 1)]);
    let attempts = (0..32).map(|i| {
        let (key, body) = match i % 4 {
            0 => (format!("good-{i}"), order_body(&[(plenty, 2), (other, 1)])),
            1 => (
                format!("scarce-{i}"),
                order_body(&[(plenty, 1), (scarce, 1)]),
            ),
            2 => (
                format!("invalid-{i}"),
                order_body(&[(plenty, 1), (999_999, 1)]),
            ),
            _ => ("shared".to_owned(), shared_body.clone()),
        };
        let (app, buyer) = (&app, m.buyer.clone());
        async move { (i % 4, app.order(&buyer, &key, &body).await) }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let (mut scarce_sold, mut shared_created) = (0, Vec::new());
    let mut order_ids = std::collections::HashSet::new();
    for (kind, reply) in &replies {
        match (kind, reply.status.as_u16()) {
            (0, _) => {
                let order = reply.expect(201);
                let subtotals: i64 = order["fulfillments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["subtotal_won"].as_i64().unwrap())
                    .sum();
                assert_eq!(order["fulfillments"].as_array().unwrap().len(), 2);
                assert_eq!(subtotals, order["total_won"].as_i64().unwrap());
                assert_eq!(order["total_won"], 3000);
                assert!(order_ids.insert(order["id"].as_i64().unwrap()));
            }
            (1, 201) => {
                scarce_sold += 1;
                assert!(order_ids.insert(reply.json()["id"].as_i64().unwrap()));
            }
            (1, _) => {
                reply.expect_problem(409, "insufficient_stock");
            }
            (2, _) => {
                reply.expect_problem(422, "validation_failed");
            }
            (_, 201) => shared_created.push(reply.text.clone()),
            (_, _) => {
                reply.expect_problem(409, "idempotency_key_in_use");
            }
        }
    }
    assert_eq!(scarce_sold, 3, "exactly the scarce stock is sold");
    assert!(!shared_created.is_empty());
    assert!(shared_created.iter().all(|t| *t == shared_created[0]));
    let shared: Value = serde_json::from_str(&shared_created[0]).unwrap();
    assert!(order_ids.insert(shared["id"].as_i64().unwrap()));
    assert_eq!(order_count(&app, &m).await, 8 + 3 + 1);
    assert_eq!(stock_of(&app, &m, scarce).await, 0);
    assert_eq!(stock_of(&app, &m, other).await, 1000 - 8);
    assert_eq!(stock_of(&app, &m, plenty).await, 1000 - 8 * 2 - 3 - 1);
}

/// Retries of an order already placed, arriving together with new orders of the same agency:
/// the retries are replays and place nothing, so they must not count towards the new
/// orders' 30-day split-purchase sums (12 M won placed + 6 × 1 M never crosses the
/// cooperative's 20 M limit).
#[tokio::test]
async fn retries_arriving_with_new_orders_do_not_inflate_split_purchase_sums() {
    let app = spawn_app_with(|c| c.order_writers = 1).await;
    let m = app.market(2, 1_000_000, 1000).await;
    let (first_product, second_product) = (m.sellers[1].1[0], m.sellers[1].1[1]);
    let placed = order_body(&[(first_product, 12)]);
    let first = app.order(&m.buyer, "placed", &placed).await;
    assert_eq!(first.expect(201)["warnings"], json!([]));
    for round in 0..3 {
        let attempts = (0..24).map(|i| {
            let (key, body) = if i % 12 == 11 {
                (
                    format!("new-{round}-{i}"),
                    order_body(&[(second_product, 1)]),
                )
            } else {
                ("placed".to_owned(), placed.clone())
            };
            let (app, buyer) = (&app, m.buyer.clone());
            async move { (key.clone(), app.order(&buyer, &key, &body).await) }
        });
        for (key, reply) in futures_util::future::join_all(attempts).await {
            if key == "placed" {
                assert_eq!(reply.text, first.text, "a retry replays the first answer");
            } else {
                assert_eq!(reply.expect(201)["warnings"], json!([]), "{key}");
            }
        }
    }
    assert_eq!(order_count(&app, &m).await, 1 + 6);
}

#[tokio::test]
async fn invalid_orders_are_refused_whole_and_take_nothing() {
    let app = spawn_app().await;
    let m = app.market(2, 1000, 5).await;
    let (seller, products) = &m.sellers[0];
    let (p0, p1) = (products[0], products[1]);
    let category = app.category("50201706").await;
    let pending = app
        .product(
            seller,
            product_body(category, "심사중", 1000, json!({"min_order_qty": 1})),
            false,
        )
        .await;
    let bulk = app
        .product(
            seller,
            product_body(
                category,
                "대량",
                1000,
                json!({"min_order_qty": 10, "stock": 100}),
            ),
            true,
        )
        .await;

    let field = |r: &muhan_tests::Reply| {
        r.expect_problem(422, "validation_failed")["errors"][0]["field"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        field(&app.order(&m.buyer, "a", &order_body(&[(bulk, 9)])).await),
        "lines[0].quantity"
    );
    assert_eq!(
        field(
            &app.order(&m.buyer, "b", &order_body(&[(p0, 1), (999_999, 1)]))
                .await
        ),
        "lines[1].product_id"
    );
    assert_eq!(
        field(&app.order(&m.buyer, "c", &order_body(&[(pending, 1)])).await),
        "lines[0].product_id"
    );
    assert_eq!(
        field(&app.order(&m.buyer, "d", &order_body(&[(p0, 0)])).await),
        "lines[0].quantity"
    );
    assert_eq!(
        field(&app.order(&m.buyer, "e", &order_body(&[])).await),
        "lines"
    );
    assert_eq!(
        field(
            &app.order(&m.buyer, "f", &order_body(&[(p0, 1), (p0, 1)]))
                .await
        ),
        "lines[1].product_id"
    );
    let mut past = order_body(&[(p0, 1)]);
    past["delivery"]["requested_date"] = json!("2020-01-01");
    assert_eq!(
        field(&app.order(&m.buyer, "g", &past).await),
        "delivery.requested_date"
    );
    let mut nowhere = order_body(&[(p0, 1)]);
    nowhere["delivery"]["district"] = json!("11110");
    assert_eq!(
        field(&app.order(&m.buyer, "h", &nowhere).await),
        "delivery.district"
    );
    // One line short of stock fails the whole order.
    let reply = app
        .order(&m.buyer, "i", &order_body(&[(p0, 2), (p1, 6)]))
        .await;
    let problem = reply.expect_problem(409, "insufficient_stock");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&p1.to_string()),
        "{problem}"
    );
    assert_eq!(stock_of(&app, &m, p0).await, 5);
    assert_eq!(stock_of(&app, &m, p1).await, 5);
    assert_eq!(order_count(&app, &m).await, 0);

    // Only active buyers order.
    app.order(&seller.token, "j", &order_body(&[(p0, 1)]))
        .await
        .expect_problem(403, "forbidden");
    app.order(&m.admin, "k", &order_body(&[(p0, 1)]))
        .await
        .expect_problem(403, "forbidden");
    // A suspended enterprise's products cannot be ordered.
    app.post(
        &format!("/api/v1/enterprises/{}/suspend", seller.id),
        Some(&m.admin),
        &json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        field(&app.order(&m.buyer, "l", &order_body(&[(p0, 1)])).await),
        "lines[0].product_id"
    );
}

#[tokio::test]
async fn private_contract_limits_per_kind_and_the_split_purchase_warning() {
    let app = spawn_app().await;
    let m = app.market(1, 1_000_000, 1000).await;
    let social = m.sellers[0].1[0]; // limit 50,000,000
    let coop = m.sellers[1].1[0]; // limit 20,000,000

    let over = app.order(&m.buyer, "a", &order_body(&[(coop, 21)])).await;
    over.expect_problem(422, "private_contract_limit_exceeded");
    app.order(&m.buyer, "b", &order_body(&[(social, 51)]))
        .await
        .expect_problem(422, "private_contract_limit_exceeded");
    assert_eq!(order_count(&app, &m).await, 0);
    assert_eq!(stock_of(&app, &m, coop).await, 1000);

    // At the limit is fine, and a social enterprise may take more than a cooperative.
    let first = app
        .order(&m.buyer, "c", &order_body(&[(social, 30)]))
        .await
        .expect(201);
    assert!(first["warnings"].as_array().unwrap().is_empty());
    let second = app
        .order(&m.buyer, "d", &order_body(&[(coop, 12)]))
        .await
        .expect(201);
    assert!(second["warnings"].as_array().unwrap().is_empty());
    // 12M + 12M from the same cooperative in the same category within 30 days crosses 20M.
    let third = app
        .order(&m.buyer, "e", &order_body(&[(coop, 12)]))
        .await
        .expect(201);
    let warnings = third["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["code"], "possible_split_purchase");
    assert_eq!(warnings[0]["total_won"], 24_000_000);
    assert_eq!(warnings[0]["limit_won"], 20_000_000);
    // Stored with the order.
    let stored = app
        .get(&format!("/api/v1/orders/{}", third["id"]), Some(&m.buyer))
        .await
        .expect(200);
    assert_eq!(stored["warnings"], third["warnings"]);
}

/// Drives a fresh single-fulfillment order to `target` along the happy path (returned goes
/// through a failed inspection). Returns (order id, fulfillment id).
async fn fulfillment_in(app: &TestApp, m: &Market, key: &str, target: &str) -> (i64, i64) {
    let product = m.sellers[0].1[0];
    let order = app
        .order(&m.buyer, key, &order_body(&[(product, 1)]))
        .await
        .expect(201);
    let (order_id, id) = (
        order["id"].as_i64().unwrap(),
        order["fulfillments"][0]["id"].as_i64().unwrap(),
    );
    let seller = &m.sellers[0].0.token;
    let path = |a: &str| format!("/api/v1/fulfillments/{id}/{a}");
    let steps: Vec<(&str, &str, Value)> = match target {
        "placed" => vec![],
        "rejected" => vec![("reject", seller, json!({"reason": "재고 착오"}))],
        "cancelled" => {
            app.post(
                &format!("/api/v1/orders/{order_id}/cancel"),
                Some(&m.buyer),
                &json!({}),
            )
            .await
            .expect(200);
            vec![]
        }
        _ => {
            let all = [
                ("accepted", "accept", seller.as_str(), json!({})),
                ("shipped", "ship", seller, json!({})),
                ("delivered", "deliver", seller, json!({})),
                (
                    "inspected",
                    "inspect",
                    m.buyer.as_str(),
                    json!({"passed": true}),
                ),
                ("payment_claimed", "claim-payment", seller, json!({})),
                ("paid", "mark-paid", m.buyer.as_str(), json!({})),
                ("settled", "settle", m.admin.as_str(), json!({})),
            ];
            if target == "returned" {
                vec![
                    ("accept", seller.as_str(), json!({})),
                    ("ship", seller, json!({})),
                    ("deliver", seller, json!({})),
                    (
                        "inspect",
                        m.buyer.as_str(),
                        json!({"passed": false, "note": "파손"}),
                    ),
                ]
            } else {
                let upto = all.iter().position(|s| s.0 == target).unwrap();
                all[..=upto]
                    .iter()
                    .map(|(_, a, t, b)| (*a, *t, b.clone()))
                    .collect()
            }
        }
    };
    for (action, token, body) in steps {
        let r = app
            .post(&path(action), Some(token), &body)
            .await
            .expect(200);
        assert_eq!(r["id"], id);
    }
    (order_id, id)
}

#[tokio::test]
async fn every_state_action_role_combination_is_200_403_or_409() {
    let app = spawn_app().await;
    let m = app.market(1, 1000, 1000).await;
    let seller = m.sellers[0].0.token.clone();
    let actions: [(&str, Value); 8] = [
        ("accept", json!({})),
        ("reject", json!({"reason": "x"})),
        ("ship", json!({})),
        ("deliver", json!({})),
        ("inspect", json!({"passed": true})),
        ("claim-payment", json!({})),
        ("mark-paid", json!({})),
        ("settle", json!({})),
    ];
    // (state, action, who may) for the legal transitions.
    let legal = [
        ("placed", "accept", "seller"),
        ("placed", "reject", "seller"),
        ("accepted", "ship", "seller"),
        ("returned", "ship", "seller"),
        ("shipped", "deliver", "seller"),
        ("delivered", "inspect", "buyer"),
        ("inspected", "claim-payment", "seller"),
        ("payment_claimed", "mark-paid", "buyer"),
        ("payment_claimed", "mark-paid", "admin"),
        ("paid", "settle", "admin"),
    ];
    let may = |action: &str, who: &str| legal.iter().any(|(_, a, w)| *a == action && *w == who);
    let states = [
        "placed",
        "accepted",
        "shipped",
        "delivered",
        "inspected",
        "payment_claimed",
        "paid",
        "settled",
        "rejected",
        "returned",
        "cancelled",
    ];
    let mut n = 0;
    for state in states {
        for (action, body) in &actions {
            for (who, token) in [
                ("seller", &seller),
                ("buyer", &m.buyer),
                ("admin", &m.admin),
            ] {
                n += 1;
                let (order_id, id) =
                    fulfillment_in(&app, &m, &format!("{state}-{action}-{who}"), state).await;
                let before = app
                    .get(&format!("/api/v1/orders/{order_id}/events"), Some(&m.admin))
                    .await
                    .expect(200);
                let reply = app
                    .post(
                        &format!("/api/v1/fulfillments/{id}/{action}"),
                        Some(token),
                        body,
                    )
                    .await;
                let expected = if legal.contains(&(state, action, who)) {
                    200
                } else if !may(action, who) {
                    403
                } else {
                    409
                };
                assert_eq!(
                    reply.status.as_u16(),
                    expected,
                    "{state} {action} by {who}: {}",
                    reply.text
                );
                if expected != 200 {
                    reply.expect_problem(
                        expected,
                        if expected == 403 {
                            "forbidden"
                        } else {
                            "invalid_transition"
                        },
                    );
                    let order = app
                        .get(&format!("/api/v1/orders/{order_id}"), Some(&m.admin))
                        .await
                        .expect(200);
                    assert_eq!(
                        order["fulfillments"][0]["status"], state,
                        "{state} {action} by {who} changed it"
                    );
                    let after = app
                        .get(&format!("/api/v1/orders/{order_id}/events"), Some(&m.admin))
                        .await
                        .expect(200);
                    assert_eq!(before, after);
                }
            }
        }
    }
    assert_eq!(n, 11 * 8 * 3);
}

#[tokio::test]
async fn the_full_lifecycle_with_deadlines_events_and_settlement() {
    let app = spawn_app().await;
    let m = app.market(1, 33_333, 100).await;
    let (order_id, id) = fulfillment_in(&app, &m, "life", "returned").await;
    let seller = m.sellers[0].0.token.clone();
    let today = chrono::Utc::now().date_naive();
    let post = |a: &'static str, t: String, b: Value| {
        let app = &app;
        async move {
            app.post(&format!("/api/v1/fulfillments/{id}/{a}"), Some(&t), &b)
                .await
                .expect(200)
        }
    };
    post("ship", seller.clone(), json!({})).await;
    let delivered = post("deliver", seller.clone(), json!({})).await;
    assert_eq!(
        delivered["inspection_due"],
        (today + chrono::Duration::days(14)).to_string()
    );
    post(
        "inspect",
        m.buyer.clone(),
        json!({"passed": true, "note": "이상 없음"}),
    )
    .await;
    let claimed = post("claim-payment", seller.clone(), json!({})).await;
    assert_eq!(
        claimed["payment_due"],
        (today + chrono::Duration::days(5)).to_string()
    );
    post("mark-paid", m.buyer.clone(), json!({})).await;
    let settled = post("settle", m.admin.clone(), json!({})).await;
    assert_eq!(settled["status"], "settled");
    assert_eq!(settled["subtotal_won"], 33_333);
    assert_eq!(settled["commission_won"], 999); // 999.99 rounded down
    assert_eq!(settled["settlement_won"], 33_333 - 999);

    let events = app
        .get(&format!("/api/v1/orders/{order_id}/events"), Some(&m.buyer))
        .await
        .expect(200);
    let path: Vec<(Value, Value)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["from"].clone(), e["to"].clone()))
        .collect();
    let expected = [
        (Value::Null, "placed"),
        ("placed".into(), "accepted"),
        ("accepted".into(), "shipped"),
        ("shipped".into(), "delivered"),
        ("delivered".into(), "returned"),
        ("returned".into(), "shipped"),
        ("shipped".into(), "delivered"),
        ("delivered".into(), "inspected"),
        ("inspected".into(), "payment_claimed"),
        ("payment_claimed".into(), "paid"),
        ("paid".into(), "settled"),
    ];
    assert_eq!(path.len(), expected.len());
    for ((from, to), (ef, et)) in path.iter().zip(expected) {
        assert_eq!(from, &ef);
        assert_eq!(to, et);
    }
    let ids: Vec<i64> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        app.get(&format!("/api/v1/orders/{order_id}"), Some(&m.buyer))
            .await
            .expect(200)["status"],
        "settled"
    );

    let report = app
        .get(
            &format!("/api/v1/settlements?enterprise_id={}", m.sellers[0].0.id),
            Some(&m.admin),
        )
        .await
        .expect(200);
    assert_eq!(report["items"].as_array().unwrap().len(), 1);
    assert_eq!(report["total_settlement_won"], 32_334);
    assert_eq!(report["total_commission_won"], 999);
    app.get("/api/v1/settlements", Some(&m.buyer))
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn cancel_and_reject_restore_stock_exactly() {
    let app = spawn_app().await;
    let m = app.market(2, 1000, 20).await;
    let (a, b) = (m.sellers[0].1[0], m.sellers[1].1[0]);
    let order = app
        .order(&m.buyer, "o1", &order_body(&[(a, 7), (b, 4)]))
        .await
        .expect(201);
    assert_eq!(stock_of(&app, &m, a).await, 13);
    assert_eq!(stock_of(&app, &m, b).await, 16);
    // Seller A rejects its part; seller B has accepted; the buyer cancels the rest.
    let fa = order["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["lines"][0]["product_id"] == a)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let fb = order["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["lines"][0]["product_id"] == b)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let rejected = app
        .post(
            &format!("/api/v1/fulfillments/{fa}/reject"),
            Some(&m.sellers[0].0.token),
            &json!({"reason": "품절"}),
        )
        .await
        .expect(200);
    assert_eq!(rejected["reject_reason"], "품절");
    assert_eq!(stock_of(&app, &m, a).await, 20);
    app.post(
        &format!("/api/v1/fulfillments/{fb}/accept"),
        Some(&m.sellers[1].0.token),
        &json!({}),
    )
    .await
    .expect(200);
    let cancelled = app
        .post(
            &format!("/api/v1/orders/{}/cancel", order["id"]),
            Some(&m.buyer),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(cancelled["status"], "rejected"); // nothing live: one rejected, one cancelled
    assert_eq!(stock_of(&app, &m, b).await, 20);
    // Nothing left to cancel, and stock is not restored twice.
    app.post(
        &format!("/api/v1/orders/{}/cancel", order["id"]),
        Some(&m.buyer),
        &json!({}),
    )
    .await
    .expect_problem(409, "invalid_transition");
    assert_eq!(stock_of(&app, &m, b).await, 20);
    // Enterprises cannot cancel orders.
    let other = app
        .order(&m.buyer, "o2", &order_body(&[(a, 1)]))
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/orders/{}/cancel", other["id"]),
        Some(&m.sellers[0].0.token),
        &json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
    // Once shipped, it cannot be cancelled.
    let f = other["fulfillments"][0]["id"].as_i64().unwrap();
    for action in ["accept", "ship"] {
        app.post(
            &format!("/api/v1/fulfillments/{f}/{action}"),
            Some(&m.sellers[0].0.token),
            &json!({}),
        )
        .await
        .expect(200);
    }
    app.post(
        &format!("/api/v1/orders/{}/cancel", other["id"]),
        Some(&m.admin),
        &json!({}),
    )
    .await
    .expect_problem(409, "invalid_transition");
    assert_eq!(stock_of(&app, &m, a).await, 19);
}

#[tokio::test]
async fn outsiders_get_404_and_enterprises_see_only_their_part() {
    let app = spawn_app().await;
    let m = app.market(1, 1000, 100).await;
    let lines: Vec<(i64, i64)> = m.sellers[..2].iter().map(|(_, ps)| (ps[0], 1)).collect();
    let order = app
        .order(&m.buyer, "v", &order_body(&lines))
        .await
        .expect(201);
    let id = order["id"].as_i64().unwrap();
    let f0 = order["fulfillments"][0]["id"].as_i64().unwrap();
    let (_, other_buyer, _) = app.agency_with_buyer("다른기관", "other@agency.test").await;
    let outsider_seller = &m.sellers[2].0.token;
    for token in [&other_buyer, outsider_seller] {
        app.get(&format!("/api/v1/orders/{id}"), Some(token))
            .await
            .expect_problem(404, "not_found");
        app.get(&format!("/api/v1/orders/{id}/events"), Some(token))
            .await
            .expect_problem(404, "not_found");
        app.post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(token),
            &json!({}),
        )
        .await
        .expect_problem(404, "not_found");
        for action in ["accept", "ship", "mark-paid", "settle"] {
            app.post(
                &format!("/api/v1/fulfillments/{f0}/{action}"),
                Some(token),
                &json!({}),
            )
            .await
            .expect_problem(404, "not_found");
        }
        let listed = app.get("/api/v1/orders", Some(token)).await.expect(200);
        assert!(listed["items"].as_array().unwrap().is_empty());
    }
    // Seller 1 sees only its own fulfillment and its events.
    let seller1 = &m.sellers[1].0;
    let seen = app
        .get(&format!("/api/v1/orders/{id}"), Some(&seller1.token))
        .await
        .expect(200);
    let parts = seen["fulfillments"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["enterprise_id"], seller1.id);
    assert_eq!(seen["total_won"], parts[0]["subtotal_won"]);
    let events = app
        .get(&format!("/api/v1/orders/{id}/events"), Some(&seller1.token))
        .await
        .expect(200);
    assert!(events["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["fulfillment_id"] == parts[0]["id"]));
    // The buyer sees everything.
    let full = app
        .get(&format!("/api/v1/orders/{id}"), Some(&m.buyer))
        .await
        .expect(200);
    assert_eq!(full["fulfillments"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/orders", Some(&m.buyer)).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn overdue_filters_find_missed_deadlines() {
    let app = spawn_app().await;
    let m = app.market(1, 1000, 100).await;
    let (_, late) = fulfillment_in(&app, &m, "late", "delivered").await;
    let (_, on_time) = fulfillment_in(&app, &m, "ok", "delivered").await;
    let (_, unpaid) = fulfillment_in(&app, &m, "unpaid", "payment_claimed").await;
    // Move the deadlines into the past, as if the days had gone by.
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use muhan_db::schema::fulfillments as f;
        let mut conn = pool.get().unwrap();
        let past = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
        diesel::update(f::table.find(late))
            .set(f::inspection_due.eq(past))
            .execute(&mut **conn)
            .unwrap();
        diesel::update(f::table.find(unpaid))
            .set(f::payment_due.eq(past))
            .execute(&mut **conn)
            .unwrap();
    })
    .await
    .unwrap();
    let ids = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app
            .get("/api/v1/fulfillments?overdue=inspection", Some(&m.buyer))
            .await
            .expect(200)),
        [late]
    );
    assert_eq!(
        ids(app
            .get("/api/v1/fulfillments?overdue=payment", Some(&m.admin))
            .await
            .expect(200)),
        [unpaid]
    );
    let delivered = ids(app
        .get(
            "/api/v1/fulfillments?status=delivered",
            Some(&m.sellers[0].0.token),
        )
        .await
        .expect(200));
    assert_eq!(delivered, [late, on_time]);
    app.get("/api/v1/fulfillments?overdue=soon", Some(&m.buyer))
        .await
        .expect_problem(422, "validation_failed");
}

#[tokio::test]
async fn expired_idempotency_keys_are_forgotten() {
    let app = spawn_app().await;
    let m = app.market(1, 1000, 100).await;
    let product = m.sellers[0].1[0];
    app.order(&m.buyer, "kept-a-while", &order_body(&[(product, 1)]))
        .await
        .expect(201);
    let purge = |cutoff: chrono::NaiveDateTime| {
        let pool = app.pool.clone();
        async move {
            muhan_db::with_conn(&pool, move |c| {
                muhan_orders::idempotency::purge_before(c, cutoff)
            })
            .await
            .unwrap()
        }
    };
    let now = chrono::Utc::now().naive_utc();
    // Younger than the cutoff: kept, so another body under the key is still refused.
    assert_eq!(purge(now - chrono::Duration::hours(24)).await, 0);
    app.order(&m.buyer, "kept-a-while", &order_body(&[(product, 2)]))
        .await
        .expect_problem(422, "idempotency_key_reused");
    // Past the retention: forgotten, and the key may be used afresh.
    assert_eq!(purge(now + chrono::Duration::minutes(1)).await, 1);
    app.order(&m.buyer, "kept-a-while", &order_body(&[(product, 2)]))
        .await
        .expect(201);
    assert_eq!(stock_of(&app, &m, product).await, 97);
}
