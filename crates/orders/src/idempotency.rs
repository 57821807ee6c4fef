//! `Idempotency-Key`: per user, stored in the database (so it holds across instances) in the
//! same transaction as the order it answers for. Same key + same body → the first response
//! replayed byte for byte; a different body → 422. A request racing one with the same key
//! waits for it and replays its answer (or gets 409 when it cannot).

use diesel::prelude::*;
use muhan_core::ErrorCode;
use muhan_core::{clock, DomainError, DomainResult, FieldError};
use muhan_db::schema::idempotency_keys as k;
use muhan_db::DbConn;
use sha2::{Digest, Sha256};

/// The key from the header: 1–255 printable ASCII characters.
pub fn parse_key(raw: Option<&str>) -> DomainResult<String> {
    match raw {
        Some(k)
            if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| (0x20..0x7f).contains(&b)) =>
        {
            Ok(k.to_owned())
        }
        Some(_) => Err(DomainError::BadRequest {
            code: ErrorCode::IdempotencyKeyRequired,
            detail: "Idempotency-Key must be 1–255 printable ASCII characters".into(),
        }),
        None => Err(DomainError::BadRequest {
            code: ErrorCode::IdempotencyKeyRequired,
            detail: "send an Idempotency-Key header so a retried request cannot order twice".into(),
        }),
    }
}

/// A fingerprint of the request body: equal JSON (whatever the spacing or key order) hashes
/// equally.
pub fn fingerprint(body: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(body.to_string().as_bytes()))
}

/// The stored answer for this key, if the request was made before; 422 when it was made with
/// a different body.
pub fn lookup(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    fingerprint: &str,
) -> DomainResult<Option<(u16, String)>> {
    let found: Option<(String, i64, String)> = k::table
        .find((user_id, key))
        .select((k::request_hash, k::status_code, k::response_body))
        .first(conn)
        .optional()?;
    match found {
        Some((hash, _, _)) if hash != fingerprint => Err(DomainError::Validation {
            code: ErrorCode::IdempotencyKeyReused,
            errors: vec![FieldError::new(
                "Idempotency-Key",
                "this key was used with a different request body",
            )],
        }),
        Some((_, status, body)) => Ok(Some((u16::try_from(status).unwrap_or(500), body))),
        None => Ok(None),
    }
}

pub fn in_use() -> DomainError {
    DomainError::conflict(
        ErrorCode::IdempotencyKeyInUse,
        "a request with this Idempotency-Key is still being processed",
    )
}

/// A request made under an idempotency key: whose, which key, and the fingerprint of its body.
pub struct KeyedRequest<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub fingerprint: &'a str,
}

/// Stores the response with the key, in the transaction of the work it answers for. When a
/// concurrent request with the same key got there first this fails with
/// `idempotency_key_in_use`: roll back, then `lookup` again.
pub fn store(conn: &mut DbConn, keyed: &KeyedRequest, status: u16, body: &str) -> DomainResult<()> {
    let inserted = diesel::insert_into(k::table)
        .values((
            k::user_id.eq(keyed.user_id),
            k::idempotency_key.eq(keyed.key),
            k::request_hash.eq(keyed.fingerprint),
            k::status_code.eq(i64::from(status)),
            k::response_body.eq(body),
            k::created_at.eq(clock::now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_key_taken(&e) => Err(in_use()),
        Err(e) => Err(e.into()),
    }
}

/// Whether a write failed because another request stored the same key first. (SQLite does not
/// name the constraint; there writers are serialised and only the key can collide.)
pub fn is_key_taken(error: &diesel::result::Error) -> bool {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        ) => info
            .constraint_name()
            .is_none_or(|name| name == "idempotency_keys_pkey"),
        _ => false,
    }
}

/// Forgets keys stored before `cutoff`, with their answers (a retry after that is a new
/// request). Returns how many were removed.
pub fn purge_before(conn: &mut DbConn, cutoff: chrono::NaiveDateTime) -> DomainResult<usize> {
    Ok(diesel::delete(k::table.filter(k::created_at.lt(cutoff))).execute(conn)?)
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
