//! The revenue rule of the contract, written once: revenue is the order lines of fulfillments
//! that are not `rejected` or `cancelled`, counted on the order's date (UTC), direct and rfq
//! orders alike. Every statistic is a `revenue_query` over a `RevenueFilter`, so they cannot
//! disagree about what a sale is. They read `sales_lines`, the ledger the database keeps equal
//! to the order lines with their order's and fulfillment's figures (migration
//! `2026-12-03-000008_sales_lines`), or its sums per fulfilment, `sales_fulfillments`
//! (migration `2026-12-04-000009_sales_fulfillments`), so a yearly report scans one narrow
//! table.

use crate::report::ContractType;
use crate::scope::Scope;
use crate::sql::{Param, Statement};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use muhan_core::{DomainError, DomainResult};

/// The ledger a statistic reads; both hold the same revenue, with the same column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ledger {
    /// `sales_lines`: one row per order line, with the line's category.
    Lines,
    /// `sales_fulfillments`: one row per fulfilment, its lines summed; fewer rows, for
    /// everything that does not look at a line's category.
    Fulfillments,
}

impl Ledger {
    /// The rows revenue is made of, as `s`.
    fn from(self) -> &'static str {
        match self {
            Ledger::Lines => " FROM sales_lines s",
            Ledger::Fulfillments => " FROM sales_fulfillments s",
        }
    }
}

/// What counts: fulfillments neither rejected nor cancelled.
const REVENUE_WHERE: &str = " WHERE s.status NOT IN ('rejected', 'cancelled')";

/// Adds `e`, the fulfilling enterprise.
pub(crate) const JOIN_ENTERPRISE: &str = " JOIN enterprises e ON e.id = s.enterprise_id";

/// Adds `c`, the line's category.
pub(crate) const JOIN_CATEGORY: &str = " JOIN categories c ON c.id = s.category_id";

/// `SELECT <columns>` over the revenue `filter` counts in `ledger`, with the extra `joins`
/// (constants of this module); the caller appends `GROUP BY` and the like.
pub(crate) fn revenue_query(
    ledger: Ledger,
    columns: &str,
    joins: &str,
    filter: &RevenueFilter,
) -> Statement {
    filter.apply(
        Statement::new("SELECT ")
            .sql(columns)
            .sql(ledger.from())
            .sql(joins)
            .sql(REVENUE_WHERE),
    )
}

/// Which revenue a statistic counts: a date range, a contract type and the caller's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RevenueFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub contract_type: Option<ContractType>,
    pub scope: Scope,
}

impl RevenueFilter {
    /// The calendar year `year` for `scope`, any contract type.
    pub(crate) fn year(year: i32, scope: Scope) -> DomainResult<Self> {
        let day = |m, d| {
            NaiveDate::from_ymd_opt(year, m, d)
                .ok_or_else(|| DomainError::invalid("year", "out of range"))
        };
        Ok(RevenueFilter {
            from: Some(day(1, 1)?),
            to: Some(day(12, 31)?),
            contract_type: None,
            scope,
        })
    }

    /// `statement` (which ends inside the revenue WHERE) with this filter's conditions.
    fn apply(&self, mut statement: Statement) -> Statement {
        if let Some(from) = self.from {
            statement = statement
                .sql(" AND s.ordered_at >= ")
                .bind(Param::Timestamp(start_of(from)));
        }
        if let Some(after) = self.to.and_then(|to| to.succ_opt()) {
            statement = statement
                .sql(" AND s.ordered_at < ")
                .bind(Param::Timestamp(start_of(after)));
        }
        if let Some(kind) = self.contract_type {
            statement = statement
                .sql(" AND s.contract_type = ")
                .bind(Param::Text(kind.as_str().to_owned()));
        }
        match self.scope {
            Scope::All => statement,
            Scope::Agency(id) => statement.sql(" AND s.agency_id = ").bind(Param::BigInt(id)),
            Scope::Enterprise(id) => statement
                .sql(" AND s.enterprise_id = ")
                .bind(Param::BigInt(id)),
        }
    }
}

fn start_of(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}
