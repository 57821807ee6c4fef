//! What clients see of procurement requests, quotes, their events and matches. Plain types,
//! no queries.

use chrono::{NaiveDate, NaiveDateTime};
use muhan_core::{text_enum, EnterpriseKind};
use serde::Serialize;

text_enum! {
    /// `open` until awarded, closed (ended without award) or cancelled by the buyer.
    RequestStatus {
        Open = "open",
        Awarded = "awarded",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// A quote is `submitted` (live) until withdrawn by its enterprise or decided by the award
    /// (or by the request's closing or cancellation: `not_awarded`).
    QuoteStatus {
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Awarded = "awarded",
        NotAwarded = "not_awarded",
    }
}

text_enum! {
    /// What happened to a request.
    RequestEventKind {
        Created = "created",
        QuoteSubmitted = "quote_submitted",
        QuoteWithdrawn = "quote_withdrawn",
        /// The sealed quotes were first seen after their deadline (개찰).
        QuotesOpened = "quotes_opened",
        Awarded = "awarded",
        Cancelled = "cancelled",
        Closed = "closed",
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcurementRequest {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub buyer_id: i64,
    pub title: String,
    pub category_id: i64,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub budget_won: i64,
    pub delivery_district: String,
    pub delivery_address: String,
    pub deliver_by: NaiveDate,
    pub allow_consortium: bool,
    /// Quotes are sealed until then, and no quote can be submitted or withdrawn after it.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub quotes_due: Option<NaiveDateTime>,
    pub status: RequestStatus,
    /// The order the award became.
    pub order_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quote {
    pub id: i64,
    pub request_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub enterprise_kind: EnterpriseKind,
    pub enterprise_district: String,
    pub product_id: Option<i64>,
    pub unit_price_won: i64,
    pub quantity: i64,
    /// `unit_price_won × quantity`.
    pub total_won: i64,
    pub lead_time_days: i64,
    pub note: Option<String>,
    pub status: QuoteStatus,
    /// The quote's match score in [0, 1] among the request's live quotes (the engine's formula,
    /// `GET .../matches`); 0 for a quote that is no longer live.
    pub score: f64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
}

/// A request's quotes as the caller may see them: the buyer's agency and admins see every
/// live quote side by side (sorted by total) once they are no longer sealed; an enterprise
/// sees only its own.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuoteList {
    pub items: Vec<Quote>,
    /// `true` while the quotes are sealed (before `quotes_due`): the buyer sees only the count.
    pub sealed: bool,
    /// How many quotes `items` would hold (for an enterprise, its own).
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestEvent {
    pub id: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub at: NaiveDateTime,
    pub actor_id: i64,
    pub kind: RequestEventKind,
    pub quote_id: Option<i64>,
    pub order_id: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestEventList {
    pub items: Vec<RequestEvent>,
}

/// Each factor's contribution to the score (its weight × its value in [0, 1]); they add up
/// to the score. See the `muhan_matching::engine` documentation for the formula.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    pub category: f64,
    pub price: f64,
    pub capacity: f64,
    pub lead_time: f64,
    pub locality: f64,
    pub certification: f64,
    pub fairness: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub enterprise_kind: EnterpriseKind,
    pub enterprise_district: String,
    pub product_id: i64,
    pub product_name: String,
    pub unit_price_won: i64,
    pub available_qty: i64,
    pub min_order_qty: i64,
    pub lead_time_days: i64,
    /// In [0, 1]; candidates are sorted by it (ties by enterprise id).
    pub score: f64,
    pub breakdown: Breakdown,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AllocationLine {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub product_id: i64,
    pub quantity: i64,
    pub unit_price_won: i64,
    pub subtotal_won: i64,
}

/// The proposed split of the quantity (one line when one enterprise can supply it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Allocation {
    pub lines: Vec<AllocationLine>,
    pub total_won: i64,
    pub covered_qty: i64,
    pub fully_covered: bool,
    /// `true` when the split is the least-cost one under the rules (always for the sizes a
    /// request allows in practice: see the engine's bound); `false` for the feasible greedy
    /// split answered beyond that bound.
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Matches {
    pub candidates: Vec<Candidate>,
    /// How many candidates are eligible in all (`candidates` holds the first `limit`).
    pub eligible: i64,
    pub allocation: Allocation,
}
