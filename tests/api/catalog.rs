//! Products: visibility, ownership, review, optimistic concurrency, Korean search, filters,
//! sorts and cursor paging.
use muhan_catalog::catalog::CatalogParams;
use muhan_tests::{collect_pages, enc, product_body, skip, spawn_app, TestApp};
use serde_json::{json, Value};
use std::collections::HashSet;

/// id, seller index, category, price, in stock.
type Listed = (i64, i64, i64, i64, bool);

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|p| p["id"].as_i64().unwrap()).collect()
}

async fn search(app: &TestApp, query: &str) -> Vec<String> {
    let page = app
        .get(&format!("/api/v1/products?limit=100&{query}"), None)
        .await
        .expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn only_approved_products_of_verified_enterprises_are_public() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coffee = app.category("50201706").await;
    let seller = app
        .enterprise("무한커피", 1, "cooperative", "27110", false)
        .await;
    let id = app
        .product(
            &seller,
            product_body(coffee, "유기농 커피 선물세트", 30000, json!({})),
            true,
        )
        .await;

    // Enterprise still pending: hidden from outsiders, visible to its owner and admins.
    assert!(search(&app, "").await.is_empty());
    app.get(&format!("/api/v1/products/{id}"), None)
        .await
        .expect_problem(404, "not_found");
    app.get(&format!("/api/v1/products/{id}"), Some(&seller.token))
        .await
        .expect(200);
    app.get(&format!("/api/v1/products/{id}"), Some(&admin))
        .await
        .expect(200);
    app.get(&format!("/api/v1/enterprises/{}", seller.id), None)
        .await
        .expect_problem(404, "not_found");

    app.post(
        &format!("/api/v1/enterprises/{}/verify", seller.id),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect(200);
    assert_eq!(search(&app, "").await, ["유기농 커피 선물세트"]);
    let public = app
        .get(&format!("/api/v1/products/{id}"), None)
        .await
        .expect(200);
    assert_eq!(public["enterprise_name"], "무한커피");
    assert_eq!(public["enterprise_kind"], "cooperative");
    assert_eq!(public["district"], "27110");
    assert_eq!(public["status"], "approved");

    // Pending review products stay hidden even for a verified enterprise.
    let draft = app
        .product(
            &seller,
            product_body(coffee, "드립백 커피", 9000, json!({})),
            false,
        )
        .await;
    app.get(&format!("/api/v1/products/{draft}"), None)
        .await
        .expect_problem(404, "not_found");
    assert_eq!(search(&app, "").await.len(), 1);

    // Suspension takes everything out; the enterprise's users can still log in and see it.
    let suspended = app
        .post(
            &format!("/api/v1/enterprises/{}/suspend", seller.id),
            Some(&admin),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(suspended["status"], "suspended");
    assert!(search(&app, "").await.is_empty());
    app.get(&format!("/api/v1/products/{id}"), None)
        .await
        .expect_problem(404, "not_found");
    app.session("owner1@coop.test", "enterprise-pass-1").await;
    app.get(&format!("/api/v1/products/{id}"), Some(&seller.token))
        .await
        .expect(200);
    app.get(
        &format!("/api/v1/enterprises/{}", seller.id),
        Some(&seller.token),
    )
    .await
    .expect(200);
    let mine = app
        .get(
            &format!(
                "/api/v1/products?enterprise_id={}&status=approved",
                seller.id
            ),
            Some(&seller.token),
        )
        .await
        .expect(200);
    assert_eq!(ids(mine["items"].as_array().unwrap()), [id]);
    // A suspended enterprise cannot list new products.
    app.post(
        "/api/v1/products",
        Some(&seller.token),
        &product_body(coffee, "새 상품", 1000, json!({})),
    )
    .await
    .expect_problem(403, "enterprise_suspended");
}

#[tokio::test]
async fn others_cannot_change_a_product() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let owner = app
        .enterprise("주인기업", 1, "cooperative", "27110", true)
        .await;
    let other = app
        .enterprise("다른기업", 2, "village_enterprise", "27140", true)
        .await;
    let hidden = app
        .product(
            &owner,
            product_body(coffee, "심사중 상품", 5000, json!({})),
            false,
        )
        .await;
    let public = app
        .product(
            &owner,
            product_body(coffee, "공개 상품", 5000, json!({})),
            true,
        )
        .await;
    let buyer_id = app
        .create_user(
            "buyer@agency.test",
            "buyer-password-1",
            muhan_core::Role::Buyer,
            muhan_core::UserStatus::Active,
        )
        .await;
    assert!(buyer_id > 0);
    let buyer = muhan_tests::token_of(&app.session("buyer@agency.test", "buyer-password-1").await);

    for token in [&other.token, &buyer] {
        for id in [hidden, public] {
            let path = format!("/api/v1/products/{id}");
            let expect = if id == public { 403 } else { 404 };
            let r = app
                .request(
                    reqwest::Method::PATCH,
                    &path,
                    Some(token),
                    Some(&json!({"price_won": 1})),
                )
                .await;
            assert_eq!(r.status.as_u16(), expect, "{}", r.text);
            let r = app
                .request(
                    reqwest::Method::PUT,
                    &format!("{path}/stock"),
                    Some(token),
                    Some(&json!({"stock": 0})),
                )
                .await;
            assert_eq!(r.status.as_u16(), expect, "{}", r.text);
            let r = app
                .request(reqwest::Method::DELETE, &path, Some(token), None)
                .await;
            assert_eq!(r.status.as_u16(), expect, "{}", r.text);
            app.post(&format!("{path}/approve"), Some(token), &json!({}))
                .await
                .expect_problem(403, "forbidden");
            app.post(
                &format!("{path}/reject"),
                Some(token),
                &json!({"reason": "x"}),
            )
            .await
            .expect_problem(403, "forbidden");
        }
    }
    let unchanged = app
        .get(&format!("/api/v1/products/{public}"), None)
        .await
        .expect(200);
    assert_eq!(unchanged["price_won"], 5000);
    assert_eq!(unchanged["stock"], 100);
    assert_eq!(unchanged["status"], "approved");
    assert_eq!(unchanged["version"], 2);
    let still = app
        .get(&format!("/api/v1/products/{hidden}"), Some(&owner.token))
        .await
        .expect(200);
    assert_eq!(still["status"], "pending_review");
    // Without a token: 401.
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/products/{public}"),
        None,
        Some(&json!({"price_won": 1})),
    )
    .await
    .expect_problem(401, "unauthorized");
    // Buyers and admins cannot list products for an enterprise.
    app.post(
        "/api/v1/products",
        Some(&buyer),
        &product_body(coffee, "x", 1, json!({})),
    )
    .await
    .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn review_cycle_versions_and_if_match() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coffee = app.category("50201706").await;
    let tea = app.category("50201710").await;
    let owner = app
        .enterprise("차와커피", 1, "social_enterprise", "27260", true)
        .await;
    let id = app
        .product(
            &owner,
            product_body(coffee, "원두 커피", 12000, json!({})),
            true,
        )
        .await;
    let path = format!("/api/v1/products/{id}");

    let current = app.get(&path, None).await;
    assert_eq!(current.header("etag"), Some("\"2\""));
    // Changing the lead time keeps it approved.
    let r = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&owner.token)
        .header("if-match", "\"2\"")
        .json(&json!({"lead_time_days": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "approved");
    assert_eq!(body["version"], 3);
    // A stale version is refused and changes nothing.
    let r = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&owner.token)
        .header("if-match", "\"2\"")
        .json(&json!({"price_won": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "version_conflict");
    assert_eq!(app.get(&path, None).await.expect(200)["price_won"], 12000);
    // Changing the price sends it back to review (out of the catalog).
    let body = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&owner.token),
            Some(&json!({"price_won": 13000, "category_id": tea})),
        )
        .await
        .expect(200);
    assert_eq!(body["status"], "pending_review");
    assert_eq!(body["category_id"], tea);
    app.get(&path, None).await.expect_problem(404, "not_found");
    // Reject, resubmit by editing, approve.
    let rejected = app
        .post(
            &format!("{path}/reject"),
            Some(&admin),
            &json!({"reason": "가격 근거 필요"}),
        )
        .await
        .expect(200);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reject_reason"], "가격 근거 필요");
    app.post(&format!("{path}/approve"), Some(&admin), &json!({}))
        .await
        .expect_problem(409, "invalid_transition");
    let resubmitted = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&owner.token),
            Some(&json!({"description": "공정무역 원두"})),
        )
        .await
        .expect(200);
    assert_eq!(resubmitted["status"], "pending_review");
    app.post(&format!("{path}/approve"), Some(&admin), &json!({}))
        .await
        .expect(200);
    // Stock updates by the owner.
    let stocked = app
        .request(
            reqwest::Method::PUT,
            &format!("{path}/stock"),
            Some(&owner.token),
            Some(&json!({"stock": 7})),
        )
        .await
        .expect(200);
    assert_eq!(stocked["stock"], 7);
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/stock"),
        Some(&owner.token),
        Some(&json!({"stock": -1})),
    )
    .await
    .expect_problem(422, "validation_failed");
    // Archive.
    app.request(reqwest::Method::DELETE, &path, Some(&owner.token), None)
        .await
        .expect(204);
    app.get(&path, None).await.expect_problem(404, "not_found");
    assert_eq!(
        app.get(&path, Some(&owner.token)).await.expect(200)["status"],
        "archived"
    );
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&owner.token),
        Some(&json!({"unit": "kg"})),
    )
    .await
    .expect_problem(409, "invalid_transition");
}

