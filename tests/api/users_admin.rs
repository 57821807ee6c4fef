//! Admin user management: list with filters and paging, approve, suspend, role checks.
use muhan_core::{Role, UserStatus};
use muhan_tests::{spawn_app, token_of};
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn list_filters_by_status_and_pages_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let mut pending = HashSet::new();
    for i in 0..7 {
        pending.insert(
            app.create_user(
                &format!("p{i}@agency.test"),
                "pending-pass-1",
                Role::Buyer,
                UserStatus::Pending,
            )
            .await,
        );
    }
    app.create_user(
        "active@agency.test",
        "active-pass-12",
        Role::Buyer,
        UserStatus::Active,
    )
    .await;
    let admin = app.admin_token().await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/users?status=pending&limit=3&cursor={c}"),
            None => "/api/v1/admin/users?status=pending&limit=3".to_owned(),
        };
        let page = app.get(&path, Some(&admin)).await.expect(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        for item in items {
            assert_eq!(item["status"], "pending");
            seen.push(item["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().copied().collect::<HashSet<_>>(), pending);

    let all = app
        .get("/api/v1/admin/users?limit=100", Some(&admin))
        .await
        .expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 9); // + admin + active buyer
    assert!(all["next_cursor"].is_null());
}

#[tokio::test]
async fn approve_activates_a_pending_user() {
    let app = spawn_app().await;
    let id = app
        .create_user(
            "new@agency.test",
            "pending-pass-1",
            Role::Buyer,
            UserStatus::Pending,
        )
        .await;
    let admin = app.admin_token().await;
    let user = app
        .post(
            &format!("/api/v1/admin/users/{id}/approve"),
            Some(&admin),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(user["status"], "active");
    let token = token_of(&app.session("new@agency.test", "pending-pass-1").await);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.expect(200)["status"],
        "active"
    );
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_app().await;
    let victim = app
        .create_user(
            "v@agency.test",
            "victim-pass-1",
            Role::Buyer,
            UserStatus::Pending,
        )
        .await;
    app.create_user(
        "b@agency.test",
        "buyer-pass-12",
        Role::Buyer,
        UserStatus::Active,
    )
    .await;
    let buyer = token_of(&app.session("b@agency.test", "buyer-pass-12").await);
    app.get("/api/v1/admin/users", Some(&buyer))
        .await
        .expect_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/admin/users/{victim}/approve"),
        Some(&buyer),
        &json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/admin/users/{victim}/suspend"),
        Some(&buyer),
        &json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.get("/api/v1/admin/users", None)
        .await
        .expect_problem(401, "unauthorized");
    // Nothing changed.
    let admin = app.admin_token().await;
    let list = app
        .get("/api/v1/admin/users?status=pending", Some(&admin))
        .await
        .expect(200);
    assert_eq!(list["items"][0]["id"], victim);
}

#[tokio::test]
async fn an_admin_cannot_suspend_themselves() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", Some(&admin)).await.expect(200);
    app.post(
        &format!("/api/v1/admin/users/{}/suspend", me["id"]),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect_problem(409, "conflict");
    app.get("/api/v1/me", Some(&admin)).await.expect(200);
}
