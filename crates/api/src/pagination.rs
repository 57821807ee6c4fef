//! `?limit=&cursor=` paging and the `{items, next_cursor}` list body.

use muhan_core::{cursor, DomainError};
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The page size asked for: default 20, capped at 100, at least 1.
pub fn page_limit(limit: Option<i64>) -> Result<i64, DomainError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if n < 1 => Err(DomainError::invalid("limit", "must be at least 1")),
        Some(n) => Ok(n.min(MAX_LIMIT)),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page size, 1–100 (default 20; larger values are capped at 100).
    pub limit: Option<i64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, DomainError> {
        page_limit(self.limit)
    }

    /// The id the previous page ended at, for lists paged in id order.
    pub fn after_id(&self) -> Result<Option<i64>, DomainError> {
        self.cursor.as_deref().map(cursor::decode).transpose()
    }
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
            items.last().map(|last| cursor::encode(&id_of(last)))
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
            cursor: Some(cursor::encode(&77i64)),
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
