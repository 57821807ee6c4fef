//! Refresh tokens: opaque random strings, stored only as SHA-256 hashes. Each login starts a
//! family; every refresh consumes the presented token and issues the next one in the family.
//! Presenting a consumed token again means it leaked: the whole family is revoked.

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use muhan_core::{clock, DomainResult};
use muhan_db::schema::refresh_tokens as rt;
use muhan_db::DbConn;
use rand::RngCore;
use sha2::{Digest, Sha256};

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Stores a new refresh token for `user_id` in `family` (a new family when `None`) and returns
/// the token itself, which is never stored.
pub fn issue(
    conn: &mut DbConn,
    user_id: i64,
    family: Option<&str>,
    ttl: Duration,
) -> DomainResult<String> {
    let token = random_token();
    let family = family.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let now = clock::now();
    diesel::insert_into(rt::table)
        .values((
            rt::user_id.eq(user_id),
            rt::family_id.eq(&family),
            rt::token_hash.eq(digest(&token)),
            rt::created_at.eq(now),
            rt::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What presenting a refresh token amounted to.
#[derive(Debug, PartialEq, Eq)]
pub enum Consumed {
    /// Valid and now used up; issue the next one in `family_id`.
    Fresh {
        user_id: i64,
        family_id: String,
    },
    /// Already used (or lost a race with a concurrent use): the family has been revoked.
    Reused,
    Expired,
    /// Unknown or revoked.
    Invalid,
}

#[derive(Queryable)]
struct TokenRow {
    id: i64,
    user_id: i64,
    family_id: String,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

/// Consumes `token`. Call inside a write transaction and commit even for `Reused`, so that the
/// revocation sticks.
pub fn consume(conn: &mut DbConn, token: &str) -> DomainResult<Consumed> {
    let row: Option<TokenRow> = rt::table
        .filter(rt::token_hash.eq(digest(token)))
        .select((
            rt::id,
            rt::user_id,
            rt::family_id,
            rt::expires_at,
            rt::used_at,
            rt::revoked_at,
        ))
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(Consumed::Invalid);
    };
    if row.revoked_at.is_some() {
        return Ok(Consumed::Invalid);
    }
    let now = clock::now();
    if row.used_at.is_none() && row.expires_at <= now {
        return Ok(Consumed::Expired);
    }
    // The conditional update is what makes "use once" hold across concurrent requests and
    // server instances: only one caller can flip `used_at`.
    let claimed = diesel::update(
        rt::table
            .filter(rt::id.eq(row.id))
            .filter(rt::used_at.is_null())
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::used_at.eq(now))
    .execute(conn)?;
    if claimed == 1 {
        Ok(Consumed::Fresh {
            user_id: row.user_id,
            family_id: row.family_id,
        })
    } else {
        revoke_family(conn, &row.family_id)?;
        tracing::warn!(
            user_id = row.user_id,
            "refresh token reuse detected; family revoked"
        );
        Ok(Consumed::Reused)
    }
}

pub fn revoke_family(conn: &mut DbConn, family_id: &str) -> DomainResult<()> {
    diesel::update(
        rt::table
            .filter(rt::family_id.eq(family_id))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(clock::now()))
    .execute(conn)?;
    Ok(())
}

/// Revokes the family `token` belongs to (logout). Unknown tokens are ignored.
pub fn revoke_family_of(conn: &mut DbConn, token: &str) -> DomainResult<()> {
    let family: Option<String> = rt::table
        .filter(rt::token_hash.eq(digest(token)))
        .select(rt::family_id)
        .first(conn)
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family)?;
    }
    Ok(())
}

pub fn revoke_all_for_user(conn: &mut DbConn, user_id: i64) -> DomainResult<()> {
    diesel::update(
        rt::table
            .filter(rt::user_id.eq(user_id))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(clock::now()))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(digest(&a).len(), 64);
    }
}