#[tokio::test]
async fn invalid_products_get_field_errors_and_are_not_stored() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let owner = app
        .enterprise("검증기업", 1, "cooperative", "27110", true)
        .await;
    let cases = [
        (json!({"price_won": 0}), "price_won"),
        (json!({"price_won": 10_000_000_001i64}), "price_won"),
        (json!({"min_order_qty": 0}), "min_order_qty"),
        (json!({"stock": -5}), "stock"),
        (json!({"lead_time_days": 366}), "lead_time_days"),
        (json!({"lead_time_days": -1}), "lead_time_days"),
        (json!({"name": ""}), "name"),
        (json!({"name": "가".repeat(201)}), "name"),
        (json!({"category_id": 987654}), "category_id"),
        (json!({"price_won": "1000"}), "price_won"),
        (json!({"colour": "red"}), "colour"),
    ];
    for (overrides, field) in cases {
        let body = product_body(coffee, "상품", 1000, overrides.clone());
        let problem = app
            .post("/api/v1/products", Some(&owner.token), &body)
            .await
            .expect_problem(422, "validation_failed");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{overrides} → {fields:?}");
    }
    let problem = app
        .post("/api/v1/products", Some(&owner.token), &json!({}))
        .await
        .expect_problem(422, "validation_failed");
    assert!(problem["errors"].as_array().unwrap().len() >= 6);
    let mine = app
        .get(
            &format!(
                "/api/v1/products?enterprise_id={}&status=pending_review",
                owner.id
            ),
            Some(&owner.token),
        )
        .await
        .expect(200);
    assert!(mine["items"].as_array().unwrap().is_empty());
    // The boundaries themselves are fine.
    let edge = product_body(
        coffee,
        &"가".repeat(200),
        10_000_000_000,
        json!({"lead_time_days": 365, "stock": 0}),
    );
    app.post("/api/v1/products", Some(&owner.token), &edge)
        .await
        .expect(201);
}

