//! The one way request handlers run blocking work (diesel, argon2): on tokio's blocking pool,
//! never on an actix worker thread.

use crate::{DbConn, DbPool};
use diesel::r2d2::R2D2Connection;
use muhan_core::{DomainError, DomainResult};

/// Runs `work` on the blocking thread pool.
pub async fn run_blocking<T, F>(work: F) -> DomainResult<T>
where
    F: FnOnce() -> DomainResult<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DomainError::internal(format!("blocking task failed: {e}")))?
}

/// Runs `work` with a pooled connection on the blocking thread pool. An unreachable database
/// is reported as `Unavailable` (503), not as an internal error; so is a connection found
/// dead after the work failed, which the pool then drops (the next request gets a new one).
pub async fn with_conn<T, F>(pool: &DbPool, work: F) -> DomainResult<T>
where
    F: FnOnce(&mut DbConn) -> DomainResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    run_blocking(move || with_pooled_conn(&pool, work)).await
}

/// `with_conn` on the current (blocking) thread.
pub(crate) fn with_pooled_conn<T, F>(pool: &DbPool, work: F) -> DomainResult<T>
where
    F: FnOnce(&mut DbConn) -> DomainResult<T>,
{
    let mut conn = pool
        .get()
        .map_err(|e| DomainError::Unavailable(e.to_string()))?;
    let result = work(&mut conn);
    let failed = matches!(
        result,
        Err(DomainError::Internal(_) | DomainError::Unavailable(_))
    );
    if failed && conn.ping().is_err() {
        conn.mark_lost();
        return Err(DomainError::Unavailable(
            "lost the connection to the database".into(),
        ));
    }
    result
}

/// A round trip that reads a migrated table, for readiness checks: the database answers and
/// holds our schema.
pub fn ping(conn: &mut DbConn) -> DomainResult<()> {
    use crate::schema::districts;
    use diesel::prelude::*;
    districts::table
        .select(districts::code)
        .first::<String>(conn)
        .optional()
        .map(|_| ())
        .map_err(|e| DomainError::Unavailable(e.to_string()))
}
