//! What the export reads from the database for one year: plain rows, no queries.

use chrono::NaiveDateTime;
use diesel::Queryable;

#[derive(Debug, Clone, Queryable)]
pub struct RequestRow {
    pub id: i64,
    pub agency_id: i64,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub quantity: i64,
    pub unit: String,
    pub budget_won: i64,
    pub quotes_due: Option<NaiveDateTime>,
    pub status: String,
    pub order_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A quote that was not withdrawn: its enterprise tendered.
#[derive(Debug, Clone, Queryable)]
pub struct TenderRow {
    pub request_id: i64,
    pub enterprise_id: i64,
}

#[derive(Debug, Clone, Queryable)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub agency_id: i64,
    pub contract_type: String,
    pub total_won: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct FulfillmentRow {
    pub id: i64,
    pub order_id: i64,
    pub enterprise_id: i64,
    pub status: String,
    pub subtotal_won: i64,
    pub paid_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct LineRow {
    pub id: i64,
    pub fulfillment_id: i64,
    pub category_id: i64,
    pub product_name: String,
    pub unit: String,
    pub unit_price_won: i64,
    pub quantity: i64,
}

/// When a fulfillment was first accepted by its enterprise (the contract came into force).
#[derive(Debug, Clone, Queryable)]
pub struct AcceptedRow {
    pub fulfillment_id: i64,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct AgencyRow {
    pub id: i64,
    pub name: String,
    pub district: Option<String>,
}

#[derive(Debug, Clone, Queryable)]
pub struct EnterpriseRow {
    pub id: i64,
    pub name: String,
    pub biz_reg_no: String,
    pub district: String,
    pub address: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct DistrictRow {
    pub code: String,
    pub name: String,
    pub sido: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct CategoryRow {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Everything one year's package is made of: the procurement requests created in the year
/// with their tenders and the orders they became, and the catalog orders placed in the year;
/// with those orders' fulfillments, lines and acceptances, and the agencies, enterprises,
/// districts and categories they name. Each list is in id order.
#[derive(Debug, Clone, Default)]
pub struct YearData {
    pub requests: Vec<RequestRow>,
    pub tenders: Vec<TenderRow>,
    pub orders: Vec<OrderRow>,
    pub fulfillments: Vec<FulfillmentRow>,
    pub lines: Vec<LineRow>,
    pub accepted: Vec<AcceptedRow>,
    pub agencies: Vec<AgencyRow>,
    pub enterprises: Vec<EnterpriseRow>,
    pub districts: Vec<DistrictRow>,
    pub categories: Vec<CategoryRow>,
}
