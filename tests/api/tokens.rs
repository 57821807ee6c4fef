//! Access tokens that must be refused, and refresh-token rotation with reuse detection.
use base64::Engine;
use muhan_core::{Role, UserStatus};
use muhan_tests::{
    refresh_of, spawn_app, token_of, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET,
};
use serde_json::json;

fn forge(secret: &str, alg: jsonwebtoken::Algorithm, exp_offset: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": "1", "role": "admin", "iat": now, "exp": now + exp_offset});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(alg),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn refused(app: &TestApp, token: Option<&str>, code: &str) {
    app.get("/api/v1/me", token).await.expect_problem(401, code);
}

#[tokio::test]
async fn unusable_access_tokens_get_401_problems() {
    let app = spawn_app().await;
    let good = app.admin_token().await;
    app.get("/api/v1/me", Some(&good)).await.expect(200);

    refused(&app, None, "unauthorized").await;
    refused(&app, Some("not-a-jwt"), "unauthorized").await;

    // Tampered: change the payload, keep the signature.
    let parts: Vec<&str> = good.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: serde_json::Value =
        serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("2");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(payload.to_string()),
        parts[2]
    );
    refused(&app, Some(&tampered), "unauthorized").await;
    // Tampered signature.
    let mut sig = parts[2].to_owned();
    let last = if sig.ends_with('A') { 'B' } else { 'A' };
    sig.pop();
    sig.push(last);
    refused(
        &app,
        Some(&format!("{}.{}.{sig}", parts[0], parts[1])),
        "unauthorized",
    )
    .await;

    // Expired, signed with the right secret.
    let expired = forge(JWT_SECRET, jsonwebtoken::Algorithm::HS256, -3600);
    refused(&app, Some(&expired), "token_expired").await;

    // Wrong secret, and another HMAC algorithm with the right secret (alg is pinned).
    let wrong = forge(
        "another-secret-another-secret-another",
        jsonwebtoken::Algorithm::HS256,
        600,
    );
    refused(&app, Some(&wrong), "unauthorized").await;
    let hs512 = forge(JWT_SECRET, jsonwebtoken::Algorithm::HS512, 600);
    refused(&app, Some(&hs512), "unauthorized").await;

    // alg: none, no signature.
    let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let exp = chrono::Utc::now().timestamp() + 600;
    let body = b64.encode(format!(
        r#"{{"sub":"1","role":"admin","iat":0,"exp":{exp}}}"#
    ));
    refused(&app, Some(&format!("{header}.{body}.")), "unauthorized").await;

    // Not a bearer scheme.
    let reply = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", format!("Basic {good}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 401);
}

#[tokio::test]
async fn a_token_of_a_valid_signature_but_unknown_user_is_refused() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": "424242", "role": "admin", "iat": now, "exp": now + 600});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    refused(&app, Some(&token), "unauthorized").await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let first = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = refresh_of(&first);

    let second = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .expect(200);
    let r2 = refresh_of(&second);
    assert_ne!(r1, r2);
    app.get("/api/v1/me", Some(&token_of(&second)))
        .await
        .expect(200);

    // The used token is refused ...
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .expect_problem(401, "unauthorized");
    // ... and its reuse revoked the newer one too.
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
        .await
        .expect_problem(401, "unauthorized");

    // Another login (another family) is unaffected.
    let other = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh_of(&other)}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_yield_exactly_one_session() {
    let app = spawn_app().await;
    let r = refresh_of(&app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let body = json!({"refresh_token": r});
    let attempts = (0..6).map(|_| app.post("/api/v1/auth/refresh", None, &body));
    let replies = futures_util::future::join_all(attempts).await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 1, "{ok} sessions from one refresh token");
    for reply in replies.iter().filter(|r| r.status != 200) {
        reply.expect_problem(401, "unauthorized");
    }
}

#[tokio::test]
async fn logout_ends_the_login() {
    let app = spawn_app().await;
    let session = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r = refresh_of(&session);
    app.post("/api/v1/auth/logout", None, &json!({"refresh_token": r}))
        .await
        .expect(204);
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r}))
        .await
        .expect_problem(401, "unauthorized");
    // Logging out twice, or with garbage, is harmless.
    app.post(
        "/api/v1/auth/logout",
        None,
        &json!({"refresh_token": "garbage"}),
    )
    .await
    .expect(204);
}

#[tokio::test]
async fn suspension_stops_existing_tokens_at_once() {
    let app = spawn_app().await;
    let id = app
        .create_user(
            "seller@coop.test",
            "seller-password-1",
            Role::Enterprise,
            UserStatus::Active,
        )
        .await;
    let session = app.session("seller@coop.test", "seller-password-1").await;
    let token = token_of(&session);
    app.get("/api/v1/me", Some(&token)).await.expect(200);

    let admin = app.admin_token().await;
    let suspended = app
        .post(
            &format!("/api/v1/admin/users/{id}/suspend"),
            Some(&admin),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(suspended["status"], "suspended");

    refused(&app, Some(&token), "unauthorized").await;
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh_of(&session)}),
    )
    .await
    .expect_problem(401, "unauthorized");

    // Re-approval lets them back in with a fresh login.
    app.post(
        &format!("/api/v1/admin/users/{id}/approve"),
        Some(&admin),
        &json!({}),
    )
    .await
    .expect(200);
    app.session("seller@coop.test", "seller-password-1").await;
}
