//! Login throttling, kept in the database (`login_failures`) so that it holds across server
//! instances. Keys are the e-mail and the client address.
//!
//! An attempt reserves its row for every key *before* the password is checked: one statement
//! per key counts the attempts within the window and records this one only while they are
//! fewer than the limit, and the keys are locked meanwhile (on SQLite by the write
//! transaction, on PostgreSQL by advisory locks; `store`). So no more than the limit of
//! passwords are ever checked per key within the window, however many requests arrive at
//! once and on however many instances. A wrong password leaves its reservation in place: it
//! is the recorded failure. A right one takes its reservation back and forgives the e-mail's
//! earlier failures (not the client address's).

use crate::store;
use chrono::{Duration, NaiveDateTime};
use diesel::dsl::min;
use diesel::prelude::*;
use muhan_core::{clock, DomainError, DomainResult, Email};
use muhan_db::schema::login_failures as lf;
use muhan_db::{write_tx, DbConn};

#[derive(Debug, Clone)]
pub struct ThrottleSettings {
    /// Failed logins allowed per e-mail within the window.
    pub max_failures_per_email: i64,
    /// Failed logins allowed per client address within the window.
    pub max_failures_per_client: i64,
    pub window_secs: i64,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            max_failures_per_email: 5,
            max_failures_per_client: 50,
            window_secs: 15 * 60,
        }
    }
}

/// The keys one login attempt counts against.
#[derive(Debug, Clone)]
pub struct ThrottleKeys {
    pub email: String,
    pub client: Option<String>,
}

impl ThrottleKeys {
    pub fn new(email: &str, client: Option<&str>) -> Self {
        // Normalised as the stored address is, so that every spelling of one account shares
        // its key; what is not an address at all is only trimmed and lower-cased.
        let email =
            Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), Email::into_inner);
        Self {
            email: format!("email:{email}"),
            client: client.map(|c| format!("client:{c}")),
        }
    }

    /// Every key with its limit, sorted by key (the order their locks are taken in).
    fn with_limits<'a>(&'a self, s: &ThrottleSettings) -> Vec<(&'a str, i64)> {
        let mut keys = vec![(self.email.as_str(), s.max_failures_per_email)];
        if let Some(client) = &self.client {
            keys.push((client.as_str(), s.max_failures_per_client));
        }
        keys.sort_unstable();
        keys
    }
}

/// The rows one attempt reserved: its e-mail's, and its client address's when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    email_row: i64,
    client_row: Option<i64>,
}

/// Reserves one attempt under every key, in one write transaction: all of them, or none and
/// 429 `too_many_attempts` (with the seconds until the key's oldest attempt leaves the
/// window) when a key has reached its limit. Opens its own transaction: call it outside one.
pub fn reserve(
    conn: &mut DbConn,
    s: &ThrottleSettings,
    keys: &ThrottleKeys,
) -> DomainResult<Reservation> {
    let limits = keys.with_limits(s);
    write_tx(conn, |c| {
        let names: Vec<&str> = limits.iter().map(|(key, _)| *key).collect();
        store::lock_throttle_keys(c, &names)?;
        let now = clock::now();
        let since = now - Duration::seconds(s.window_secs);
        let mut email_row = None;
        let mut client_row = None;
        for (key, limit) in &limits {
            // Keep the table small: rows outside the window no longer count.
            diesel::delete(
                lf::table
                    .filter(lf::throttle_key.eq(*key))
                    .filter(lf::failed_at.le(since)),
            )
            .execute(c)?;
            let Some(id) = store::record_attempt_below(c, key, now, since, *limit)? else {
                // The transaction rolls back: no key keeps a reservation.
                return Err(too_many_attempts(c, s, key, now, since)?);
            };
            if *key == keys.email {
                email_row = Some(id);
            } else {
                client_row = Some(id);
            }
        }
        let email_row =
            email_row.ok_or_else(|| DomainError::internal("no e-mail throttle reservation"))?;
        Ok(Reservation {
            email_row,
            client_row,
        })
    })
}

/// 429 for `key`, due again when its oldest attempt within the window leaves it.
fn too_many_attempts(
    conn: &mut DbConn,
    s: &ThrottleSettings,
    key: &str,
    now: NaiveDateTime,
    since: NaiveDateTime,
) -> DomainResult<DomainError> {
    let oldest: Option<NaiveDateTime> = lf::table
        .filter(lf::throttle_key.eq(key))
        .filter(lf::failed_at.gt(since))
        .select(min(lf::failed_at))
        .first(conn)?;
    let window = s.window_secs.max(1);
    let retry_after = oldest
        .map(|at| (at + Duration::seconds(s.window_secs) - now).num_seconds())
        .unwrap_or(window)
        .clamp(1, window);
    Ok(DomainError::TooManyAttempts {
        retry_after_secs: retry_after.unsigned_abs(),
    })
}

/// Takes back an attempt whose password was never checked.
pub fn release(conn: &mut DbConn, r: &Reservation) -> DomainResult<()> {
    let rows: Vec<i64> = std::iter::once(r.email_row).chain(r.client_row).collect();
    diesel::delete(lf::table.filter(lf::id.eq_any(rows))).execute(conn)?;
    Ok(())
}

/// The password was right: the attempt does not count, and the e-mail's failures recorded
/// before it are forgiven (the client address's are not).
pub fn succeeded(conn: &mut DbConn, keys: &ThrottleKeys, r: &Reservation) -> DomainResult<()> {
    diesel::delete(
        lf::table
            .filter(lf::throttle_key.eq(&keys.email))
            .filter(lf::id.le(r.email_row)),
    )
    .execute(conn)?;
    if let Some(row) = r.client_row {
        diesel::delete(lf::table.find(row)).execute(conn)?;
    }
    Ok(())
}
