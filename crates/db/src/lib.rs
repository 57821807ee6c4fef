//! Storage: one diesel schema over SQLite (embedded default) and PostgreSQL (production).
//!
//! Domain crates receive a `&mut DbConn` and compose their work inside one transaction
//! (`write_tx`/`read_tx`); handlers reach the database only through `with_conn`, which runs
//! the work on the blocking thread pool.

pub mod batch;
pub mod blocking;
pub mod cached_sql;
pub mod conn;
pub mod migrate;
pub mod schema;
pub mod testing;
#[cfg(test)]
mod trace_capture;
pub mod tx;

pub use batch::{BatchQueue, BatchWork, Submitted};
pub use blocking::{ping, run_blocking, with_conn};
pub use cached_sql::{cached_sql, BindNext};
pub use conn::{Backend, DbConn, DbPool, DbUrl, PoolOptions, PooledDbConn};
pub use migrate::run_migrations;
pub use tx::{read_tx, write_tx};

/// Failures while setting up storage (start-up and CLI); request-time code uses `DomainError`.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs `$body` with `$c` bound to the concrete connection of whichever backend `$conn` is.
/// For the few statements the multi-backend enum cannot express (multi-row inserts, upserts);
/// the body is written once and compiled for both backends. Use it in `store` modules only.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConn::Postgresql($c) => $body,
            $crate::DbConn::Sqlite($c) => $body,
        }
    };
}
