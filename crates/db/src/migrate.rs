//! Embedded migrations for both backends (`migrations/postgres`, `migrations/sqlite`, same
//! folder names). `build.rs` makes a new migration folder trigger a rebuild.

use crate::{Backend, DbConn, DbError};
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// The embedded migrations of `backend` (for tools and tests that step through them one at a
/// time with diesel's `MigrationHarness`; `run_migrations` is the way to migrate).
pub fn embedded(backend: Backend) -> EmbeddedMigrations {
    match backend {
        Backend::Postgres => POSTGRES,
        Backend::Sqlite => SQLITE,
    }
}

/// Serialises migrations when several instances start against one PostgreSQL at once.
const PG_MIGRATION_LOCK: i64 = 0x006d_7568_616e; // "muhan"

/// Applies pending migrations; returns the names of those applied.
pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConn::Postgresql(pg) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
                .execute(pg)?;
            let result = pg
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))
                .execute(pg)?;
            result
        }
        DbConn::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}
