//! Writes that create a row on first use, sent many times at once: each answers as the
//! contract says (never 500), and what is stored is one of the requests.
use muhan_tests::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn concurrent_first_puts_of_a_purchase_plan_all_succeed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .post(
            "/api/v1/agencies",
            Some(&admin),
            &json!({"name": "대구광역시 중구청", "kind": "local_government", "district": "27110"}),
        )
        .await
        .expect(201);
    let id = agency["id"].as_i64().unwrap();
    // A few years, each a first PUT: the race is lost at a different moment each time.
    let years = [2027i64, 2028, 2029, 2030];
    for year in years {
        let path = format!("/api/v1/agencies/{id}/purchase-plans/{year}");
        let bodies: Vec<Value> = (0..16i64)
            .map(
                |i| json!({"total_purchase_won": 1_000_000 * (i + 1), "social_target_bp": 100 + i}),
            )
            .collect();
        let replies = futures_util::future::join_all(
            bodies
                .iter()
                .map(|b| app.request(reqwest::Method::PUT, &path, Some(&admin), Some(b))),
        )
        .await;
        for (body, reply) in bodies.iter().zip(&replies) {
            let saved = reply.expect(200);
            assert_eq!(
                sent(&saved),
                sent(body),
                "each PUT answers with what it stored"
            );
            assert_eq!(
                (saved["agency_id"].as_i64(), saved["year"].as_i64()),
                (Some(id), Some(year))
            );
        }
        let plans = app
            .get(
                &format!("/api/v1/agencies/{id}/purchase-plans"),
                Some(&admin),
            )
            .await
            .expect(200);
        let stored: Vec<&Value> = plans["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["year"] == year)
            .collect();
        assert_eq!(stored.len(), 1, "{plans}");
        assert!(
            bodies.iter().any(|b| sent(b) == sent(stored[0])),
            "the stored plan is one of the requests: {plans}"
        );
    }
}

/// The plan values of a request or an answer.
fn sent(v: &Value) -> (Value, Value) {
    (
        v["total_purchase_won"].clone(),
        v["social_target_bp"].clone(),
    )
}

#[tokio::test]
async fn concurrent_creations_of_one_category_make_it_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let parent = app.category("50201700").await;
    // A few rounds: the race is lost at a different moment each time.
    for code in ["50201795", "50201796", "50201797", "50201798"] {
        let bodies: Vec<Value> = (0..16)
            .map(|i| json!({"code": code, "name": format!("커피 세트 {i}"), "name_en": format!("Coffee set {i}"), "parent_id": parent}))
            .collect();
        let replies = futures_util::future::join_all(
            bodies
                .iter()
                .map(|b| app.post("/api/v1/categories", Some(&admin), b)),
        )
        .await;
        let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{code}: one creation wins, the others are 409: {statuses:?}"
        );
        let mut winner = None;
        for (body, reply) in bodies.iter().zip(&replies) {
            if reply.status == 201 {
                let created = reply.expect(201);
                assert_eq!(created["name"], body["name"]);
                winner = Some(created);
            } else {
                reply.expect_problem(409, "conflict");
            }
        }
        let winner = winner.unwrap();
        let tree = app.get("/api/v1/categories", None).await.expect(200);
        let mut found = Vec::new();
        find(&tree, code, &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0]["id"], winner["id"]);
        assert_eq!(found[0]["name"], winner["name"]);
        assert_eq!(found[0]["parent_id"], parent);
    }
}

/// Every node of the category tree with `code`.
fn find<'a>(nodes: &'a Value, code: &str, out: &mut Vec<&'a Value>) {
    for n in nodes.as_array().unwrap() {
        if n["code"] == code {
            out.push(n);
        }
        find(&n["children"], code, out);
    }
}