#[tokio::test]
async fn korean_search_finds_syllables_and_initial_consonants_ranked() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let pickles = app.category("50171901").await;
    let a = app
        .enterprise("무한상사 협동조합", 1, "cooperative", "27110", true)
        .await;
    let b = app
        .enterprise("달서 커피로스터스", 2, "social_enterprise", "27290", true)
        .await;
    for (owner, cat, name, desc) in [
        (&a, coffee, "유기농 커피 선물세트", "공정무역 원두"),
        (&a, coffee, "커피", "기본 원두"),
        (&a, coffee, "커피믹스 대용량", ""),
        (&b, coffee, "드립백 세트", "산미가 좋은 원두"),
        (&a, pickles, "김치", "국내산 배추"),
        (&a, pickles, "배추김치 10kg", ""),
        (&a, pickles, "깍두기", "무김치"),
        (&b, coffee, "ORGANIC Coffee Beans", "whole beans"),
    ] {
        app.product(
            owner,
            product_body(cat, name, 10000, json!({"description": desc})),
            true,
        )
        .await;
    }
    // Two syllables anywhere in a word; exact > prefix > contains > description/enterprise.
    assert_eq!(
        search(&app, &format!("q={}", enc("커피"))).await,
        // The last two match only through their enterprise, 달서 커피로스터스.
        [
            "커피",
            "커피믹스 대용량",
            "유기농 커피 선물세트",
            "드립백 세트",
            "ORGANIC Coffee Beans"
        ]
    );
    // 초성.
    assert_eq!(
        search(&app, &format!("q={}", enc("ㅋㅍ"))).await,
        ["커피", "커피믹스 대용량", "유기농 커피 선물세트"]
    );
    let kimchi = search(&app, &format!("q={}", enc("ㄱㅊ"))).await;
    assert_eq!(kimchi, ["김치", "배추김치 10kg"]);
    let cheese: HashSet<String> = search(&app, &format!("q={}", enc("ㄱㅁㅊ")))
        .await
        .into_iter()
        .collect();
    assert!(cheese.is_empty());
    // One syllable.
    let one: HashSet<String> = search(&app, &format!("q={}", enc("김")))
        .await
        .into_iter()
        .collect();
    assert_eq!(
        one,
        HashSet::from(["김치".into(), "배추김치 10kg".into(), "깍두기".into()])
    );
    // Latin text: case- and width-insensitive.
    assert_eq!(
        search(&app, &format!("q={}", enc("ＣＯＦＦＥＥ"))).await,
        ["ORGANIC Coffee Beans"]
    );
    assert_eq!(search(&app, "q=beans").await, ["ORGANIC Coffee Beans"]);
    // Enterprise name matches too (lowest rank).
    assert_eq!(
        search(&app, &format!("q={}", enc("로스터스"))).await,
        ["드립백 세트", "ORGANIC Coffee Beans"]
    );
    // Wildcards are literal.
    assert!(search(&app, "q=%25").await.is_empty());
    assert!(search(&app, "q=_").await.is_empty());
    // The enterprise directory searches names the same way.
    let dir = app
        .get(&format!("/api/v1/enterprises?q={}", enc("ㅁㅎ")), None)
        .await
        .expect(200);
    assert_eq!(dir["items"].as_array().unwrap().len(), 1);
    assert_eq!(dir["items"][0]["name"], "무한상사 협동조합");
    let dir = app
        .get(&format!("/api/v1/enterprises?q={}", enc("커피")), None)
        .await
        .expect(200);
    assert_eq!(dir["items"][0]["name"], "달서 커피로스터스");
}

