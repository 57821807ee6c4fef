//! The holes an attack on the API found (issue 9), each pinned by a test that failed before
//! the fix: account status at the actor layer, an enterprise's view of an order, the text
//! rule at the edge, e-mail identity, errors before routing, metrics cardinality and
//! impersonation through edits.

use muhan_tests::{collect_pages, order_body, product_body, spawn_app, token_of, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

async fn pending_buyer_of(app: &TestApp, agency_id: i64, email: &str) -> String {
    app.post(
        "/api/v1/auth/signup/buyer",
        None,
        &json!({"email": email, "password": "pending-password-1", "display_name": "대기중", "agency_id": agency_id}),
    )
    .await
    .expect(201);
    token_of(&app.session(email, "pending-password-1").await)
}

#[tokio::test]
async fn a_pending_buyer_reads_its_own_account_and_nothing_of_its_agency() {
    let app = spawn_app().await;
    let m = app.market(1, 10_000, 100).await;
    let order = app
        .order(&m.buyer, "k1", &order_body(&[(m.sellers[0].1[0], 2)]))
        .await
        .expect(201);
    let order_id = order["id"].as_i64().unwrap();
    app.request(
        Method::PUT,
        &format!("/api/v1/agencies/{}/purchase-plans/2026", m.agency_id),
        Some(&m.buyer),
        Some(&json!({"total_purchase_won": 1_000_000_000, "social_target_bp": 500})),
    )
    .await
    .expect(200);

    let pending = pending_buyer_of(&app, m.agency_id, "pending@daegu.test").await;
    let me = app.get("/api/v1/me", Some(&pending)).await.expect(200);
    assert_eq!(me["status"], "pending");
    for path in [
        "/api/v1/orders".to_owned(),
        "/api/v1/fulfillments".to_owned(),
        format!("/api/v1/orders/{order_id}"),
        format!("/api/v1/orders/{order_id}/events"),
        format!("/api/v1/agencies/{}/purchase-plans", m.agency_id),
        "/api/v1/fulfillments?overdue=inspection".to_owned(),
    ] {
        let reply = app.get(&path, Some(&pending)).await;
        let body = reply.expect_problem(403, "account_not_active");
        assert!(
            !body.to_string().contains("공평로"),
            "{path} leaked the address"
        );
    }
    app.order(&pending, "k2", &order_body(&[(m.sellers[0].1[0], 1)]))
        .await
        .expect_problem(403, "account_not_active");
    // Public reads stay public: the token counts as anonymous.
    let catalog = app
        .get("/api/v1/products", Some(&pending))
        .await
        .expect(200);
    assert_eq!(catalog["items"].as_array().unwrap().len(), 3);
    let agencies = app
        .get("/api/v1/agencies", Some(&pending))
        .await
        .expect(200);
    assert!(!agencies["items"].as_array().unwrap().is_empty());
    app.get(&format!("/api/v1/agencies/{}", m.agency_id), None)
        .await
        .expect(200);
}

#[tokio::test]
async fn an_enterprise_sees_its_own_part_of_an_order_and_filters_on_it() {
    let app = spawn_app().await;
    let m = app.market(1, 1_000_000, 1000).await;
    let (social, social_product) = (&m.sellers[0].0, m.sellers[0].1[0]);
    let (coop, coop_product) = (&m.sellers[1].0, m.sellers[1].1[0]); // limit 20,000,000
    let earlier = app
        .order(&m.buyer, "a", &order_body(&[(coop_product, 12)]))
        .await
        .expect(201);
    // 12M + 12M from the cooperative within 30 days: a warning about the cooperative only.
    let shared = app
        .order(
            &m.buyer,
            "b",
            &order_body(&[(social_product, 1), (coop_product, 12)]),
        )
        .await
        .expect(201);
    assert_eq!(shared["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(shared["warnings"][0]["enterprise_id"], coop.id);
    let shared_id = shared["id"].as_i64().unwrap();
    let coop_part = shared["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["enterprise_id"] == coop.id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    for action in ["accept", "ship"] {
        app.post(
            &format!("/api/v1/fulfillments/{coop_part}/{action}"),
            Some(&coop.token),
            &json!({}),
        )
        .await
        .expect(200);
    }

    let path = format!("/api/v1/orders/{shared_id}");
    let as_buyer = app.get(&path, Some(&m.buyer)).await.expect(200);
    assert_eq!(as_buyer["status"], "placed");
    assert_eq!(as_buyer["warnings"].as_array().unwrap().len(), 1);

    let as_social = app.get(&path, Some(&social.token)).await.expect(200);
    assert_eq!(as_social["status"], "placed");
    assert_eq!(
        as_social["warnings"],
        json!([]),
        "a competitor's spend leaked"
    );
    assert_eq!(as_social["fulfillments"].as_array().unwrap().len(), 1);
    assert_eq!(as_social["total_won"], 1_000_000);

    let as_coop = app.get(&path, Some(&coop.token)).await.expect(200);
    assert_eq!(as_coop["status"], "shipped");
    assert_eq!(as_coop["warnings"].as_array().unwrap().len(), 1);

    let ids = |items: Vec<Value>| -> Vec<i64> {
        items.iter().map(|o| o["id"].as_i64().unwrap()).collect()
    };
    let listed = collect_pages(&app, "/api/v1/orders", Some(&social.token)).await;
    assert_eq!(ids(listed.clone()), vec![shared_id]);
    assert_eq!(listed[0]["warnings"], json!([]));
    assert_eq!(listed[0]["status"], "placed");
    let earlier_id = earlier["id"].as_i64().unwrap();
    let coop_shipped =
        collect_pages(&app, "/api/v1/orders?status=shipped", Some(&coop.token)).await;
    assert_eq!(ids(coop_shipped), vec![shared_id]);
    let coop_placed = collect_pages(&app, "/api/v1/orders?status=placed", Some(&coop.token)).await;
    assert_eq!(ids(coop_placed), vec![earlier_id]);
    let social_shipped =
        collect_pages(&app, "/api/v1/orders?status=shipped", Some(&social.token)).await;
    assert!(social_shipped.is_empty());
    let buyer_shipped = collect_pages(&app, "/api/v1/orders?status=shipped", Some(&m.buyer)).await;
    assert!(buyer_shipped.is_empty());
}

#[tokio::test]
async fn text_inputs_with_nul_control_or_bidi_characters_are_refused_at_the_edge() {
    let app = spawn_app().await;
    for (path, field) in [
        ("/api/v1/products?q=%00", "q"),
        ("/api/v1/products?district=27110%00", "district"),
        ("/api/v1/enterprises?q=%00", "q"),
        ("/api/v1/agencies?q=%E2%80%AE", "q"),
        ("/api/v1/products?q=%FF", "q"),
        ("/api/v1/products/%00", "path"),
    ] {
        let body = app
            .get(path, None)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], field, "{path}");
    }
    let body = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "admin\u{0000}@muhan.test", "password": "x"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "email");
    let owner = app
        .enterprise("정상기업", 7, "cooperative", "27110", true)
        .await;
    let category = app.category("50201706").await;
    let body = app
        .post(
            "/api/v1/products",
            Some(&owner.token),
            &product_body(category, "커피\u{202E}세트", 1000, json!({})),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "name");
    // A header the API reads.
    let reply = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&owner.token)
        .header(
            "idempotency-key",
            reqwest::header::HeaderValue::from_bytes(b"k\xc3\xa9\xe2\x80\xae").unwrap(),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 422);
    // Free text keeps its line breaks.
    let created = app
        .post(
            "/api/v1/products",
            Some(&owner.token),
            &product_body(
                category,
                "드립백",
                1000,
                json!({"description": "한 줄\n두 줄\t끝"}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(created["description"], "한 줄\n두 줄\t끝");
}

#[tokio::test]
async fn an_email_address_has_one_identity() {
    let app = spawn_app().await;
    let (agency_id, _, _) = app.agency_with_buyer("수성구청", "first@daegu.test").await;
    let signup = |email: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/auth/signup/buyer",
                None,
                &json!({"email": email, "password": "buyer-password-1", "display_name": "담당", "agency_id": agency_id}),
            )
            .await
        }
    };
    let created = signup("caf\u{00E9}@daegu.test").await.expect(201);
    assert_eq!(created["user"]["email"], "caf\u{00E9}@daegu.test");
    for same in [
        "cafe\u{0301}@daegu.test",
        "CAF\u{00C9}@DAEGU.TEST",
        "ｃａｆ\u{00E9}@daegu.test",
    ] {
        signup(same).await.expect_problem(409, "email_taken");
    }
    app.login("cafe\u{0301}@DAEGU.test", "buyer-password-1")
        .await
        .expect(200);
    for bad in [
        "evil\u{202E}rk.@daegu.test",
        "p\u{0430}yp\u{0430}l@daegu.test",
        "zero\u{200B}width@daegu.test",
    ] {
        let body = signup(bad).await.expect_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "email", "{bad}");
    }
    let body = app
        .post(
            "/api/v1/auth/signup/buyer",
            None,
            &json!({"email": "ok@daegu.test", "password": "buyer-password-1", "display_name": "관리\u{200B}자", "agency_id": agency_id}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "display_name");
}

