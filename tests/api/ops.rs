use muhan_db::Backend;
use muhan_tests::{order_body, skip, spawn_app};

#[tokio::test]
async fn health_and_ready_answer_200() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health", None).await.expect(200)["status"], "ok");
    assert_eq!(app.get("/ready", None).await.expect(200)["status"], "ok");
}

#[tokio::test]
async fn ready_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    if app.backend() != Backend::Postgres {
        return skip(
            "PostgreSQL only: an embedded SQLite file cannot become unreachable under a \
             running process (set MUHAN_TEST_PG_URL to run it)",
        );
    }
    let url = std::env::var(muhan_db::testing::PG_URL_ENV).unwrap();
    let db_name = app.config.database_url.clone().unwrap();
    let db_name = db_name.rsplit('/').next().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::{Connection, RunQueryDsl};
        let mut admin = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query(format!("DROP DATABASE {db_name} WITH (FORCE)"))
            .execute(&mut admin)
            .unwrap();
    })
    .await
    .unwrap();
    app.get("/ready", None)
        .await
        .expect_problem(503, "service_unavailable");
    // Liveness does not depend on the database.
    app.get("/health", None).await.expect(200);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    app.get("/health", None).await.expect(200);
    app.get("/api/v1/me", None).await.expect(401);
    let reply = app.get("/metrics", None).await;
    assert_eq!(reply.status, 200);
    let text = &reply.text;
    assert!(
        text.contains(
            r#"muhan_http_requests_total{endpoint="/health",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"endpoint="/api/v1/me",method="GET",status="401""#),
        "{text}"
    );
    assert!(
        text.contains("muhan_http_requests_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn openapi_json_matches_the_committed_file() {
    let app = spawn_app().await;
    let served = app.get("/openapi.json", None).await.expect(200);
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../openapi/openapi.json"
        ))
        .expect("openapi/openapi.json exists (refresh: muhan openapi > openapi/openapi.json)"),
    )
    .unwrap();
    assert_eq!(
        served, committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
    assert!(served["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/auth/login", "/api/v1/me", "/health", "/ready"] {
        assert!(served["paths"].get(path).is_some(), "{path} undocumented");
    }
    // Every schema reference resolves (a query-only enum is not collected by itself).
    let mut dangling = Vec::new();
    collect_dangling_refs(&served, &served, &mut dangling);
    assert!(dangling.is_empty(), "unresolved $ref: {dangling:?}");
    // What the CLI prints is what is served.
    let printed: serde_json::Value =
        serde_json::from_str(&muhan_api::openapi::to_pretty_json().unwrap()).unwrap();
    assert_eq!(printed, served);
}

fn collect_dangling_refs(
    value: &serde_json::Value,
    document: &serde_json::Value,
    dangling: &mut Vec<String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                let resolved = target
                    .strip_prefix('#')
                    .and_then(|pointer| document.pointer(pointer));
                if resolved.is_none() {
                    dangling.push(target.to_owned());
                }
            }
            map.values()
                .for_each(|v| collect_dangling_refs(v, document, dangling));
        }
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|v| collect_dangling_refs(v, document, dangling)),
        _ => {}
    }
}

#[tokio::test]
async fn swagger_ui_is_served_with_all_assets_locally() {
    let app = spawn_app().await;
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    assert!(
        !page.text.contains("https://"),
        "the page loads something remote"
    );
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-initializer.js",
        "swagger-ui.css",
    ] {
        let reply = app.get(&format!("/docs/{asset}"), None).await;
        assert_eq!(reply.status, 200, "{asset}");
        assert!(!reply.text.is_empty(), "{asset} is empty");
    }
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert!(init.text.contains("/openapi.json"), "{}", init.text);
}

#[tokio::test]
async fn lost_database_connections_are_replaced() {
    let app = spawn_app().await;
    if app.backend() != Backend::Postgres {
        return skip(
            "PostgreSQL only: SQLite has no server connections to lose \
             (set MUHAN_TEST_PG_URL to run it)",
        );
    }
    let m = app.market(1, 1000, 1000).await;
    let product = m.sellers[0].1[0];
    let order = |i: usize| {
        let (app, buyer) = (&app, m.buyer.clone());
        async move {
            app.order(&buyer, &format!("k-{i}"), &order_body(&[(product, 1)]))
                .await
                .status
        }
    };
    assert_eq!(order(0).await, 201);
    // End every server connection to the test database, as a restart or failover would.
    let url = app.config.database_url.clone().unwrap();
    let ended = tokio::task::spawn_blocking(move || {
        use diesel::{Connection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Ended {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .get_result::<Ended>(&mut conn)
        .unwrap()
        .n
    })
    .await
    .unwrap();
    assert!(ended >= 1);
    // A dead pooled connection may fail a request (503, never 500 and never a half-written
    // order); diesel flags it broken and the pool replaces it.
    let pool_size = app.config.db_pool_size as usize;
    let mut statuses = Vec::new();
    for i in 1..pool_size + 6 {
        statuses.push(order(i).await);
    }
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 503),
        "{statuses:?}"
    );
    assert!(
        statuses[pool_size..].iter().all(|s| *s == 201),
        "{statuses:?}"
    );
    app.get("/ready", None).await.expect(200);
}

/// Every operation of the spec is served (the route table registers each endpoint once, for
/// the router and the document alike): no documented operation falls through to the
/// "no such resource" default or answers 405, and a path that is not documented does.
#[tokio::test]
async fn the_apps_routes_are_the_specs_operations() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json", None).await.expect(200);
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .split('/')
                .map(|s| if s.starts_with('{') { "1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let reply = app
                .request(
                    method.clone(),
                    &concrete,
                    None,
                    Some(&serde_json::json!({})),
                )
                .await;
            assert_ne!(reply.status, 405, "{method} {path} not routed");
            if reply.status == 404 {
                assert!(
                    !reply.text.contains("no such resource"),
                    "{method} {path} is documented but not routed"
                );
            }
            operations += 1;
        }
    }
    assert!(operations >= 48, "only {operations} operations");
    let undocumented = app.get("/api/v1/not-an-endpoint", None).await;
    assert!(undocumented.text.contains("no such resource"));
}
