//! Two server instances on one database share every piece of state that matters.
use muhan_tests::{refresh_of, spawn_app, token_of, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

#[tokio::test]
async fn a_token_rotated_on_one_instance_is_refused_on_the_other() {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    assert_ne!(a.address, b.address);

    let session = a.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // An access token from A works on B (same secret, same users).
    b.get("/api/v1/me", Some(&token_of(&session)))
        .await
        .expect(200);

    let r1 = refresh_of(&session);
    let rotated = b
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .expect(200);
    a.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .expect_problem(401, "unauthorized");
    // The reuse on A revoked the token B issued.
    b.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh_of(&rotated)}),
    )
    .await
    .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn login_throttling_holds_across_instances() {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        app.login(ADMIN_EMAIL, "wrong-password-123")
            .await
            .expect(401);
    }
    a.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
    b.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn simultaneous_failures_on_two_instances_share_one_limit() {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    let attempts = (0..30).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.login(ADMIN_EMAIL, "wrong-password-123")
    });
    let replies = futures_util::future::join_all(attempts).await;
    let checked = replies.iter().filter(|r| r.status == 401).count();
    let throttled = replies.iter().filter(|r| r.status == 429).count();
    assert_eq!((checked, throttled), (5, 25));
}
