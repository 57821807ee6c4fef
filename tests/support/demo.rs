//! The demo data set (`muhan seed demo`) in a test's database.

use chrono::NaiveDateTime;
use muhan_db::DbPool;
use muhan_server::seed_command::demo_hashes;
use muhan_stats::seed::{self, DemoOptions, DemoReport, Hashes};
use std::sync::OnceLock;

/// The demo accounts' password hashes, computed once per test binary (hashing is slow).
pub fn hashes() -> Hashes {
    static HASHES: OnceLock<Hashes> = OnceLock::new();
    HASHES
        .get_or_init(|| demo_hashes().expect("hashes"))
        .clone()
}

/// Runs the demo generator on `pool` with `seed_value`, as of `now`.
pub async fn seed_demo(
    pool: &DbPool,
    seed_value: u64,
    force: bool,
    now: NaiveDateTime,
) -> Result<DemoReport, muhan_core::DomainError> {
    let pool = pool.clone();
    let hashes = hashes();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("a connection");
        seed::demo(
            &mut conn,
            &DemoOptions {
                seed: seed_value,
                force,
                now,
            },
            &hashes,
        )
    })
    .await
    .expect("the seed task")
}

/// A fresh app holding the demo data set as of now.
pub async fn spawn_demo_app() -> crate::TestApp {
    let app = crate::spawn_app().await;
    seed_demo(
        &app.pool,
        seed::DEFAULT_SEED,
        false,
        muhan_core::clock::now(),
    )
    .await
    .expect("the demo seeds");
    app
}
