//! Keyset paging: opaque cursors (base64url of the JSON sort keys of the last item) and the
//! "fetch one more than the page" split that tells whether another page follows.

use crate::{DomainError, DomainResult};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub fn encode<T: Serialize>(keys: &T) -> String {
    ENGINE.encode(serde_json::to_vec(keys).unwrap_or_default())
}

pub fn decode<T: DeserializeOwned>(cursor: &str) -> DomainResult<T> {
    ENGINE
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| DomainError::invalid("cursor", "not a cursor returned by this list"))
}

/// Splits rows fetched with `LIMIT limit + 1` into the page and whether more follow.
pub fn split_page<T>(mut rows: Vec<T>, limit: i64) -> (Vec<T>, bool) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    (rows, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let c = encode(&(3i64, 77i64));
        assert_eq!(decode::<(i64, i64)>(&c).ok(), Some((3, 77)));
        assert!(decode::<i64>("%%%").is_err());
        assert!(decode::<i64>(&encode(&"text")).is_err());
    }

    #[test]
    fn splits_pages() {
        assert_eq!(split_page(vec![1, 2, 3], 2), (vec![1, 2], true));
        assert_eq!(split_page(vec![1, 2], 2), (vec![1, 2], false));
    }
}
