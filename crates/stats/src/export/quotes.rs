//! The quote comparison sheet (견적 비교표): one column per quote, one row per attribute, in
//! the order the request's quotes are listed (by total).

use super::file::FileName;
use super::layout::{provenance, Layout};
use super::table::{Cell, Table};
use crate::labels::kind_label;
use chrono::NaiveDateTime;
use muhan_matching::model::{Quote, QuoteStatus};

/// A quote with what the sheet adds about its enterprise.
#[derive(Debug, Clone)]
pub struct QuoteColumn {
    pub quote: Quote,
    pub biz_reg_no: String,
    pub district_name: String,
}

#[derive(Debug, Clone)]
pub struct QuoteSheet {
    pub request_id: i64,
    pub request_title: String,
    pub quotes: Vec<QuoteColumn>,
}

type Attribute = (&'static str, fn(&QuoteColumn) -> Cell);

const ATTRIBUTES: [Attribute; 14] = [
    ("기업명", |c| Cell::text(&c.quote.enterprise_name)),
    ("사업자등록번호", |c| Cell::text(&c.biz_reg_no)),
    ("기업 유형", |c| {
        Cell::text(kind_label(c.quote.enterprise_kind))
    }),
    ("지역", |c| Cell::text(&c.district_name)),
    ("단가(원)", |c| Cell::Amount(c.quote.unit_price_won)),
    ("수량", |c| Cell::Amount(c.quote.quantity)),
    ("합계(원)", |c| Cell::Amount(c.quote.total_won)),
    ("납기(일)", |c| Cell::Amount(c.quote.lead_time_days)),
    ("점수", |c| Cell::Score(c.quote.score)),
    ("상태", |c| Cell::text(status_label(c.quote.status))),
    ("제출 시각(UTC)", |c| {
        Cell::text(c.quote.created_at.format("%Y-%m-%d %H:%M").to_string())
    }),
    ("견적 ID", |c| Cell::Plain(c.quote.id)),
    ("카탈로그 상품 ID", |c| {
        c.quote.product_id.map_or(Cell::Empty, Cell::Plain)
    }),
    ("비고", |c| {
        c.quote.note.as_deref().map_or(Cell::Empty, Cell::text)
    }),
];

pub fn layout(sheet: &QuoteSheet, now: NaiveDateTime) -> Layout {
    let mut headers = vec!["항목".to_owned()];
    headers.extend((1..=sheet.quotes.len()).map(|n| format!("견적 {n}")));
    let rows = ATTRIBUTES
        .iter()
        .map(|(label, value)| {
            let mut row = vec![Cell::text(*label)];
            row.extend(sheet.quotes.iter().map(value));
            row
        })
        .collect();
    let title = format!(
        "견적 비교표: {} (요청 {})",
        sheet.request_title, sheet.request_id
    );
    let mut notes = vec![
        ("보고서".to_owned(), title.clone()),
        (
            "견적 요청".to_owned(),
            format!("{} ({})", sheet.request_title, sheet.request_id),
        ),
        ("견적 수".to_owned(), sheet.quotes.len().to_string()),
        (
            "점수".to_owned(),
            "요청의 유효 견적 사이에서 매칭 엔진이 매긴 점수 (0~1, 높을수록 좋음)".to_owned(),
        ),
    ];
    notes.extend(provenance(now));
    let date = now.date();
    Layout {
        table: Table {
            sheet: "견적 비교".to_owned(),
            headers,
            rows,
            totals: None,
            frozen_columns: 1,
            notes,
        },
        title,
        name: FileName {
            korean: format!("견적비교_요청{}_{date}", sheet.request_id),
            ascii: format!("quotes_request{}_{date}", sheet.request_id),
        },
    }
}

fn status_label(status: QuoteStatus) -> &'static str {
    match status {
        QuoteStatus::Submitted => "제출",
        QuoteStatus::Withdrawn => "철회",
        QuoteStatus::Awarded => "낙찰",
        QuoteStatus::NotAwarded => "미선정",
    }
}
