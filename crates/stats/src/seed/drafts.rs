//! Orders and procurement requests as the generator first draws them, before ids: what was
//! bought from whom, when, and how each part's lifecycle went.

use super::lifecycle::{Plan, Step};
use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone)]
pub struct DraftLine {
    pub product_id: i64,
    pub category_id: i64,
    pub name: String,
    pub unit: &'static str,
    pub price: i64,
    pub quantity: i64,
}

impl DraftLine {
    pub fn total(&self) -> i64 {
        self.price * self.quantity
    }
}

/// One enterprise's part of an order (a fulfillment).
#[derive(Debug, Clone)]
pub struct DraftPart {
    pub enterprise_id: i64,
    pub plan: Plan,
    /// The private-contract limit this part is within.
    pub limit: i64,
    pub lines: Vec<DraftLine>,
    pub steps: Vec<Step>,
}

impl DraftPart {
    pub fn subtotal(&self) -> i64 {
        self.lines.iter().map(DraftLine::total).sum()
    }
}

#[derive(Debug, Clone)]
pub struct DraftQuote {
    pub enterprise_id: i64,
    pub product_id: i64,
    pub price: i64,
    pub quantity: i64,
    pub lead_time_days: i64,
    pub status: &'static str,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct DraftRequest {
    pub agency: usize,
    pub created_at: NaiveDateTime,
    pub title: String,
    pub category_id: i64,
    pub description: String,
    pub quantity: i64,
    pub unit: &'static str,
    pub budget_won: i64,
    pub deliver_by: NaiveDate,
    pub address: String,
    pub allow_consortium: bool,
    pub quotes_due: Option<NaiveDateTime>,
    pub status: &'static str,
    /// When it was awarded, closed or cancelled.
    pub decided_at: Option<NaiveDateTime>,
    pub quotes: Vec<DraftQuote>,
}

#[derive(Debug, Clone)]
pub struct DraftOrder {
    pub agency: usize,
    pub created_at: NaiveDateTime,
    pub address: String,
    pub requested_date: NaiveDate,
    pub note: Option<&'static str>,
    pub parts: Vec<DraftPart>,
    /// The request an rfq order was awarded on.
    pub request: Option<DraftRequest>,
}

impl DraftOrder {
    /// Revenue by the rule: parts neither rejected nor cancelled.
    pub fn counted(&self) -> i64 {
        self.parts
            .iter()
            .filter(|p| p.plan.counts())
            .map(DraftPart::subtotal)
            .sum()
    }
}
