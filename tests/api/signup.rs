//! Enterprise and buyer signup, business registration numbers, agencies and purchase plans.
use muhan_tests::{biz_no, spawn_app, token_of, TestApp};
use serde_json::{json, Value};

fn enterprise_body(email: &str, biz: &str) -> Value {
    json!({
        "email": email,
        "password": "enterprise-pass-1",
        "display_name": "대표",
        "enterprise": {
            "name": "행복나눔 사회적협동조합",
            "biz_reg_no": biz,
            "kind": "social_cooperative",
            "district": "27260",
            "representative": "김행복",
            "phone": "053-111-2222",
            "address": "대구광역시 수성구",
            "employees": 12,
            "vulnerable_employees": 7,
        }
    })
}

async fn user_count(app: &TestApp) -> usize {
    let admin = app.admin_token().await;
    app.get("/api/v1/admin/users?limit=100", Some(&admin))
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn biz_reg_no_in_both_forms_is_normalised_and_check_digit_enforced() {
    let app = spawn_app().await;
    // Real published numbers, one per input form.
    let a = app
        .post(
            "/api/v1/auth/signup/enterprise",
            None,
            &enterprise_body("a@coop.test", "1248100998"),
        )
        .await
        .expect(201);
    assert_eq!(a["enterprise"]["biz_reg_no"], "124-81-00998");
    assert_eq!(a["enterprise"]["status"], "pending");
    assert_eq!(a["enterprise"]["vulnerable_employees"], 7);
    assert_eq!(a["user"]["role"], "enterprise");
    assert_eq!(a["user"]["enterprise_id"], a["enterprise"]["id"]);
    let b = app
        .post(
            "/api/v1/auth/signup/enterprise",
            None,
            &enterprise_body("b@coop.test", "220-81-62517"),
        )
        .await
        .expect(201);
    assert_eq!(b["enterprise"]["biz_reg_no"], "220-81-62517");

    // Every single changed digit is refused, and nothing is stored.
    let before = user_count(&app).await;
    let valid = biz_no(4242);
    for pos in 0..10 {
        let mut digits: Vec<u8> = valid.bytes().collect();
        digits[pos] = b'0' + (digits[pos] - b'0' + 1) % 10;
        let changed = String::from_utf8(digits).unwrap();
        let reply = app
            .post(
                "/api/v1/auth/signup/enterprise",
                None,
                &enterprise_body(&format!("x{pos}@coop.test"), &changed),
            )
            .await;
        let problem = reply.expect_problem(422, "invalid_biz_reg_no");
        assert_eq!(problem["errors"][0]["field"], "enterprise.biz_reg_no");
    }
    assert_eq!(user_count(&app).await, before);

    // A duplicate (in the other form) is a conflict and creates no user.
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("dup@coop.test", "124-81-00998"),
    )
    .await
    .expect_problem(409, "biz_reg_no_taken");
    assert_eq!(user_count(&app).await, before);
    app.login("dup@coop.test", "enterprise-pass-1")
        .await
        .expect_problem(401, "invalid_credentials");
}