#[tokio::test]
async fn filters_sorts_and_paging_over_a_few_hundred_products() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let tea = app.category("50201710").await;
    let honey = app.category("50192403").await;
    let beverages = app.category("50200000").await;
    let food = app.category("50000000").await;
    let sellers = [
        app.enterprise("카페협동조합", 1, "cooperative", "27110", true)
            .await,
        app.enterprise("마을꿀농장", 2, "village_enterprise", "27710", true)
            .await,
        app.enterprise(
            "자활차공방",
            3,
            "self_sufficiency_enterprise",
            "27260",
            true,
        )
        .await,
    ];
    let pending = app
        .enterprise("미인증기업", 4, "cooperative", "27110", false)
        .await;
    app.product(
        &pending,
        product_body(coffee, "미인증 커피", 100, json!({})),
        true,
    )
    .await;

    let mut expected: Vec<Listed> = Vec::new();
    for i in 0..240i64 {
        let s = (i % 3) as usize;
        let cat = [coffee, honey, tea][s];
        let price = 1000 + (i * 7919) % 50000;
        let stock = if i % 5 == 0 { 0 } else { 10 };
        let id = app
            .product(
                &sellers[s],
                product_body(cat, &format!("상품 {i}"), price, json!({"stock": stock})),
                i % 11 != 0,
            )
            .await;
        if i % 11 != 0 {
            expected.push((id, s as i64, cat, price, stock > 0));
        }
    }
    let all: HashSet<i64> = expected.iter().map(|e| e.0).collect();

    // Paging through everything (newest first) returns every product exactly once.
    let items = collect_pages(&app, "/api/v1/products?limit=7", None).await;
    let got = ids(&items);
    assert_eq!(got.len(), all.len());
    assert_eq!(got.iter().copied().collect::<HashSet<_>>(), all);
    assert!(got.windows(2).all(|w| w[0] > w[1]), "newest first");

    // Price sorts, paged.
    let asc = collect_pages(&app, "/api/v1/products?sort=price_asc&limit=13", None).await;
    assert_eq!(asc.len(), all.len());
    let prices: Vec<i64> = asc
        .iter()
        .map(|p| p["price_won"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    let desc = collect_pages(&app, "/api/v1/products?sort=price_desc&limit=50", None).await;
    assert_eq!(ids(&desc).into_iter().collect::<HashSet<_>>(), all);
    let prices: Vec<i64> = desc
        .iter()
        .map(|p| p["price_won"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]));

    // Filters, each against the expected set.
    let check = |query: String, want: HashSet<i64>| {
        let app = &app;
        async move {
            let items =
                collect_pages(app, &format!("/api/v1/products?limit=100&{query}"), None).await;
            let got = ids(&items);
            assert_eq!(got.len(), want.len(), "{query}");
            assert_eq!(got.into_iter().collect::<HashSet<_>>(), want, "{query}");
        }
    };
    let set = |f: &dyn Fn(&Listed) -> bool| {
        expected
            .iter()
            .filter(|e| f(e))
            .map(|e| e.0)
            .collect::<HashSet<_>>()
    };
    check(
        format!("category_id={beverages}"),
        set(&|e| e.2 == coffee || e.2 == tea),
    )
    .await;
    check(format!("category_id={food}"), all.clone()).await;
    check(format!("category_id={honey}"), set(&|e| e.2 == honey)).await;
    check("kind=village_enterprise".into(), set(&|e| e.1 == 1)).await;
    check("district=27260".into(), set(&|e| e.1 == 2)).await;
    check(
        format!("enterprise_id={}", sellers[0].id),
        set(&|e| e.1 == 0),
    )
    .await;
    check(
        "min_price_won=10000&max_price_won=20000".into(),
        set(&|e| (10000..=20000).contains(&e.3)),
    )
    .await;
    check("in_stock=true".into(), set(&|e| e.4)).await;
    check(
        format!("in_stock=true&kind=cooperative&max_price_won=30000&category_id={beverages}"),
        set(&|e| e.4 && e.1 == 0 && e.3 <= 30000),
    )
    .await;
    // Relevance paging with a query matching all names.
    let q = collect_pages(
        &app,
        &format!("/api/v1/products?q={}&limit=9", enc("상품")),
        None,
    )
    .await;
    assert_eq!(ids(&q).into_iter().collect::<HashSet<_>>(), all);

    // Bad parameters.
    app.get("/api/v1/products?sort=cheapest", None)
        .await
        .expect_problem(422, "validation_failed");
    app.get("/api/v1/products?cursor=garbage!", None)
        .await
        .expect_problem(422, "validation_failed");
    app.get("/api/v1/products?min_price_won=5&max_price_won=1", None)
        .await
        .expect_problem(422, "validation_failed");
    let first = app.get("/api/v1/products?limit=2", None).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    app.get(
        &format!("/api/v1/products?sort=price_asc&cursor={cursor}"),
        None,
    )
    .await
    .expect_problem(422, "validation_failed");
}

