//! The statements of this crate that are written per backend (`match` on the connection).

use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use diesel::{QueryableByName, RunQueryDsl};
use muhan_core::DomainResult;
use muhan_db::{cached_sql, on_backend, BindNext, DbConn};

/// The advisory-lock space of throttle keys on PostgreSQL: the first half of the two-part key
/// (`pg_advisory_xact_lock(int, int)`); the migration lock uses the one-part form, a separate
/// space.
const PG_THROTTLE_LOCKS: i32 = 0x6d75_7468; // "muth"

/// Serialises the reservations of these keys until the transaction ends, so that counting
/// and recording an attempt cannot interleave with another request's (on any server
/// instance). PostgreSQL: one transaction-scoped advisory lock per key, in the order given
/// (callers sort them, so two requests never wait for each other in a circle); the statements
/// after it see every reservation committed before. SQLite: nothing to take, the write
/// transaction (`BEGIN IMMEDIATE`) already holds the database's one write lock.
pub(crate) fn lock_throttle_keys(conn: &mut DbConn, keys: &[&str]) -> DomainResult<()> {
    match conn {
        DbConn::Postgresql(pg) => {
            for key in keys {
                cached_sql("SELECT pg_advisory_xact_lock(?, hashtext(?))")
                    .bind::<Integer, _>(PG_THROTTLE_LOCKS)
                    .bind::<Text, _>(*key)
                    .execute(pg)?;
            }
        }
        DbConn::Sqlite(_) => {}
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Recorded {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Counts the attempts recorded for `key` after `since` and, when there are fewer than
/// `limit`, records one at `now`, in one statement. Returns the new row's id, or `None` when
/// the key is at its limit (nothing recorded). The text is the same on both backends.
pub(crate) fn record_attempt_below(
    conn: &mut DbConn,
    key: &str,
    now: chrono::NaiveDateTime,
    since: chrono::NaiveDateTime,
    limit: i64,
) -> DomainResult<Option<i64>> {
    let statement = cached_sql(
        "INSERT INTO login_failures (throttle_key, failed_at) \
         SELECT ?, ? \
         WHERE (SELECT COUNT(*) FROM login_failures WHERE throttle_key = ? AND failed_at > ?) < ? \
         RETURNING id",
    )
    .bind::<Text, _>(key)
    .bind::<Timestamp, _>(now)
    .bind::<Text, _>(key)
    .bind::<Timestamp, _>(since)
    .bind::<BigInt, _>(limit);
    let recorded: Vec<Recorded> = on_backend!(conn, |c| statement.load(c))?;
    Ok(recorded.first().map(|r| r.id))
}
