//! The one way request handlers run blocking work (diesel, argon2): on tokio's blocking pool,
//! never on an actix worker thread. The work runs inside the caller's tracing span (the
//! request's, with its request id), so what it logs is attributed to the request.

use crate::{DbConn, DbPool};
use diesel::r2d2::R2D2Connection;
use muhan_core::{DomainError, DomainResult};
use tracing::Span;

/// Runs `work` on the blocking thread pool, inside the span that is current where this future
/// runs: the request's for a handler awaiting it (`.instrument(span)` picks another; a future
/// given to `tokio::spawn` needs `.in_current_span()`, as any other).
pub async fn run_blocking<T, F>(work: F) -> DomainResult<T>
where
    F: FnOnce() -> DomainResult<T> + Send + 'static,
    T: Send + 'static,
{
    run_blocking_in(Span::current(), work).await
}

/// `run_blocking` inside `span` (`Span::none()`: inside no span, for work done on behalf of
/// several requests, each of which then enters its own).
pub(crate) async fn run_blocking_in<T, F>(span: Span, work: F) -> DomainResult<T>
where
    F: FnOnce() -> DomainResult<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(|e| DomainError::internal(format!("blocking task failed: {e}")))?
}

/// Runs `work` with a pooled connection on the blocking thread pool, inside the current span
/// (as `run_blocking`). An unreachable database is reported as `Unavailable` (503), not as an
/// internal error; so is a connection found dead after the work failed, which the pool then
/// drops (the next request gets a new one).
///
/// No more calls than the pool has connections take a blocking thread at once: the others
/// wait for their turn here, as futures (as long as they would wait for a connection, then
/// 503). Otherwise every request waiting for a connection would hold a thread of its own,
/// and a burst of a few hundred requests would start as many threads (each with its stack
/// and its allocator's per-thread memory, about a mebibyte).
pub async fn with_conn<T, F>(pool: &DbPool, work: F) -> DomainResult<T>
where
    F: FnOnce(&mut DbConn) -> DomainResult<T> + Send + 'static,
    T: Send + 'static,
{
    let turn = pool.turn().await.ok_or_else(|| {
        DomainError::Unavailable("no database connection came free in time".into())
    })?;
    let pool = pool.clone();
    run_blocking(move || {
        // Held until the work ends, even when the request is dropped meanwhile.
        let _turn = turn;
        with_pooled_conn(&pool, work)
    })
    .await
}

/// `with_conn` on the current (blocking) thread.
pub(crate) fn with_pooled_conn<T, F>(pool: &DbPool, work: F) -> DomainResult<T>
where
    F: FnOnce(&mut DbConn) -> DomainResult<T>,
{
    with_checked_conn(
        pool,
        work,
        |result| is_failure(result),
        |_| Err(lost_connection()),
    )
}

/// Like `with_pooled_conn`, with the caller saying which results may mean a lost connection
/// and what becomes of the result when it was lost (for work that reports failures inside its
/// result, as a batch does per job).
pub(crate) fn with_checked_conn<T, F>(
    pool: &DbPool,
    work: F,
    failed: impl FnOnce(&DomainResult<T>) -> bool,
    when_lost: impl FnOnce(DomainResult<T>) -> DomainResult<T>,
) -> DomainResult<T>
where
    F: FnOnce(&mut DbConn) -> DomainResult<T>,
{
    let mut conn = pool
        .get()
        .map_err(|e| DomainError::Unavailable(e.to_string()))?;
    let result = work(&mut conn);
    if failed(&result) && conn.ping().is_err() {
        conn.mark_lost();
        return when_lost(result);
    }
    result
}

/// The answer when the database connection was found dead (503; the pool replaces it).
pub(crate) fn lost_connection() -> DomainError {
    DomainError::Unavailable("lost the connection to the database".into())
}

/// Whether a result is a failure that a lost connection would explain.
pub(crate) fn is_failure<T>(result: &DomainResult<T>) -> bool {
    matches!(
        result,
        Err(DomainError::Internal(_) | DomainError::Unavailable(_))
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace_capture;
    use tracing::Instrument;

    #[tokio::test]
    async fn blocking_work_logs_inside_the_span_of_its_caller() {
        trace_capture::install();
        let marker = uuid::Uuid::new_v4().to_string();
        let request = tracing::info_span!("http_request", request_id = "req-blocking");
        let logged = marker.clone();
        let caller = std::thread::current().id();
        let ran_on = async move {
            run_blocking(move || {
                tracing::info!(marker = %logged, "inside the blocking work");
                Ok(std::thread::current().id())
            })
            .await
        }
        .instrument(request)
        .await
        .expect("the blocking work");
        assert_ne!(ran_on, caller, "the work ran on another thread");

        let events = trace_capture::events_with("marker", &marker);
        assert_eq!(events.len(), 1, "{events:#?}");
        let names: Vec<&str> = events[0].spans.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["http_request"], "{events:#?}");
        assert_eq!(events[0].span_field("request_id"), Some("req-blocking"));
    }

    #[tokio::test]
    async fn blocking_work_outside_any_span_logs_outside_any_span() {
        trace_capture::install();
        let marker = uuid::Uuid::new_v4().to_string();
        let logged = marker.clone();
        run_blocking(move || {
            tracing::info!(marker = %logged, "no request");
            Ok(())
        })
        .await
        .expect("the blocking work");
        let events = trace_capture::events_with("marker", &marker);
        assert_eq!(events.len(), 1, "{events:#?}");
        assert!(events[0].spans.is_empty(), "{events:#?}");
    }
}
