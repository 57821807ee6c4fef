//! Requests, quotes and awards as clients send them, parsed into values whose every field
//! is well-formed (what depends on the database — category, district, product, quotes — is
//! the services' to check).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use muhan_core::{in_range, price_won, text, DomainResult, ErrorCode, FieldErrors};
use serde::Deserialize;

/// The largest quantity a request may ask for (the allocation is exact up to it).
pub const MAX_REQUEST_QUANTITY: i64 = 1_000_000;
/// The largest budget of a request: well above the competitive-tender threshold, far from
/// overflow.
pub const MAX_BUDGET_WON: i64 = 1_000_000_000_000;
pub const MAX_LEAD_TIME_DAYS: i64 = 365;
pub const MAX_AWARDED_QUOTES: usize = 100;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// A category from `GET /api/v1/categories`; offers in it and below it match.
    pub category_id: i64,
    #[schema(max_length = 5000)]
    pub description: String,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: i64,
    /// Unit of the quantity, e.g. `박스`, `kg`, `EA`.
    #[schema(min_length = 1, max_length = 20)]
    pub unit: String,
    /// The most the agency will pay for the whole quantity.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub budget_won: i64,
    /// District code from `GET /api/v1/districts`.
    #[schema(min_length = 5, max_length = 5)]
    pub delivery_district: String,
    /// Where to deliver (the order's delivery address); the agency's name when omitted.
    #[schema(min_length = 1, max_length = 200)]
    pub delivery_address: Option<String>,
    /// `YYYY-MM-DD`, after today.
    #[schema(format = Date)]
    pub deliver_by: String,
    /// Whether the quantity may be split across several enterprises (공동판로).
    pub allow_consortium: bool,
    /// RFC 3339, in the future and before `deliver_by`: quotes are sealed until then.
    #[schema(format = DateTime)]
    pub quotes_due: Option<String>,
}

/// A request whose every field is well-formed.
#[derive(Debug, Clone)]
pub struct ParsedRequest {
    pub title: String,
    pub category_id: i64,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub budget_won: i64,
    pub delivery_district: String,
    pub delivery_address: Option<String>,
    pub deliver_by: NaiveDate,
    pub allow_consortium: bool,
    pub quotes_due: Option<NaiveDateTime>,
}

