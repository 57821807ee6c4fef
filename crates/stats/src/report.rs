//! What the statistics answer: the report types the services return, the api serialises as
//! JSON and the exports lay out as CSV and XLSX. Pure data, no IO.

use chrono::NaiveDate;
use muhan_core::{in_range, text_enum, DomainError, DomainResult, ErrorCode, FieldErrors};
use serde::Serialize;
use utoipa::ToSchema;

text_enum! {
    /// What one row of the sales report stands for.
    GroupBy {
        Year = "year",
        Month = "month",
        Enterprise = "enterprise",
        EnterpriseKind = "enterprise_kind",
        District = "district",
        Category = "category",
        Agency = "agency",
    }
}

text_enum! {
    /// The level of the goods classification (물품분류) that `group_by=category` rolls up to:
    /// its 8-digit code is segment (2 digits), family (4), class (6), commodity (8).
    CategoryLevel { Segment = "segment", Family = "family", Class = "class", Commodity = "commodity" }
}

text_enum! {
    /// How an order came about: bought from the catalog (바로구매) or awarded on a procurement
    /// request (견적).
    ContractType { Catalog = "catalog", Rfq = "rfq" }
}

impl GroupBy {
    /// Whether every order falls in exactly one group (it has one date and one agency), so
    /// the groups' order counts add up to the report's; an order can span enterprises and
    /// categories.
    pub fn partitions_orders(self) -> bool {
        matches!(self, GroupBy::Year | GroupBy::Month | GroupBy::Agency)
    }
}

impl CategoryLevel {
    /// How many leading digits of the category code name a group at this level.
    pub fn code_digits(self) -> usize {
        match self {
            CategoryLevel::Segment => 2,
            CategoryLevel::Family => 4,
            CategoryLevel::Class => 6,
            CategoryLevel::Commodity => 8,
        }
    }
}

/// What the sales report was asked for, after parsing: the edge builds it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesQuery {
    /// First day counted (inclusive), if any.
    pub from: Option<NaiveDate>,
    /// Last day counted (inclusive), if any.
    pub to: Option<NaiveDate>,
    pub group_by: GroupBy,
    /// Only meaningful with `group_by=category`.
    pub category_level: CategoryLevel,
    pub contract_type: Option<ContractType>,
}

/// One group of the sales report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesRow {
    /// The group: the id (as a string) for enterprise, agency and category; the enum value for
    /// enterprise_kind; the district code; `YYYY` for year and `YYYY-MM` for month.
    pub key: String,
    /// The group's Korean name (e.g. `2019년 3월`, `수성구`, `인증 사회적기업`).
    pub label: String,
    /// Distinct orders with revenue in the group.
    pub orders: i64,
    /// Units sold in the group.
    pub quantity: i64,
    pub revenue_won: i64,
}

/// The report's totals: `orders` counts distinct orders over the whole report (an order that
/// falls in two groups counts once), `quantity` and `revenue_won` add up the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesTotal {
    pub orders: i64,
    pub quantity: i64,
    pub revenue_won: i64,
}

/// `GET /stats/sales`: one row per group, in key order (time) or by revenue (everything else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesReport {
    pub rows: Vec<SalesRow>,
    pub total: SalesTotal,
}

/// `GET /stats/summary`: the year at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Summary {
    pub year: i32,
    pub revenue_won: i64,
    pub previous_year_revenue_won: i64,
    /// Growth over the previous year in basis points (10000 = +100 %), rounded down; null when
    /// the previous year had no revenue.
    pub growth_bp: Option<i64>,
    pub orders: i64,
    /// Enterprises with revenue in the year.
    pub active_enterprises: i64,
    /// Agencies with purchases in the year.
    pub active_agencies: i64,
}

/// One agency's priority-purchase result (우선구매 실적) for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityRow {
    pub agency_id: i64,
    pub agency_name: String,
    /// The agency's planned total purchases for the year (구매계획 총액); null without a plan.
    pub total_purchase_won: Option<i64>,
    /// The agency's target share of social-economy purchases; null without a plan.
    pub social_target_bp: Option<i64>,
    /// Bought through Muhan in the year from social-economy enterprises of every kind.
    pub social_economy_won: i64,
    /// The part of it bought from certified social enterprises (인증 사회적기업).
    pub certified_social_enterprise_won: i64,
    /// `social_economy_won / total_purchase_won` in basis points, rounded down; null without a
    /// plan (or with a zero total).
    pub ratio_bp: Option<i64>,
    /// `ratio_bp ≥ social_target_bp`; null without a plan.
    pub attained: Option<bool>,
}

/// `GET /stats/priority-purchase`: a row per agency in the caller's scope, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityReport {
    pub year: i32,
    pub rows: Vec<PriorityRow>,
}

text_enum! {
    /// How a report is answered: JSON, or a file to download (CSV with a BOM, XLSX workbook).
    Format { Json = "json", Csv = "csv", Xlsx = "xlsx" }
}

/// The years a report or package may be asked for.
pub const FIRST_YEAR: i64 = 2000;
pub const LAST_YEAR: i64 = 2100;

/// Checks the year (422 outside `FIRST_YEAR..=LAST_YEAR`).
pub fn parse_year(year: i64) -> DomainResult<i32> {
    let mut errors = FieldErrors::new();
    let year = errors.check("year", in_range(year, FIRST_YEAR, LAST_YEAR));
    errors.finish(ErrorCode::ValidationFailed)?;
    year.and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| DomainError::internal("unreachable: checked year"))
}
