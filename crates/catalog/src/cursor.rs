//! Opaque list cursors: base64url of a small JSON array of the sort keys of the last item.

use base64::Engine;
use muhan_core::{DomainError, DomainResult};
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
