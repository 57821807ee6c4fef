//! `?limit=&cursor=` paging and the `{items, next_cursor}` list body.

use base64::Engine;
use muhan_core::DomainError;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page size, 1–100 (default 20; larger values are capped at 100).
    pub limit: Option<i64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, DomainError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if n < 1 => Err(DomainError::invalid("limit", "must be at least 1")),
            Some(n) => Ok(n.min(MAX_LIMIT)),
        }
    }

    /// The id the previous page ended at, for lists paged in id order.
    pub fn after_id(&self) -> Result<Option<i64>, DomainError> {
        self.cursor.as_deref().map(decode_id_cursor).transpose()
    }
}

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub fn encode_cursor(raw: &str) -> String {
    ENGINE.encode(raw)
}

pub fn decode_cursor(cursor: &str) -> Result<String, DomainError> {
    ENGINE
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| DomainError::invalid("cursor", "not a cursor returned by this API"))
}

pub fn encode_id_cursor(id: i64) -> String {
    encode_cursor(&format!("id:{id}"))
}

fn decode_id_cursor(cursor: &str) -> Result<i64, DomainError> {
    decode_cursor(cursor)?
        .strip_prefix("id:")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| DomainError::invalid("cursor", "not a cursor returned by this API"))
}

/// A page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page of an id-ordered list; `more` tells whether items follow.
    pub fn by_id(items: Vec<T>, more: bool, id_of: impl Fn(&T) -> i64) -> Self {
        let next_cursor = if more {
            items.last().map(|last| encode_id_cursor(id_of(last)))
        } else {
            None
        };
        Self { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_cursor_round_trip_and_garbage() {
        let params = PageParams {
            limit: Some(500),
            cursor: Some(encode_id_cursor(77)),
        };
        assert_eq!(params.after_id().ok(), Some(Some(77)));
        assert_eq!(params.limit().ok(), Some(MAX_LIMIT));
        let bad = PageParams {
            limit: Some(0),
            cursor: Some("%%%".into()),
        };
        assert!(bad.after_id().is_err());
        assert!(bad.limit().is_err());
    }
}