#[tokio::test]
async fn invalid_signups_name_every_bad_field_and_store_nothing() {
    let app = spawn_app().await;
    let before = user_count(&app).await;
    let body = json!({
        "email": "not-an-email",
        "password": "short",
        "display_name": "",
        "enterprise": {
            "name": "",
            "biz_reg_no": "1248100998",
            "kind": "corporation",
            "district": "11110",
            "representative": "김",
            "phone": "call me",
            "address": "대구",
            "employees": 3,
            "vulnerable_employees": 5,
        }
    });
    let problem = app
        .post("/api/v1/auth/signup/enterprise", None, &body)
        .await
        .expect_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "email",
        "password",
        "display_name",
        "enterprise.name",
        "enterprise.kind",
        "enterprise.phone",
        "enterprise.vulnerable_employees",
    ] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
    // A well-formed but unknown district is refused by the reference table.
    let mut body = enterprise_body("d@coop.test", "1248100998");
    body["enterprise"]["district"] = json!("11110");
    let problem = app
        .post("/api/v1/auth/signup/enterprise", None, &body)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "enterprise.district");
    assert_eq!(user_count(&app).await, before);
    // The number was not taken by the failed attempts.
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("ok@coop.test", "1248100998"),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn duplicate_email_is_409_and_leaves_no_enterprise() {
    let app = spawn_app().await;
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("same@coop.test", &biz_no(1)),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("SAME@coop.test", &biz_no(2)),
    )
    .await
    .expect_problem(409, "email_taken");
    let admin = app.admin_token().await;
    let all = app
        .get("/api/v1/enterprises?limit=100", Some(&admin))
        .await
        .expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    // The second number is still free.
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("other@coop.test", &biz_no(2)),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn buyers_sign_up_pending_get_approved_and_manage_their_agencys_plans() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let city = app
        .post(
            "/api/v1/agencies",
            Some(&admin),
            &json!({"name": "대구광역시청", "kind": "local_government", "district": "27110"}),
        )
        .await
        .expect(201);
    let city_id = city["id"].as_i64().unwrap();
    let office = app
        .post("/api/v1/agencies", Some(&admin), &json!({"name": "중구 보건소", "kind": "local_government", "district": "27110", "parent_id": city_id}))
        .await
        .expect(201);
    assert_eq!(office["parent_id"], city_id);
    let other = app
        .post(
            "/api/v1/agencies",
            Some(&admin),
            &json!({"name": "대구교육청", "kind": "education_office"}),
        )
        .await
        .expect(201);
    app.post(
        "/api/v1/agencies",
        Some(&admin),
        &json!({"name": "x", "kind": "ministry"}),
    )
    .await
    .expect_problem(422, "validation_failed");

    let signup = app
        .post("/api/v1/auth/signup/buyer", None, &json!({"email": "buyer@daegu.test", "password": "buyer-password-1", "display_name": "구매담당", "agency_id": city_id}))
        .await
        .expect(201);
    assert_eq!(signup["user"]["status"], "pending");
    assert_eq!(signup["user"]["agency_id"], city_id);
    app.post("/api/v1/auth/signup/buyer", None, &json!({"email": "b2@daegu.test", "password": "buyer-password-1", "display_name": "x", "agency_id": 99999}))
        .await
        .expect_problem(422, "validation_failed");

    let buyer = token_of(&app.session("buyer@daegu.test", "buyer-password-1").await);
    let plan = json!({"total_purchase_won": 1_200_000_000i64, "social_target_bp": 500});
    // Pending buyers cannot act yet.
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/agencies/{city_id}/purchase-plans/2026"),
        Some(&buyer),
        Some(&plan),
    )
    .await
    .expect_problem(403, "account_not_active");
    let user_id = signup["user"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/users/{user_id}/approve"),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect(200);

    let saved = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/agencies/{city_id}/purchase-plans/2026"),
            Some(&buyer),
            Some(&plan),
        )
        .await
        .expect(200);
    assert_eq!(saved["social_target_bp"], 500);
    // PUT again replaces.
    let replaced = json!({"total_purchase_won": 1_500_000_000i64, "social_target_bp": 700});
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/agencies/{city_id}/purchase-plans/2026"),
        Some(&buyer),
        Some(&replaced),
    )
    .await
    .expect(200);
    let plans = app
        .get(
            &format!("/api/v1/agencies/{city_id}/purchase-plans"),
            Some(&buyer),
        )
        .await
        .expect(200);
    assert_eq!(plans["items"].as_array().unwrap().len(), 1);
    assert_eq!(plans["items"][0]["total_purchase_won"], 1_500_000_000i64);

    // Another agency's plans are not theirs; bad values are refused.
    let other_id = other["id"].as_i64().unwrap();
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/agencies/{other_id}/purchase-plans/2026"),
        Some(&buyer),
        Some(&plan),
    )
    .await
    .expect_problem(403, "forbidden");
    for bad in [
        json!({"total_purchase_won": -1, "social_target_bp": 10}),
        json!({"total_purchase_won": 1, "social_target_bp": 10001}),
    ] {
        app.request(
            reqwest::Method::PUT,
            &format!("/api/v1/agencies/{city_id}/purchase-plans/2026"),
            Some(&buyer),
            Some(&bad),
        )
        .await
        .expect_problem(422, "validation_failed");
    }
    // The agency directory is public; a buyer cannot create an agency.
    app.get("/api/v1/agencies", None).await.expect(200);
    app.post(
        "/api/v1/agencies",
        Some(&buyer),
        &json!({"name": "x", "kind": "other_public"}),
    )
    .await
    .expect_problem(403, "forbidden");
    let listed = app.get("/api/v1/agencies", Some(&buyer)).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn districts_and_categories_are_public_reference_data() {
    let app = spawn_app().await;
    let districts = app.get("/api/v1/districts", None).await.expect(200);
    let codes: Vec<&str> = districts
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["27110", "27140", "27170", "27200", "27230", "27260", "27290", "27710", "27720"]
    );
    assert_eq!(districts[5]["name"], "수성구");

    let tree = app.get("/api/v1/categories", None).await.expect(200);
    let roots = tree.as_array().unwrap();
    assert!(roots.len() >= 8, "{} segments", roots.len());
    fn count(nodes: &Value) -> usize {
        nodes
            .as_array()
            .unwrap()
            .iter()
            .map(|n| 1 + count(&n["children"]))
            .sum()
    }
    assert!(count(&tree) >= 60);
    for root in roots {
        assert!(root["parent_id"].is_null());
        assert!(root["code"].as_str().unwrap().ends_with("000000"));
        for child in root["children"].as_array().unwrap() {
            assert_eq!(child["parent_id"], root["id"]);
            assert_eq!(
                &child["code"].as_str().unwrap()[..2],
                &root["code"].as_str().unwrap()[..2]
            );
        }
    }
    let coffee = app.category("50201706").await;
    assert!(coffee > 0);

    // Admins add categories under the right parent only.
    let admin = app.admin_token().await;
    let parent = app.category("50201700").await;
    let created = app
        .post("/api/v1/categories", Some(&admin), &json!({"code": "50201799", "name": "커피 선물세트", "name_en": "Coffee gift sets", "parent_id": parent}))
        .await
        .expect(201);
    assert_eq!(created["parent_id"], parent);
    app.post(
        "/api/v1/categories",
        Some(&admin),
        &json!({"code": "44121799", "name": "x", "name_en": "x", "parent_id": parent}),
    )
    .await
    .expect_problem(422, "validation_failed");
    app.post(
        "/api/v1/categories",
        Some(&admin),
        &json!({"code": "50201799", "name": "x", "name_en": "x", "parent_id": parent}),
    )
    .await
    .expect_problem(409, "conflict");
}

