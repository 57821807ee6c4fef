//! The yearly summary as a two-column sheet: what, and how much.

use super::file::FileName;
use super::layout::{provenance, Layout};
use super::sales::REVENUE_RULE;
use super::table::{Cell, Table};
use crate::report::Summary;
use chrono::NaiveDateTime;

pub fn layout(summary: &Summary, now: NaiveDateTime) -> Layout {
    let year = summary.year;
    let rows = [
        ("연도", Cell::Plain(i64::from(year))),
        ("매출액(원)", Cell::Amount(summary.revenue_won)),
        (
            "전년 매출액(원)",
            Cell::Amount(summary.previous_year_revenue_won),
        ),
        (
            "전년 대비 성장률",
            Cell::percent_or_empty(summary.growth_bp),
        ),
        ("주문 수", Cell::Amount(summary.orders)),
        ("매출 기업 수", Cell::Amount(summary.active_enterprises)),
        ("구매 기관 수", Cell::Amount(summary.active_agencies)),
    ]
    .into_iter()
    .map(|(label, value)| vec![Cell::text(label), value])
    .collect();
    let title = format!("{year}년 매출 요약");
    let mut notes = vec![
        ("보고서".to_owned(), title.clone()),
        ("기간".to_owned(), format!("{year}-01-01 ~ {year}-12-31")),
        ("매출 기준".to_owned(), REVENUE_RULE.to_owned()),
        (
            "성장률".to_owned(),
            "전년 대비, 소수 둘째 자리 아래 버림. 전년 매출이 없으면 빈칸.".to_owned(),
        ),
    ];
    notes.extend(provenance(now));
    Layout {
        table: Table {
            sheet: "매출 요약".to_owned(),
            headers: vec!["항목".to_owned(), "값".to_owned()],
            rows,
            totals: None,
            frozen_columns: 1,
            notes,
        },
        title,
        name: FileName {
            korean: format!("매출요약_{year}"),
            ascii: format!("sales_summary_{year}"),
        },
    }
}