#[tokio::test]
async fn errors_before_routing_are_problem_json_with_our_own_limits() {
    let app = spawn_app().await;
    let long = format!("/api/v1/products?q={}", "a".repeat(9 * 1024));
    app.get(&long, None)
        .await
        .expect_problem(414, "uri_too_long");
    let reply = app
        .client
        .get(app.url("/api/v1/products"))
        .header("x-padding", "p".repeat(17 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 431);
    assert_eq!(reply.headers()["content-type"], "application/problem+json");
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["code"], "headers_too_large");

    for (method, path, allow) in [
        ("TRACE", "/api/v1/products", "GET, POST"),
        ("DELETE", "/api/v1/orders", "GET, POST"),
        ("BREW", "/api/v1/products/1", "GET, DELETE, PATCH"),
        ("PUT", "/api/v1/products/1", "GET, DELETE, PATCH"),
        ("POST", "/health", "GET"),
    ] {
        let reply = app
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                None,
                None,
            )
            .await;
        reply.expect_problem(405, "method_not_allowed");
        let mut got: Vec<&str> = reply.header("allow").unwrap().split(", ").collect();
        let mut want: Vec<&str> = allow.split(", ").collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{method} {path}");
    }
    app.get("/api/v1/nothing-here", None)
        .await
        .expect_problem(404, "not_found");
}

