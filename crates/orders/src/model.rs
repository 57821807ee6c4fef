//! The order model: what clients see of orders, fulfillments, lines, warnings and events,
//! and the parts of an order being placed. Plain types, no queries.

use crate::status::FulfillmentStatus;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::Queryable;
use muhan_core::EnterpriseKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Line {
    #[serde(skip)]
    pub fulfillment_id: i64,
    /// `null` for an awarded quote that names no catalog product.
    pub product_id: Option<i64>,
    pub product_name: String,
    pub unit: String,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub line_total_won: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Fulfillment {
    pub id: i64,
    pub order_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub status: FulfillmentStatus,
    pub subtotal_won: i64,
    /// The co-op's commission, rounded down to whole won.
    pub commission_won: i64,
    /// What the co-op paid the enterprise (`subtotal_won - commission_won`), once settled.
    pub settlement_won: Option<i64>,
    pub lines: Vec<Line>,
    pub reject_reason: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub delivered_at: Option<NaiveDateTime>,
    /// Delivery date + 14 days: the buyer must inspect (검사) by then.
    pub inspection_due: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub payment_claimed_at: Option<NaiveDateTime>,
    /// Payment claim date + 5 days: the buyer must pay by then.
    pub payment_due: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub paid_at: Option<NaiveDateTime>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub settled_at: Option<NaiveDateTime>,
}

/// A note attached to an order when it was placed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Warning {
    /// `possible_split_purchase`
    pub code: String,
    pub message: String,
    pub enterprise_id: i64,
    pub category_id: i64,
    /// This agency's catalog purchases from the enterprise in the category over 30 days,
    /// including this order.
    pub total_won: i64,
    pub limit_won: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub address: String,
    pub district: String,
    pub requested_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub id: i64,
    /// `MH-YYYY-NNNNNN`
    pub order_no: String,
    pub agency_id: i64,
    pub buyer_id: i64,
    /// `catalog` (direct purchase) or `rfq` (awarded quotes).
    pub contract_type: String,
    /// Derived from the fulfillments: the least advanced live one (for an enterprise user,
    /// from its own fulfillment only).
    pub status: FulfillmentStatus,
    /// Sum of the visible fulfillments' subtotals.
    pub total_won: i64,
    pub delivery: Delivery,
    pub note: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
    pub fulfillments: Vec<Fulfillment>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub at: NaiveDateTime,
    pub actor_id: i64,
    pub fulfillment_id: Option<i64>,
    /// `null` for the event that placed the fulfillment.
    pub from: Option<String>,
    pub to: String,
    pub note: Option<String>,
}

/// One enterprise's part of the order being placed.
pub(crate) struct Part {
    pub(crate) enterprise_id: i64,
    pub(crate) enterprise_name: String,
    pub(crate) kind: EnterpriseKind,
    pub(crate) lines: Vec<PartLine>,
    pub(crate) subtotal: i64,
}

pub(crate) struct PartLine {
    pub(crate) product_id: i64,
    pub(crate) category_id: i64,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) unit_price_won: i64,
    pub(crate) quantity: i64,
    pub(crate) line_total_won: i64,
}
