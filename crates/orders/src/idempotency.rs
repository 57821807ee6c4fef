//! `Idempotency-Key`: per user, stored in the database (so it holds across instances).
//! Same key + same body → the first response replayed byte for byte; a different body → 422;
//! while the first request still runs → 409.

use chrono::Duration;
use diesel::prelude::*;
use muhan_core::{clock, DomainError, DomainResult};
use muhan_db::schema::idempotency_keys as k;
use muhan_db::DbConn;
use sha2::{Digest, Sha256};

/// A request whose key is older than this and still has no response is taken to have died
/// with its server; the key may then be used again.
const ABANDONED_AFTER_SECS: i64 = 300;

/// The key from the header: 1–255 printable ASCII characters.
pub fn parse_key(raw: Option<&str>) -> DomainResult<String> {
    match raw {
        Some(k)
            if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| (0x20..0x7f).contains(&b)) =>
        {
            Ok(k.to_owned())
        }
        Some(_) => Err(DomainError::BadRequest {
            code: "idempotency_key_required",
            detail: "Idempotency-Key must be 1–255 printable ASCII characters".into(),
        }),
        None => Err(DomainError::BadRequest {
            code: "idempotency_key_required",
            detail: "send an Idempotency-Key header so a retried request cannot order twice".into(),
        }),
    }
}

/// A fingerprint of the request body: equal JSON (whatever the spacing or key order) hashes
/// equally.
pub fn fingerprint(body: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(body.to_string().as_bytes()))
}

/// What to do with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Begin {
    /// First time: go ahead, then `complete` (or `release` on failure).
    Proceed,
    /// Seen and finished: answer exactly this.
    Replay { status: u16, body: String },
}

type KeyRow = (String, Option<i64>, Option<String>, chrono::NaiveDateTime);

/// Claims the key for this request. Run in its own short write transaction, before the work.
pub fn begin(conn: &mut DbConn, user_id: i64, key: &str, fingerprint: &str) -> DomainResult<Begin> {
    let now = clock::now();
    let existing: Option<KeyRow> = k::table
        .find((user_id, key))
        .select((
            k::request_hash,
            k::status_code,
            k::response_body,
            k::created_at,
        ))
        .first(conn)
        .optional()?;
    match existing {
        Some((hash, _, _, _)) if hash != fingerprint => Err(DomainError::Validation {
            code: "idempotency_key_reused",
            errors: vec![muhan_core::FieldError::new(
                "Idempotency-Key",
                "this key was used with a different request body",
            )],
        }),
        Some((_, Some(status), Some(body), _)) => Ok(Begin::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }),
        Some((_, _, _, created_at))
            if created_at < now - Duration::seconds(ABANDONED_AFTER_SECS) =>
        {
            diesel::update(k::table.find((user_id, key)))
                .set(k::created_at.eq(now))
                .execute(conn)?;
            Ok(Begin::Proceed)
        }
        Some(_) => Err(in_use()),
        None => {
            let inserted = diesel::insert_into(k::table)
                .values((
                    k::user_id.eq(user_id),
                    k::idempotency_key.eq(key),
                    k::request_hash.eq(fingerprint),
                    k::created_at.eq(now),
                ))
                .execute(conn);
            match inserted {
                Ok(_) => Ok(Begin::Proceed),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Err(in_use()),
                Err(e) => Err(e.into()),
            }
        }
    }
}

fn in_use() -> DomainError {
    DomainError::conflict(
        "idempotency_key_in_use",
        "a request with this Idempotency-Key is still being processed",
    )
}

/// Stores the response; call in the same transaction as the work it answers for.
pub fn complete(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    status: u16,
    body: &str,
) -> DomainResult<()> {
    diesel::update(k::table.find((user_id, key)))
        .set((
            k::status_code.eq(i64::from(status)),
            k::response_body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Frees the key after the work failed, so the client can retry with it.
pub fn release(conn: &mut DbConn, user_id: i64, key: &str) -> DomainResult<()> {
    diesel::delete(
        k::table
            .find((user_id, key))
            .filter(k::response_body.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(parse_key(None).is_err());
        assert!(parse_key(Some("")).is_err());
        assert!(parse_key(Some(&"k".repeat(256))).is_err());
        assert!(parse_key(Some("주문")).is_err());
        assert_eq!(
            parse_key(Some("order-2026-11-25 #1")).ok().as_deref(),
            Some("order-2026-11-25 #1")
        );
    }

    #[test]
    fn fingerprints_ignore_formatting() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":[1,2]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str("{ \"b\": [1, 2],\n \"a\": 1 }").unwrap();
        let c: serde_json::Value = serde_json::from_str(r#"{"a":2,"b":[1,2]}"#).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}