/// The plan of the statement `catalog::list` runs for these query parameters (built by the
/// catalog itself, binds and all), one line per node.
async fn plan_of(app: &TestApp, params: CatalogParams) -> String {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        muhan_catalog::catalog::explain_list(&mut conn, None, &params, 20)
            .unwrap()
            .join("\n")
    })
    .await
    .unwrap()
}

/// On PostgreSQL the catalog's text search goes through the GIN index over the n-gram
/// column: EXPLAIN of exactly what search runs (first page and a page after a cursor), on a
/// catalog big enough, and analysed, for the planner to choose freely. SQLite has no such
/// index (it scans, with the same results: the other catalog tests).
#[tokio::test]
async fn postgres_text_search_uses_the_gin_index() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let seller = app
        .enterprise("카페협동조합", 1, "cooperative", "27110", true)
        .await;
    for name in ["유기농 커피 선물세트", "커피 원두", "녹차 티백"] {
        app.product(&seller, product_body(coffee, name, 10000, json!({})), true)
            .await;
    }
    let first = app
        .get(&format!("/api/v1/products?q={}&limit=1", enc("커피")), None)
        .await
        .expect(200);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let search = |cursor: Option<&str>| CatalogParams {
        q: Some("커피".into()),
        cursor: cursor.map(str::to_owned),
        ..CatalogParams::default()
    };
    if app.backend() != muhan_db::Backend::Postgres {
        // The same statements are valid and planned on SQLite ...
        for params in [search(None), search(Some(&cursor))] {
            let plan = plan_of(&app, params).await;
            assert!(plan.contains("products"), "{plan}");
        }
        // ... but there is no index to check.
        return skip(
            "the index check is PostgreSQL's: SQLite has no n-gram index, its search scans \
             (set MUHAN_TEST_PG_URL to run it)",
        );
    }
    // Twenty thousand approved products that do not match.
    let (pool, enterprise_id) = (app.pool.clone(), seller.id);
    tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        let mut conn = pool.get().unwrap();
        diesel::sql_query(format!(
            "INSERT INTO products (enterprise_id, category_id, name, description, unit, \
             price_won, min_order_qty, stock, lead_time_days, status, version, created_at, \
             updated_at, search_name, search_chosung, search_text, search_grams) \
             SELECT {enterprise_id}, {coffee}, '녹차 ' || g, '', 'EA', 1000, 1, 10, 1, \
             'approved', 1, now(), now(), '녹차 ' || g, 'ㄴㅊ' || g, '녹차 ' || g, \
             '녹 녹차 차 ' || g FROM generate_series(1, 20000) AS g"
        ))
        .execute(&mut **conn)
        .unwrap();
        diesel::sql_query("ANALYZE products")
            .execute(&mut **conn)
            .unwrap();
    })
    .await
    .unwrap();
    for params in [search(None), search(Some(&cursor))] {
        let plan = plan_of(&app, params).await;
        assert!(plan.contains("products_search_idx"), "{plan}");
    }
}