/// Every refusal that needs no password hash comes before it: signups that the database
/// refuses (unknown agency or district, number or address taken) cost no argon2 work, however
/// many arrive at once.
#[tokio::test]
async fn signups_refused_by_the_database_never_hash_a_password() {
    let app = spawn_app().await;
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("taken@coop.test", &biz_no(7)),
    )
    .await
    .expect(201);
    let admin = app.admin_token().await;
    let agency = app
        .post(
            "/api/v1/agencies",
            Some(&admin),
            &json!({"name": "대구광역시청", "kind": "local_government", "district": "27110"}),
        )
        .await
        .expect(201);
    let before = app.passwords.started();

    let bodies: Vec<Value> = (0..60)
        .map(|i| json!({"email": format!("b{i}@daegu.test"), "password": "buyer-password-1", "display_name": "구매담당", "agency_id": 99999}))
        .collect();
    let buyers = bodies
        .iter()
        .map(|body| app.post("/api/v1/auth/signup/buyer", None, body));
    for reply in futures_util::future::join_all(buyers).await {
        let problem = reply.expect_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "agency_id");
    }
    app.post(
        "/api/v1/auth/signup/buyer",
        None,
        &json!({"email": "Taken@coop.test", "password": "buyer-password-1", "display_name": "구매담당", "agency_id": agency["id"]}),
    )
    .await
    .expect_problem(409, "email_taken");
    let mut unknown_district = enterprise_body("d@coop.test", &biz_no(8));
    unknown_district["enterprise"]["district"] = json!("11110");
    app.post("/api/v1/auth/signup/enterprise", None, &unknown_district)
        .await
        .expect_problem(422, "validation_failed");
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("n@coop.test", &biz_no(7)),
    )
    .await
    .expect_problem(409, "biz_reg_no_taken");
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("TAKEN@coop.test", &biz_no(9)),
    )
    .await
    .expect_problem(409, "email_taken");
    assert_eq!(app.passwords.started(), before, "a refused signup hashed");

    // An acceptable signup hashes once.
    app.post(
        "/api/v1/auth/signup/enterprise",
        None,
        &enterprise_body("ok@coop.test", &biz_no(9)),
    )
    .await
    .expect(201);
    assert_eq!(app.passwords.started(), before + 1);
}
