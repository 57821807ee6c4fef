//! Sales statistics and the priority-purchase report, as JSON or as files to download.

use crate::auth_user::AuthUser;
use crate::download::json_or_file;
use crate::error::ApiError;
use crate::problems;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use muhan_core::clock;
use muhan_stats::export::{self, FileFormat};
use muhan_stats::report::{
    parse_year, CategoryLevel, ContractType, Format, GroupBy, PriorityReport, SalesQuery,
    SalesReport, Summary,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesParams {
    /// First day counted (inclusive, the order's date in UTC).
    pub from: Option<NaiveDate>,
    /// Last day counted (inclusive).
    pub to: Option<NaiveDate>,
    /// What a row stands for (default `month`).
    pub group_by: Option<GroupBy>,
    /// With `group_by=category`: the classification level rows roll up to (default `segment`).
    pub category_level: Option<CategoryLevel>,
    /// Only catalog orders or only awarded procurement requests.
    pub contract_type: Option<ContractType>,
    /// `json` (default), `csv` (UTF-8 with BOM) or `xlsx`.
    pub format: Option<Format>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The calendar year (UTC; default: the current one).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// `json` (default), `csv` (UTF-8 with BOM) or `xlsx`.
    pub format: Option<Format>,
}

impl YearParams {
    fn year(&self) -> Result<i32, ApiError> {
        let year = self.year.unwrap_or_else(|| i64::from(clock::now().year()));
        Ok(parse_year(year)?)
    }
}

/// Revenue by period, enterprise, kind, district, category or agency — any active account
///
/// Grouped by year, month, enterprise, enterprise kind, district, category or agency.
/// Revenue is the order lines of fulfillments that are not `rejected` or `cancelled`, on the
/// order's date; catalog and rfq orders alike. Admins see everything, buyers their agency,
/// enterprise users their enterprise. Time groups come in calendar order, the others by
/// revenue (largest first); only groups with revenue appear. `total.orders` counts distinct
/// orders over the whole report.
#[utoipa::path(operation_id = "stats_sales", tag = "stats", security(("bearer" = [])),
    params(SalesParams),
    responses(
        (status = 200, description = "JSON, or with `format=csv|xlsx` the file to download (`Content-Disposition: attachment` with its name, RFC 6266/5987)", content(
            (SalesReport = "application/json"),
            (String = "text/csv"),
            (crate::download::Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity)))]
#[get("/stats/sales")]
pub async fn sales(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<SalesParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let query = SalesQuery {
        from: params.from,
        to: params.to,
        group_by: params.group_by.unwrap_or(GroupBy::Month),
        category_level: params.category_level.unwrap_or(CategoryLevel::Segment),
        contract_type: params.contract_type,
    };
    let (actor, asked) = (user.actor(), query.clone());
    let report = muhan_db::with_conn(&state.pool, move |c| {
        muhan_stats::sales_report(c, &actor, &asked)
    })
    .await?;
    json_or_file(report, file_format(params.format), move |r, f| {
        export::sales_file(r, &query, f, clock::now())
    })
    .await
}

/// The year at a glance: revenue, growth, orders and who traded — any active account
///
/// Revenue, growth over the previous year (basis points, rounded down; null without revenue
/// the year before), orders, and the enterprises and agencies that traded, in the caller's
/// scope: admins everything, buyers their agency, enterprise users their enterprise.
#[utoipa::path(operation_id = "stats_summary", tag = "stats", security(("bearer" = [])),
    params(YearParams),
    responses(
        (status = 200, description = "JSON, or with `format=csv|xlsx` the file to download (`Content-Disposition: attachment` with its name, RFC 6266/5987)", content(
            (Summary = "application/json"),
            (String = "text/csv"),
            (crate::download::Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity)))]
#[get("/stats/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<YearParams>,
) -> Result<HttpResponse, ApiError> {
    let (year, actor) = (params.year()?, user.actor());
    let summary =
        muhan_db::with_conn(&state.pool, move |c| muhan_stats::summary(c, &actor, year)).await?;
    json_or_file(summary, file_format(params.format), |s, f| {
        export::summary_file(s, f, clock::now())
    })
    .await
}

/// Each agency's priority-purchase result (우선구매 실적) for a year — an admin or a buyer
///
/// Its purchase plan and target against what it bought through Muhan from social-economy
/// enterprises, and from certified social enterprises among them. Admins see every agency,
/// buyers their own; enterprise users get 403. Plan fields, ratio and attainment are null
/// without a plan.
#[utoipa::path(operation_id = "stats_priority_purchase", tag = "stats", security(("bearer" = [])),
    params(YearParams),
    responses(
        (status = 200, description = "JSON, or with `format=csv|xlsx` the file to download (`Content-Disposition: attachment` with its name, RFC 6266/5987)", content(
            (PriorityReport = "application/json"),
            (String = "text/csv"),
            (crate::download::Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity)))]
#[get("/stats/priority-purchase")]
pub async fn priority_purchase(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<YearParams>,
) -> Result<HttpResponse, ApiError> {
    let (year, actor) = (params.year()?, user.actor());
    let report = muhan_db::with_conn(&state.pool, move |c| {
        muhan_stats::priority_purchase(c, &actor, year)
    })
    .await?;
    json_or_file(report, file_format(params.format), |r, f| {
        export::priority_file(r, f, clock::now())
    })
    .await
}

fn file_format(format: Option<Format>) -> Option<FileFormat> {
    format.and_then(FileFormat::of)
}