impl NewRequest {
    pub fn parse(&self, now: NaiveDateTime) -> DomainResult<ParsedRequest> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text::line(&self.title, 1, 200));
        let description = errors.check("description", text::free(&self.description, 0, 5000));
        let quantity = errors.check("quantity", in_range(self.quantity, 1, MAX_REQUEST_QUANTITY));
        let unit = errors.check("unit", text::line(&self.unit, 1, 20));
        let budget_won = errors.check("budget_won", in_range(self.budget_won, 1, MAX_BUDGET_WON));
        let delivery_district = errors.check(
            "delivery_district",
            muhan_core::values::district_code(&self.delivery_district),
        );
        let delivery_address = match &self.delivery_address {
            Some(a) => errors.check("delivery_address", text::line(a, 1, 200)),
            None => None,
        };
        let deliver_by = match NaiveDate::parse_from_str(self.deliver_by.trim(), "%Y-%m-%d") {
            Ok(d) if d <= now.date() => {
                errors.push("deliver_by", "must be after today");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("deliver_by", "must be a date as YYYY-MM-DD");
                None
            }
        };
        let quotes_due = match &self.quotes_due {
            None => None,
            Some(raw) => match DateTime::parse_from_rfc3339(raw.trim()) {
                Ok(at) => {
                    let at = at.naive_utc();
                    if at <= now {
                        errors.push("quotes_due", "must be in the future");
                        None
                    } else if deliver_by.is_some_and(|d| at.date() >= d) {
                        errors.push("quotes_due", "must be before deliver_by");
                        None
                    } else {
                        Some(at)
                    }
                }
                Err(_) => {
                    errors.push("quotes_due", "must be an RFC 3339 timestamp");
                    None
                }
            },
        };
        errors.finish(ErrorCode::ValidationFailed)?;
        match (
            title,
            description,
            quantity,
            unit,
            budget_won,
            delivery_district,
            deliver_by,
        ) {
            (
                Some(title),
                Some(description),
                Some(quantity),
                Some(unit),
                Some(budget_won),
                Some(delivery_district),
                Some(deliver_by),
            ) => Ok(ParsedRequest {
                title,
                category_id: self.category_id,
                description,
                quantity,
                unit,
                budget_won,
                delivery_district,
                delivery_address,
                deliver_by,
                allow_consortium: self.allow_consortium,
                quotes_due,
            }),
            _ => Err(muhan_core::DomainError::internal(
                "unreachable: checked fields",
            )),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuote {
    /// One of the enterprise's approved products in the request's category (or below it);
    /// omitted for something made to order.
    pub product_id: Option<i64>,
    #[schema(minimum = 1, maximum = 10_000_000_000_i64)]
    pub unit_price_won: i64,
    /// At most the request's quantity (less when the enterprise offers part of it).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: i64,
    /// Days from today to delivery; the delivery must be possible by `deliver_by`.
    #[schema(minimum = 0, maximum = 365)]
    pub lead_time_days: i64,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedQuote {
    pub product_id: Option<i64>,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub total_won: i64,
    pub lead_time_days: i64,
    pub note: Option<String>,
}

impl NewQuote {
    pub fn parse(&self) -> DomainResult<ParsedQuote> {
        let mut errors = FieldErrors::new();
        let unit_price_won = errors.check("unit_price_won", price_won(self.unit_price_won));
        let quantity = errors.check("quantity", in_range(self.quantity, 1, MAX_REQUEST_QUANTITY));
        let lead_time_days = errors.check(
            "lead_time_days",
            in_range(self.lead_time_days, 0, MAX_LEAD_TIME_DAYS),
        );
        let note = match &self.note {
            Some(n) => errors.check("note", text::free(n, 0, 1000)),
            None => None,
        };
        errors.finish(ErrorCode::ValidationFailed)?;
        match (unit_price_won, quantity, lead_time_days) {
            (Some(unit_price_won), Some(quantity), Some(lead_time_days)) => Ok(ParsedQuote {
                product_id: self.product_id,
                unit_price_won,
                quantity,
                // At most 10^10 × 10^6 = 10^16 < i64::MAX.
                total_won: unit_price_won * quantity,
                lead_time_days,
                note,
            }),
            _ => Err(muhan_core::DomainError::internal(
                "unreachable: checked fields",
            )),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// Live quotes of this request, each once; several only when the request allows a
    /// consortium.
    #[schema(schema_with = quote_ids_schema)]
    pub quote_ids: Vec<i64>,
}

/// 1–100 distinct quote ids (utoipa has no field attribute for `uniqueItems`).
fn quote_ids_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        )
        .min_items(Some(1))
        .max_items(Some(MAX_AWARDED_QUOTES))
        .unique_items(true)
        .build()
}

impl AwardRequest {
    /// The quote ids, checked for count and repeats.
    pub fn parse(&self) -> DomainResult<Vec<i64>> {
        let mut errors = FieldErrors::new();
        if self.quote_ids.is_empty() {
            errors.push("quote_ids", "name at least one quote");
        }
        if self.quote_ids.len() > MAX_AWARDED_QUOTES {
            errors.push("quote_ids", format!("at most {MAX_AWARDED_QUOTES} quotes"));
        }
        for (i, id) in self.quote_ids.iter().enumerate() {
            if self.quote_ids[..i].contains(id) {
                errors.push(&format!("quote_ids[{i}]"), "repeats an earlier quote");
            }
        }
        errors.finish(ErrorCode::ValidationFailed)?;
        Ok(self.quote_ids.clone())
    }
}
