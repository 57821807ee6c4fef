//! The sales report as a sheet: one row per group, then the totals.

use super::file::FileName;
use super::layout::{provenance, Layout};
use super::table::{Cell, Table};
use crate::report::{CategoryLevel, ContractType, GroupBy, SalesQuery, SalesReport, SalesRow};
use chrono::NaiveDateTime;

/// The revenue rule, as the sheet states it.
pub const REVENUE_RULE: &str =
    "반려·취소되지 않은 납품의 주문 금액, 주문일(UTC) 기준. 바로구매와 견적 낙찰 주문 포함.";

pub fn layout(report: &SalesReport, query: &SalesQuery, now: NaiveDateTime) -> Layout {
    let group = Group::of(query.group_by, query.category_level);
    let headers = ["코드", group.noun, "주문 수", "수량", "매출액(원)"]
        .map(str::to_owned)
        .to_vec();
    let rows = report
        .rows
        .iter()
        .map(|row| {
            vec![
                key_cell(query.group_by, row),
                Cell::text(&row.label),
                Cell::Amount(row.orders),
                Cell::Amount(row.quantity),
                Cell::Amount(row.revenue_won),
            ]
        })
        .collect();
    let totals = vec![
        Cell::text("합계"),
        Cell::Empty,
        Cell::Amount(report.total.orders),
        Cell::Amount(report.total.quantity),
        Cell::Amount(report.total.revenue_won),
    ];
    let from = query.from.map(|d| d.to_string());
    let to = query.to.map(|d| d.to_string());
    let period = format!(
        "{} ~ {}",
        from.as_deref().unwrap_or("처음"),
        to.as_deref().unwrap_or("현재")
    );
    let (contract_ko, contract_ascii) = match query.contract_type {
        None => ("", ""),
        Some(ContractType::Catalog) => ("_바로구매", "_catalog"),
        Some(ContractType::Rfq) => ("_견적", "_rfq"),
    };
    let today = now.date().to_string();
    let span = format!(
        "{}_{}",
        from.as_deref().unwrap_or("처음"),
        to.as_deref().unwrap_or(&today)
    );
    let ascii_span = format!(
        "{}_{}",
        from.as_deref().unwrap_or("start"),
        to.as_deref().unwrap_or(&today)
    );
    let title = format!("{} 매출 ({period})", group.adverb);
    let mut notes = vec![
        ("보고서".to_owned(), title.clone()),
        ("기간".to_owned(), period),
        (
            "계약 방식".to_owned(),
            match query.contract_type {
                None => "전체",
                Some(ContractType::Catalog) => "바로구매",
                Some(ContractType::Rfq) => "견적 낙찰",
            }
            .to_owned(),
        ),
        ("매출 기준".to_owned(), REVENUE_RULE.to_owned()),
        (
            "주문 수 합계".to_owned(),
            "서로 다른 주문의 수 (여러 행에 걸친 주문은 한 번)".to_owned(),
        ),
    ];
    notes.extend(provenance(now));
    Layout {
        table: Table {
            sheet: format!("{} 매출", group.adverb),
            headers,
            rows,
            totals: Some(totals),
            frozen_columns: 2,
            notes,
        },
        title,
        name: FileName {
            korean: format!("매출_{}{contract_ko}_{span}", group.adverb),
            ascii: format!("sales_{}{contract_ascii}_{ascii_span}", group.ascii),
        },
    }
}

/// Ids and years as numbers; codes (which may start with 0) and months as text.
fn key_cell(group_by: GroupBy, row: &SalesRow) -> Cell {
    match group_by {
        GroupBy::Year | GroupBy::Enterprise | GroupBy::Agency => row
            .key
            .parse()
            .map_or_else(|_| Cell::text(&row.key), Cell::Plain),
        _ => Cell::text(&row.key),
    }
}

struct Group {
    /// The column naming the group.
    noun: &'static str,
    /// `월별` and the like, for titles and file names.
    adverb: &'static str,
    ascii: &'static str,
}

impl Group {
    fn of(group_by: GroupBy, level: CategoryLevel) -> Self {
        let (noun, adverb, ascii) = match group_by {
            GroupBy::Year => ("연도", "연도별", "year"),
            GroupBy::Month => ("월", "월별", "month"),
            GroupBy::Enterprise => ("기업", "기업별", "enterprise"),
            GroupBy::EnterpriseKind => ("기업 유형", "기업유형별", "enterprise_kind"),
            GroupBy::District => ("구·군", "지역별", "district"),
            GroupBy::Agency => ("기관", "기관별", "agency"),
            GroupBy::Category => match level {
                CategoryLevel::Segment => ("품목 대분류", "품목대분류별", "category_segment"),
                CategoryLevel::Family => ("품목 중분류", "품목중분류별", "category_family"),
                CategoryLevel::Class => ("품목 소분류", "품목소분류별", "category_class"),
                CategoryLevel::Commodity => ("품목 세분류", "품목세분류별", "category_commodity"),
            },
        };
        Group {
            noun,
            adverb,
            ascii,
        }
    }
}