#[tokio::test]
async fn metrics_labels_come_from_bounded_sets() {
    let app = spawn_app().await;
    for i in 0..40 {
        let method = Method::from_bytes(format!("M{i}X").as_bytes()).unwrap();
        app.request(method, &format!("/random/{i}/path"), None, None)
            .await
            .expect_problem(404, "not_found");
        app.get(&format!("/unknown-{i}"), None).await;
    }
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    let text = &metrics.text;
    assert!(text.contains("method=\"OTHER\""), "{text}");
    assert!(text.contains("endpoint=\"unmatched\""), "{text}");
    for i in 0..40 {
        assert!(!text.contains(&format!("M{i}X")), "method label M{i}X");
        assert!(
            !text.contains(&format!("unknown-{i}")),
            "path label unknown-{i}"
        );
    }
}

#[tokio::test]
async fn edits_cannot_impersonate_or_slip_past_review() {
    let app = spawn_app().await;
    let original = app
        .enterprise("무한상사협동조합", 31, "cooperative", "27110", true)
        .await;
    let imitator = app
        .enterprise("다른기업", 32, "cooperative", "27140", true)
        .await;
    let path = format!("/api/v1/enterprises/{}", imitator.id);
    app.request(
        Method::PATCH,
        &path,
        Some(&imitator.token),
        Some(&json!({"name": "무한상사협동조합"})),
    )
    .await
    .expect_problem(403, "forbidden");
    let unchanged = app.get(&path, None).await.expect(200);
    assert_eq!(unchanged["name"], "다른기업");
    assert_eq!(unchanged["status"], "verified");
    // Other fields stay the enterprise's own; the same name is no rename.
    app.request(
        Method::PATCH,
        &path,
        Some(&imitator.token),
        Some(&json!({"name": "다른기업", "phone": "053-111-2222"})),
    )
    .await
    .expect(200);
    // Before verification the name is still the enterprise's to fix.
    let pending = app
        .enterprise("오타기엄", 33, "cooperative", "27140", false)
        .await;
    let renamed = app
        .request(
            Method::PATCH,
            &format!("/api/v1/enterprises/{}", pending.id),
            Some(&pending.token),
            Some(&json!({"name": "오타기업"})),
        )
        .await
        .expect(200);
    assert_eq!(renamed["name"], "오타기업");

    let category = app.category("50201706").await;
    let product = app
        .product(
            &original,
            product_body(category, "원두 1kg", 30000, json!({"unit": "ea"})),
            true,
        )
        .await;
    let product_path = format!("/api/v1/products/{product}");
    let edited = app
        .request(
            Method::PATCH,
            &product_path,
            Some(&original.token),
            Some(&json!({"unit": "1 g"})),
        )
        .await
        .expect(200);
    assert_eq!(edited["status"], "pending_review");
    app.get(&product_path, None)
        .await
        .expect_problem(404, "not_found");
}
