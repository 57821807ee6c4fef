//! The priority-purchase report (우선구매 실적) as a sheet: a row per agency, then the totals.

use super::file::FileName;
use super::layout::{provenance, Layout};
use super::table::{Cell, Table};
use crate::report::PriorityReport;
use chrono::NaiveDateTime;

pub fn layout(report: &PriorityReport, now: NaiveDateTime) -> Layout {
    let year = report.year;
    let headers = [
        "기관 ID",
        "기관명",
        "구매계획 총액(원)",
        "목표 비율",
        "사회적경제기업 구매액(원)",
        "인증 사회적기업 구매액(원)",
        "구매 비율",
        "달성 여부",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = report
        .rows
        .iter()
        .map(|row| {
            vec![
                Cell::Plain(row.agency_id),
                Cell::text(&row.agency_name),
                Cell::amount_or_empty(row.total_purchase_won),
                Cell::percent_or_empty(row.social_target_bp),
                Cell::Amount(row.social_economy_won),
                Cell::Amount(row.certified_social_enterprise_won),
                Cell::percent_or_empty(row.ratio_bp),
                match row.attained {
                    None => Cell::text("계획 없음"),
                    Some(true) => Cell::text("달성"),
                    Some(false) => Cell::text("미달"),
                },
            ]
        })
        .collect();
    let with_plan = report.rows.iter().filter(|r| r.attained.is_some()).count();
    let attained = report
        .rows
        .iter()
        .filter(|r| r.attained == Some(true))
        .count();
    let totals = vec![
        Cell::text("합계"),
        Cell::text(format!("{}개 기관", report.rows.len())),
        Cell::Amount(
            report
                .rows
                .iter()
                .filter_map(|r| r.total_purchase_won)
                .sum(),
        ),
        Cell::Empty,
        Cell::Amount(report.rows.iter().map(|r| r.social_economy_won).sum()),
        Cell::Amount(
            report
                .rows
                .iter()
                .map(|r| r.certified_social_enterprise_won)
                .sum(),
        ),
        Cell::Empty,
        Cell::text(format!("{attained}/{with_plan} 달성")),
    ];
    let title = format!("{year}년 우선구매 실적");
    let mut notes = vec![
        ("보고서".to_owned(), title.clone()),
        ("기간".to_owned(), format!("{year}-01-01 ~ {year}-12-31")),
        (
            "구매 비율".to_owned(),
            "사회적경제기업 구매액 ÷ 구매계획 총액 (소수 둘째 자리 아래 버림)".to_owned(),
        ),
        (
            "달성 여부".to_owned(),
            "구매 비율이 목표 비율 이상이면 달성. 구매계획이 없으면 '계획 없음'(비율은 빈칸)."
                .to_owned(),
        ),
        (
            "구매액".to_owned(),
            "Muhan을 통한 구매만 (반려·취소되지 않은 납품, 주문일 기준)".to_owned(),
        ),
    ];
    notes.extend(provenance(now));
    Layout {
        table: Table {
            sheet: "우선구매 실적".to_owned(),
            headers,
            rows,
            totals: Some(totals),
            frozen_columns: 2,
            notes,
        },
        title,
        name: FileName {
            korean: format!("우선구매실적_{year}"),
            ascii: format!("priority_purchase_{year}"),
        },
    }
}
