//! Rows as the generators build them and the store writes them, ids included, one struct per
//! table (plain data, no IO).

use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: &'static str,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub enterprise_id: Option<i64>,
    pub agency_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct EnterpriseRow {
    pub id: i64,
    pub name: String,
    pub biz_reg_no: String,
    pub kind: &'static str,
    pub district: &'static str,
    pub representative: String,
    pub phone: String,
    pub address: String,
    pub description: String,
    pub employees: i64,
    pub vulnerable_employees: i64,
    pub status: &'static str,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Index into the specialties of `goods` (what it sells).
    pub specialty: usize,
}

#[derive(Debug, Clone)]
pub struct AgencyRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub district: &'static str,
    pub parent_id: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Relative purchasing weight (city hall large, a school small).
    pub weight: u32,
}

#[derive(Debug, Clone)]
pub struct PlanRow {
    pub agency_id: i64,
    pub year: i64,
    pub total_purchase_won: i64,
    pub social_target_bp: i64,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct ProductRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub category_id: i64,
    pub name: String,
    pub description: String,
    pub unit: &'static str,
    pub price_won: i64,
    pub min_order_qty: i64,
    pub stock: i64,
    pub lead_time_days: i64,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub search: (String, String, String, String),
}

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub agency_id: i64,
    pub buyer_id: i64,
    pub contract_type: &'static str,
    pub status: &'static str,
    pub total_won: i64,
    pub delivery_address: String,
    pub delivery_district: &'static str,
    pub requested_date: NaiveDate,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct FulfillmentRow {
    pub id: i64,
    pub order_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub status: &'static str,
    pub subtotal_won: i64,
    pub commission_bp: i64,
    pub commission_won: i64,
    pub reject_reason: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub inspection_due: Option<NaiveDate>,
    pub payment_claimed_at: Option<NaiveDateTime>,
    pub payment_due: Option<NaiveDate>,
    pub paid_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    pub settlement_won: Option<i64>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct LineRow {
    pub id: i64,
    pub fulfillment_id: i64,
    pub product_id: Option<i64>,
    pub category_id: i64,
    pub product_name: String,
    pub unit: &'static str,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub line_total_won: i64,
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub order_id: i64,
    pub fulfillment_id: Option<i64>,
    pub actor_id: i64,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct PurchaseTotalRow {
    pub agency_id: i64,
    pub enterprise_id: i64,
    pub category_id: i64,
    pub day: NaiveDate,
    pub total_won: i64,
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub agency_id: i64,
    pub buyer_id: i64,
    pub title: String,
    pub category_id: i64,
    pub description: String,
    pub quantity: i64,
    pub unit: &'static str,
    pub budget_won: i64,
    pub delivery_district: &'static str,
    pub delivery_address: String,
    pub deliver_by: NaiveDate,
    pub allow_consortium: bool,
    pub quotes_due: Option<NaiveDateTime>,
    pub status: &'static str,
    pub order_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct QuoteRow {
    pub id: i64,
    pub request_id: i64,
    pub enterprise_id: i64,
    pub product_id: Option<i64>,
    pub unit_price_won: i64,
    pub quantity: i64,
    pub total_won: i64,
    pub lead_time_days: i64,
    pub note: Option<String>,
    pub status: &'static str,
    pub submitted_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct RequestEventRow {
    pub id: i64,
    pub request_id: i64,
    pub actor_id: i64,
    pub kind: &'static str,
    pub quote_id: Option<i64>,
    pub order_id: Option<i64>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// Everything an order generator produced.
#[derive(Debug, Default)]
pub struct OrderSet {
    pub orders: Vec<OrderRow>,
    pub fulfillments: Vec<FulfillmentRow>,
    pub lines: Vec<LineRow>,
    pub events: Vec<EventRow>,
    pub requests: Vec<RequestRow>,
    pub quotes: Vec<QuoteRow>,
    pub request_events: Vec<RequestEventRow>,
}

/// The whole demo data set.
#[derive(Debug, Default)]
pub struct DemoData {
    pub enterprises: Vec<EnterpriseRow>,
    pub agencies: Vec<AgencyRow>,
    pub plans: Vec<PlanRow>,
    pub users: Vec<UserRow>,
    pub products: Vec<ProductRow>,
    pub orders: OrderSet,
    pub purchase_totals: Vec<PurchaseTotalRow>,
}
