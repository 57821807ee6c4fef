//! Login throttling: failed attempts are rows in `login_failures`, keyed by e-mail and by
//! client address, so the limit holds across server instances.

use chrono::Duration;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use muhan_core::{clock, DomainError, DomainResult};
use muhan_db::schema::login_failures as lf;
use muhan_db::DbConn;

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
pub struct ThrottleKeys {
    pub email: String,
    pub client: Option<String>,
}

impl ThrottleKeys {
    pub fn new(email: &str, client: Option<&str>) -> Self {
        Self {
            email: format!("email:{}", email.trim().to_lowercase()),
            client: client.map(|c| format!("client:{c}")),
        }
    }

    fn with_limits<'a>(&'a self, s: &ThrottleSettings) -> Vec<(&'a str, i64)> {
        let mut keys = vec![(self.email.as_str(), s.max_failures_per_email)];
        if let Some(client) = &self.client {
            keys.push((client.as_str(), s.max_failures_per_client));
        }
        keys
    }
}

/// 429 when any key has reached its limit within the window.
pub fn check(conn: &mut DbConn, s: &ThrottleSettings, keys: &ThrottleKeys) -> DomainResult<()> {
    let since = clock::now() - Duration::seconds(s.window_secs);
    for (key, max) in keys.with_limits(s) {
        let (failures, oldest) = lf::table
            .filter(lf::throttle_key.eq(key))
            .filter(lf::failed_at.gt(since))
            .select((count_star(), min(lf::failed_at)))
            .first::<(i64, Option<chrono::NaiveDateTime>)>(conn)?;
        if failures >= max {
            let retry_after = oldest
                .map(|at| (at - since).num_seconds())
                .unwrap_or(s.window_secs)
                .clamp(1, s.window_secs);
            return Err(DomainError::TooManyAttempts {
                retry_after_secs: retry_after.unsigned_abs(),
            });
        }
    }
    Ok(())
}

pub fn record_failure(
    conn: &mut DbConn,
    s: &ThrottleSettings,
    keys: &ThrottleKeys,
) -> DomainResult<()> {
    let now = clock::now();
    let expired_before = now - Duration::seconds(s.window_secs);
    for (key, _) in keys.with_limits(s) {
        // Keep the table small: rows outside the window no longer count.
        diesel::delete(
            lf::table
                .filter(lf::throttle_key.eq(key))
                .filter(lf::failed_at.le(expired_before)),
        )
        .execute(conn)?;
        diesel::insert_into(lf::table)
            .values((lf::throttle_key.eq(key), lf::failed_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}

/// A successful login forgives the e-mail's earlier failures (not the client's).
pub fn clear_email(conn: &mut DbConn, keys: &ThrottleKeys) -> DomainResult<()> {
    diesel::delete(lf::table.filter(lf::throttle_key.eq(&keys.email))).execute(conn)?;
    Ok(())
}