/// Relevance as the catalog defines it: 4 exact name, 3 name prefix, 2 name contains, 1 a
/// match elsewhere (all the names and queries here are already in normal form).
fn relevance(name: &str, q: &str) -> i64 {
    if name == q {
        4
    } else if name.starts_with(q) {
        3
    } else if name.contains(q) {
        2
    } else {
        1
    }
}

/// Queries holding LIKE's special characters (`%`, `_`, `\`), at the end above all, rank and
/// page like any other: following the cursors visits every match exactly once, in rank order.
#[tokio::test]
async fn relevance_paging_is_exact_for_queries_with_like_wildcards() {
    let app = spawn_app().await;
    let honey = app.category("50192403").await;
    let seller = app
        .enterprise("꿀벌협동조합", 1, "cooperative", "27110", true)
        .await;
    let queries = ["100%", "꿀_", "c:\\", "%", "a%b"];
    // (id, name, description)
    let mut listed: Vec<(i64, String, String)> = Vec::new();
    for (k, q) in queries.iter().enumerate() {
        let mut names: Vec<(String, String)> = vec![(q.to_string(), String::new())];
        for i in 0..4 {
            names.push((format!("{q} 국산 꿀 {k}{i}"), String::new()));
            names.push((format!("국산 {q} 꿀 {k}{i}"), String::new()));
        }
        for i in 0..2 {
            names.push((format!("선물 세트 {k}{i}"), format!("설명: {q} 천연")));
        }
        names.push((format!("다른 상품 {k}"), String::new()));
        for (name, description) in names {
            let body = product_body(honey, &name, 10000, json!({"description": description}));
            let id = app.product(&seller, body, true).await;
            listed.push((id, name, description));
        }
    }
    for q in queries {
        let mut want: Vec<(i64, i64)> = listed
            .iter()
            .filter(|(_, name, description)| name.contains(q) || description.contains(q))
            .map(|(id, name, _)| (relevance(name, q), *id))
            .collect();
        // Rank descending, then id ascending.
        want.sort_by_key(|&(rank, id)| (-rank, id));
        for limit in [1, 2, 3, 7] {
            let items = collect_pages(
                &app,
                &format!("/api/v1/products?q={}&limit={limit}", enc(q)),
                None,
            )
            .await;
            let got = ids(&items);
            let unique: HashSet<i64> = got.iter().copied().collect();
            assert_eq!(
                unique.len(),
                got.len(),
                "q={q} limit={limit}: repeated rows {got:?}"
            );
            assert_eq!(
                got,
                want.iter().map(|w| w.1).collect::<Vec<_>>(),
                "q={q} limit={limit}: every match once, in rank order"
            );
        }
    }
}

