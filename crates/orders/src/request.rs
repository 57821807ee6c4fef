//! An order request as clients send it, and its parsing into a `ParsedOrder` whose every
//! field is well-formed (availability and stock are the placement's to check).

use chrono::NaiveDate;
use muhan_core::ErrorCode;
use muhan_core::{in_range, text, DomainError, DomainResult, FieldErrors};
use serde::Deserialize;
use std::collections::HashMap;

pub const MAX_LINES: usize = 100;
const MAX_QUANTITY: i64 = 1_000_000_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// An approved product in the catalog, once per order.
    pub product_id: i64,
    /// At least the product's `min_order_qty`.
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub quantity: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub address: String,
    /// District code from `GET /api/v1/districts`.
    #[schema(min_length = 5, max_length = 5)]
    pub district: String,
    /// `YYYY-MM-DD`, today or later.
    #[schema(format = Date)]
    pub requested_date: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    #[schema(min_items = 1, max_items = 100)]
    pub lines: Vec<LineRequest>,
    pub delivery: DeliveryRequest,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// An order request whose every field is well-formed (availability and stock are checked
/// against the database when it is placed).
pub struct ParsedOrder {
    pub(crate) lines: Vec<(i64, i64)>,
    pub(crate) address: String,
    pub(crate) district: String,
    pub(crate) requested_date: NaiveDate,
    pub(crate) note: Option<String>,
}

impl OrderRequest {
    pub fn parse(&self, today: NaiveDate) -> DomainResult<ParsedOrder> {
        let mut errors = FieldErrors::new();
        if self.lines.is_empty() {
            errors.push("lines", "must contain at least one line");
        }
        if self.lines.len() > MAX_LINES {
            errors.push("lines", format!("at most {MAX_LINES} lines"));
        }
        let mut seen = HashMap::new();
        for (i, line) in self.lines.iter().enumerate() {
            errors.check(
                &format!("lines[{i}].quantity"),
                in_range(line.quantity, 1, MAX_QUANTITY),
            );
            if let Some(first) = seen.insert(line.product_id, i) {
                errors.push(
                    &format!("lines[{i}].product_id"),
                    format!("repeats lines[{first}]; order the product once"),
                );
            }
        }
        let address = errors.check(
            "delivery.address",
            text::line(&self.delivery.address, 1, 200),
        );
        let district = errors.check(
            "delivery.district",
            muhan_core::values::district_code(&self.delivery.district),
        );
        let requested_date =
            match NaiveDate::parse_from_str(self.delivery.requested_date.trim(), "%Y-%m-%d") {
                Ok(d) if d < today => {
                    errors.push("delivery.requested_date", "must not be in the past");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push("delivery.requested_date", "must be a date as YYYY-MM-DD");
                    None
                }
            };
        let note = match &self.note {
            Some(n) => errors.check("note", text::free(n, 0, 1000)),
            None => None,
        };
        errors.finish(ErrorCode::ValidationFailed)?;
        match (address, district, requested_date) {
            (Some(address), Some(district), Some(requested_date)) => Ok(ParsedOrder {
                lines: self
                    .lines
                    .iter()
                    .map(|l| (l.product_id, l.quantity))
                    .collect(),
                address,
                district,
                requested_date,
                note,
            }),
            _ => Err(DomainError::internal("unreachable: checked fields")),
        }
    }
}
