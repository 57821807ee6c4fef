//! Editing enterprises: who may, what they may change, and the catalog staying in step.
use muhan_tests::{collect_pages, product_body, spawn_app};
use serde_json::json;

#[tokio::test]
async fn only_own_users_and_admins_edit_an_enterprise() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let owner = app
        .enterprise("푸른숲공방", 1, "cooperative", "27110", true)
        .await;
    let other = app
        .enterprise("다른공방", 2, "cooperative", "27140", false)
        .await;
    let path = format!("/api/v1/enterprises/{}", owner.id);

    // Another enterprise: 403 on a verified (visible) one, 404 on a pending (hidden) one.
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&other.token),
        Some(&json!({"phone": "053-999-9999"})),
    )
    .await
    .expect_problem(403, "forbidden");
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/enterprises/{}", other.id),
        Some(&owner.token),
        Some(&json!({"phone": "053-999-9999"})),
    )
    .await
    .expect_problem(404, "not_found");
    app.request(
        reqwest::Method::PATCH,
        &path,
        None,
        Some(&json!({"phone": "053-999-9999"})),
    )
    .await
    .expect_problem(401, "unauthorized");

    // The owner edits contact data but not the certification kind.
    let edited = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&owner.token),
            Some(&json!({"phone": "053-777-7777", "employees": 9, "vulnerable_employees": 4})),
        )
        .await
        .expect(200);
    assert_eq!(edited["phone"], "053-777-7777");
    assert_eq!(edited["vulnerable_employees"], 4);
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&owner.token),
        Some(&json!({"kind": "social_enterprise"})),
    )
    .await
    .expect_problem(403, "forbidden");
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&owner.token),
        Some(&json!({"vulnerable_employees": 10})),
    )
    .await
    .expect_problem(422, "validation_failed");
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&owner.token),
        Some(&json!({"district": "99999"})),
    )
    .await
    .expect_problem(422, "validation_failed");
    let unchanged = app.get(&path, None).await.expect(200);
    assert_eq!(unchanged["kind"], "cooperative");
    assert_eq!(unchanged["vulnerable_employees"], 4);
    assert_eq!(unchanged["district"], "27110");

    // Admins may change the kind.
    let changed = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&admin),
            Some(&json!({"kind": "social_enterprise"})),
        )
        .await
        .expect(200);
    assert_eq!(changed["kind"], "social_enterprise");
    // Verification is the admin's.
    app.post(
        &format!("/api/v1/enterprises/{}/verify", other.id),
        Some(&owner.token),
        &json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn renaming_an_enterprise_keeps_its_products_findable_by_the_new_name() {
    let app = spawn_app().await;
    let coffee = app.category("50201706").await;
    let owner = app
        .enterprise("옛이름상회", 1, "cooperative", "27110", true)
        .await;
    app.product(
        &owner,
        product_body(coffee, "드립백", 5000, json!({})),
        true,
    )
    .await;
    let q = |s: &str| {
        format!(
            "/api/v1/products?q={}",
            s.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
        )
    };
    assert_eq!(
        app.get(&q("옛이름"), None).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A verified enterprise is renamed by the co-op.
    let admin = app.admin_token().await;
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/enterprises/{}", owner.id),
        Some(&admin),
        Some(&json!({"name": "새이름협동조합"})),
    )
    .await
    .expect(200);
    let found = app.get(&q("새이름"), None).await.expect(200);
    assert_eq!(found["items"][0]["enterprise_name"], "새이름협동조합");
    assert!(app.get(&q("옛이름"), None).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());
}

/// The directory pages by relevance with the catalog's rank: a query ending in an escaped
/// wildcard still visits every match exactly once, exact name, then prefixes, then the rest.
#[tokio::test]
async fn directory_relevance_paging_is_exact_for_a_query_ending_in_percent() {
    let app = spawn_app().await;
    let mut want = Vec::new();
    for (seed, name) in [
        "나눔 100% 협동조합",
        "100% 나눔",
        "100%",
        "우리 100%",
        "100% 마을",
        "다른 이름",
    ]
    .iter()
    .enumerate()
    {
        let made = app
            .enterprise(name, 50 + seed as u32, "cooperative", "27110", true)
            .await;
        let rank = match *name {
            "100%" => 4,
            n if n.starts_with("100%") => 3,
            n if n.contains("100%") => 2,
            _ => continue,
        };
        want.push((rank, made.id));
    }
    want.sort_by_key(|&(rank, id)| (-rank, id));
    let want: Vec<i64> = want.into_iter().map(|w| w.1).collect();
    for limit in [1, 2] {
        let items = collect_pages(
            &app,
            &format!("/api/v1/enterprises?q=100%25&limit={limit}"),
            None,
        )
        .await;
        let got: Vec<i64> = items.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(got, want, "limit={limit}");
    }
}