/// A stale `If-Match` is 412 `version_conflict`; one that names no version at all is a
/// malformed request: 400 `bad_request`, and nothing changes.
#[tokio::test]
async fn malformed_if_match_is_a_bad_request() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let owner = app
        .enterprise("차와커피", 1, "social_enterprise", "27260", true)
        .await;
    let id = app
        .product(
            &owner,
            product_body(coffee, "원두 커피", 12000, json!({})),
            true,
        )
        .await;
    let path = format!("/api/v1/products/{id}");
    let patch = |if_match: Vec<&'static str>, body: Value| {
        let mut req = app
            .client
            .patch(app.url(&path))
            .bearer_auth(&owner.token)
            .json(&body);
        for value in if_match {
            req = req.header("if-match", value);
        }
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let content_type = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = r.json().await.unwrap();
            (status, content_type, body)
        }
    };
    for bad in [
        vec!["garbage"],
        vec!["\"abc\""],
        vec!["\"-1\""],
        vec!["-1"],
        vec!["\"0\""],
        vec!["\"\""],
        vec![""],
        vec!["\"2"],
        vec!["W/\"x\""],
        vec!["\"2\", \"3\""],
        vec!["\"99999999999999999999\""],
        vec!["\"2\"", "\"2\""],
        vec!["*", "\"2\""],
    ] {
        let (status, content_type, body) = patch(bad.clone(), json!({"price_won": 1})).await;
        assert_eq!(status, 400, "If-Match {bad:?}: {body}");
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        assert_eq!(body["code"], "bad_request", "If-Match {bad:?}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("If-Match"),
            "If-Match {bad:?}: {body}"
        );
    }
    let current = app.get(&path, None).await.expect(200);
    assert_eq!(current["price_won"], 12000);
    assert_eq!(current["version"], 2);
    // Well-formed ones still work: a stale version is 412, the current one (quoted, weak or
    // bare) or `*` applies.
    let (status, _, body) = patch(vec!["\"1\""], json!({"lead_time_days": 4})).await;
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["code"], "version_conflict");
    let (status, _, body) = patch(vec!["\"2\""], json!({"lead_time_days": 4})).await;
    assert_eq!((status, body["version"].clone()), (200, json!(3)), "{body}");
    let (status, _, body) = patch(vec!["W/\"3\""], json!({"lead_time_days": 5})).await;
    assert_eq!((status, body["version"].clone()), (200, json!(4)), "{body}");
    let (status, _, body) = patch(vec![" 4 "], json!({"lead_time_days": 6})).await;
    assert_eq!((status, body["version"].clone()), (200, json!(5)), "{body}");
    let (status, _, body) = patch(vec!["*"], json!({"lead_time_days": 7})).await;
    assert_eq!((status, body["version"].clone()), (200, json!(6)), "{body}");
}
