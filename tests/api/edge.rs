//! The HTTP edge: every error is problem+json with a stable code; request ids.
use muhan_tests::{spawn_app, TestApp};
use serde_json::{json, Value};

#[tokio::test]
async fn malformed_json_is_a_problem() {
    let app = spawn_app().await;
    for body in [&b"{\"email\":"[..], b"not json", b"", b"{\"email\":\"a\",}"] {
        let reply = app
            .post_raw("/api/v1/auth/login", "application/json", body.to_vec())
            .await;
        let problem = reply.expect_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "body");
    }
}

#[tokio::test]
async fn unknown_and_mistyped_fields_are_named() {
    let app = spawn_app().await;
    let reply = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "a@b.kr", "password": "0123456789", "remember": true}),
        )
        .await;
    let problem = reply.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "remember");

    let reply = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": 7, "password": "x"}),
        )
        .await;
    assert_eq!(
        reply.expect_problem(422, "validation_failed")["errors"][0]["field"],
        "email"
    );

    let reply = app
        .post("/api/v1/auth/login", None, &json!({"email": "a@b.kr"}))
        .await;
    assert_eq!(
        reply.expect_problem(422, "validation_failed")["errors"][0]["field"],
        "password"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let big = format!(r#"{{"email":"{}","password":"x"}}"#, "a".repeat(300 * 1024));
    app.post_raw("/api/v1/auth/login", "application/json", big.into_bytes())
        .await
        .expect_problem(413, "payload_too_large");
}

#[tokio::test]
async fn wrong_media_type_is_415() {
    let app = spawn_app().await;
    app.post_raw("/api/v1/auth/login", "text/plain", b"{}".to_vec())
        .await
        .expect_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn unknown_routes_and_bad_path_ids_are_404_problems() {
    let app = spawn_app().await;
    app.get("/no/such/thing", None)
        .await
        .expect_problem(404, "not_found");
    app.get("/api/v1/nothing-here", None)
        .await
        .expect_problem(404, "not_found");
    let admin = app.admin_token().await;
    app.post(
        "/api/v1/admin/users/not-a-number/approve",
        Some(&admin),
        &json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    app.post(
        "/api/v1/admin/users/999999/approve",
        Some(&admin),
        &json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    let reply = app
        .request(reqwest::Method::DELETE, "/api/v1/me", None, None)
        .await;
    assert!(reply.status.is_client_error());
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn bad_query_parameters_are_422() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/admin/users?status=sleeping", Some(&admin))
        .await
        .expect_problem(422, "validation_failed");
    app.get("/api/v1/admin/users?limit=0", Some(&admin))
        .await
        .expect_problem(422, "validation_failed");
    app.get("/api/v1/admin/users?cursor=!!", Some(&admin))
        .await
        .expect_problem(422, "validation_failed");
}

#[tokio::test]
async fn request_id_is_echoed_or_generated() {
    let app = spawn_app().await;
    let reply = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["x-request-id"], "trace-abc-123");
    let generated = app.get("/health", None).await;
    let id = generated.header("x-request-id").expect("a generated id");
    assert_eq!(id.len(), 36, "{id}");
    // Error responses carry it too.
    assert!(app
        .get("/nope", None)
        .await
        .header("x-request-id")
        .is_some());
}

/// Sends `target` byte for byte (no client-side encoding) and returns the status and body.
async fn raw_get(app: &TestApp, target: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn raw_utf8_in_the_query_string_is_read_as_utf8() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for name in ["수성구청", "대구광역시청", "수성초등학교"] {
        app.post(
            "/api/v1/agencies",
            Some(&admin),
            &json!({"name": name, "kind": "local_government"}),
        )
        .await
        .expect(201);
    }
    // As curl sends `curl "…/agencies?q=수성"`: the same answer as the percent-encoded query.
    let (status, body) = raw_get(&app, "/api/v1/agencies?q=수성&limit=10".as_bytes()).await;
    assert_eq!(status, 200, "{body}");
    let raw: Value = serde_json::from_str(&body).unwrap();
    let encoded = app
        .get("/api/v1/agencies?q=%EC%88%98%EC%84%B1&limit=10", None)
        .await
        .expect(200);
    assert_eq!(raw, encoded);
    let names: Vec<&str> = raw["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["수성구청", "수성초등학교"]);
    // The catalog too, and a raw path is routed like its encoded form (here: no such id).
    let (status, body) = raw_get(&app, "/api/v1/products?q=커피".as_bytes()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = raw_get(&app, "/api/v1/products/커피".as_bytes()).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("not_found"), "{body}");
    // Bytes that are not UTF-8 are still refused.
    let (status, _) = raw_get(&app, b"/api/v1/products?q=\xff\xfe").await;
    assert_eq!(status, 400);
}
