//! Start-up refuses a bad configuration before it touches anything: no database work, no
//! admin account, no port, no secret file.
use muhan_db::testing::TestDatabase;
use muhan_db::{run_migrations, DbPool, PoolOptions};
use muhan_server::{Application, Config};
use muhan_tests::{test_config, ADMIN_EMAIL};
use std::sync::Arc;

/// Builds the application with `bad` applied to a working test configuration whose port is
/// already taken; returns the error, after checking that nothing was started or written.
async fn refused(bad: impl FnOnce(&mut Config) + Send + 'static) -> String {
    tokio::task::spawn_blocking(move || {
        let db = Arc::new(TestDatabase::create().unwrap());
        let data_dir = tempfile::tempdir().unwrap();
        // A port in use: a build that got as far as binding would fail on it instead.
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut config = test_config();
        config.database_url = Some(db.url.to_url());
        config.data_dir = data_dir.path().join("data");
        config.jwt_secret = None;
        config.bind = taken.local_addr().unwrap().to_string();
        bad(&mut config);
        let error = match Application::build(&config) {
            Ok(_) => panic!("a bad configuration was accepted"),
            Err(e) => format!("{e:#}"),
        };
        assert!(
            !error.contains("binding"),
            "the build got as far as the port: {error}"
        );
        assert!(
            !config.data_dir.exists(),
            "the build created the data directory (secret file) before refusing: {error}"
        );
        // The database was not even migrated, so no admin was created either.
        let pool = DbPool::connect(&db.url, &PoolOptions::default()).unwrap();
        let mut conn = pool.get().unwrap();
        let applied = run_migrations(&mut conn).unwrap();
        assert!(
            !applied.is_empty(),
            "the build migrated the database before refusing: {error}"
        );
        let admins: i64 = {
            use diesel::prelude::*;
            use muhan_db::schema::users;
            users::table
                .filter(users::email.eq(ADMIN_EMAIL))
                .count()
                .get_result(&mut **conn)
                .unwrap()
        };
        assert_eq!(admins, 0, "the build created the admin: {error}");
        error
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_short_idempotency_key_retention_is_refused_before_anything_starts() {
    let error = refused(|c| c.idempotency_key_retention_hours = 1).await;
    assert!(error.contains("idempotency_key_retention_hours"), "{error}");
}

#[tokio::test]
async fn every_bad_setting_is_reported_at_once() {
    let error = refused(|c| {
        c.idempotency_key_retention_hours = 23;
        c.commission_bp = 10_001;
        c.order_writers = 0;
        c.admin_email = Some("not-an-email".into());
    })
    .await;
    for setting in [
        "idempotency_key_retention_hours",
        "commission_bp",
        "order_writers",
        "admin_email",
    ] {
        assert!(error.contains(setting), "{setting} not named: {error}");
    }
}
