//! Login, `/me`, identical answers for unknown e-mail and wrong password, throttling.
use muhan_core::{Role, UserStatus};
use muhan_tests::{spawn_app, spawn_app_with, token_of, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

#[tokio::test]
async fn configured_admin_logs_in_and_me_shows_role_admin() {
    let app = spawn_app().await;
    let session = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 900);
    assert!(session["refresh_token"].as_str().unwrap().len() >= 32);
    assert!(session["user"].get("password_hash").is_none());
    let me = app
        .get("/api/v1/me", Some(&token_of(&session)))
        .await
        .expect(200);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["status"], "active");
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert!(me["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn login_email_is_case_insensitive() {
    let app = spawn_app().await;
    app.session(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD)
        .await;
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_401() {
    let app = spawn_app().await;
    let unknown = app.login("nobody@muhan.test", ADMIN_PASSWORD).await;
    let wrong = app.login(ADMIN_EMAIL, "wrong-password-123").await;
    let a = unknown.expect_problem(401, "invalid_credentials");
    let b = wrong.expect_problem(401, "invalid_credentials");
    assert_eq!(a, b);
    // Not even a malformed address is told apart.
    let c = app
        .login("not-an-address", "whatever")
        .await
        .expect_problem(401, "invalid_credentials");
    assert_eq!(a, c);
}

#[tokio::test]
async fn repeated_failures_are_throttled_even_for_the_right_password() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.login(ADMIN_EMAIL, "wrong-password-123")
            .await
            .expect_problem(401, "invalid_credentials");
    }
    let reply = app.login(ADMIN_EMAIL, "wrong-password-123").await;
    reply.expect_problem(429, "too_many_attempts");
    let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
    // Other accounts are not locked by it.
    app.create_user(
        "other@muhan.test",
        "other-password-1",
        Role::Buyer,
        UserStatus::Active,
    )
    .await;
    app.session("other@muhan.test", "other-password-1").await;
}

#[tokio::test]
async fn failures_from_one_client_across_many_emails_are_throttled() {
    let app = spawn_app_with(|c| c.login_max_failures_per_client = 8).await;
    for i in 0..8 {
        app.login(&format!("guess{i}@muhan.test"), "wrong-password-123")
            .await
            .expect_problem(401, "invalid_credentials");
    }
    app.login("guess-next@muhan.test", "wrong-password-123")
        .await
        .expect_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn success_resets_the_email_failure_count() {
    let app = spawn_app().await;
    for _ in 0..4 {
        app.login(ADMIN_EMAIL, "wrong-password-123")
            .await
            .expect(401);
    }
    app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for _ in 0..4 {
        app.login(ADMIN_EMAIL, "wrong-password-123")
            .await
            .expect(401);
    }
    app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn pending_users_can_log_in_and_suspended_users_cannot() {
    let app = spawn_app().await;
    let id = app
        .create_user(
            "buyer@daegu.test",
            "buyer-password-1",
            Role::Buyer,
            UserStatus::Pending,
        )
        .await;
    let session = app.session("buyer@daegu.test", "buyer-password-1").await;
    let me = app
        .get("/api/v1/me", Some(&token_of(&session)))
        .await
        .expect(200);
    assert_eq!(me["status"], "pending");
    assert_eq!(me["role"], "buyer");

    let admin = app.admin_token().await;
    app.post(
        &format!("/api/v1/admin/users/{id}/suspend"),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect(200);
    app.login("buyer@daegu.test", "buyer-password-1")
        .await
        .expect_problem(403, "account_suspended");
}

/// Throttling reserves an attempt before the password is checked, in one step that counts and
/// records it: simultaneous wrong passwords cannot slip past the limit between the count and
/// the record.
#[tokio::test]
async fn simultaneous_wrong_passwords_get_no_more_than_the_limit_checked() {
    let app = spawn_app().await;
    let attempts = (0..30).map(|_| app.login(ADMIN_EMAIL, "wrong-password-123"));
    let replies = futures_util::future::join_all(attempts).await;
    let mut checked = 0;
    let mut throttled = 0;
    for reply in &replies {
        match reply.status.as_u16() {
            401 => {
                reply.expect_problem(401, "invalid_credentials");
                checked += 1;
            }
            429 => {
                reply.expect_problem(429, "too_many_attempts");
                let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
                assert!((1..=900).contains(&retry_after), "{retry_after}");
                throttled += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text),
        }
    }
    assert_eq!((checked, throttled), (5, 25));
    // The window still holds, for the right password too.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
}

/// Password work is bounded: with one check at a time and no wait allowed, simultaneous
/// logins beyond it are refused with 503 `service_unavailable` and `Retry-After` (never 500,
/// never an unbounded queue). A refused attempt was never checked, so it does not count
/// against the throttle.
#[tokio::test]
async fn password_checks_beyond_the_bound_are_refused_with_503() {
    let app = spawn_app_with(|c| {
        c.password_hash_concurrency = Some(1);
        c.password_hash_wait_ms = 0;
        c.login_max_failures_per_client = 30;
    })
    .await;
    let emails: Vec<String> = (0..30).map(|i| format!("nobody{i}@muhan.test")).collect();
    let attempts = emails
        .iter()
        .map(|email| app.login(email, "wrong-password-123"));
    let replies = futures_util::future::join_all(attempts).await;
    let mut checked = 0;
    let mut refused = 0;
    for reply in &replies {
        match reply.status.as_u16() {
            401 => {
                reply.expect_problem(401, "invalid_credentials");
                checked += 1;
            }
            503 => {
                reply.expect_problem(503, "service_unavailable");
                let retry_after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
                assert!(retry_after >= 1, "{retry_after}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text),
        }
    }
    assert!(
        checked >= 1 && refused >= 1,
        "{checked} checked, {refused} refused"
    );
    // Only the checked attempts count against this client's 30.
    app.login("nobody-else@muhan.test", "wrong-password-123")
        .await
        .expect_problem(401, "invalid_credentials");
}

/// Every attempt within the limit costs one password check, the same for an unknown e-mail
/// (a dummy hash is checked), a malformed one and a wrong password; a throttled one costs none.
#[tokio::test]
async fn every_attempt_costs_one_check_and_a_throttled_one_none() {
    let app = spawn_app().await;
    let before = app.passwords.started();
    for (i, email) in ["nobody@muhan.test", "not-an-address", ADMIN_EMAIL]
        .into_iter()
        .enumerate()
    {
        app.login(email, "wrong-password-123")
            .await
            .expect_problem(401, "invalid_credentials");
        assert_eq!(app.passwords.started(), before + i as u64 + 1, "{email}");
    }
    for _ in 0..4 {
        app.login(ADMIN_EMAIL, "wrong-password-123")
            .await
            .expect(401);
    }
    let checked = app.passwords.started();
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
    assert_eq!(app.passwords.started(), checked);
}
