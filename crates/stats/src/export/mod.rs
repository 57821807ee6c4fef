//! Every statistic and report as a file: CSV (UTF-8 with BOM, header row, one row per
//! record) or an XLSX workbook (typed cells, thousands separators, totals row, frozen
//! header), named for what it holds and when. Pure: the reports come in, bytes go out.

mod csv_file;
mod disposition;
mod encode;
mod file;
mod layout;
mod priority;
mod quotes;
mod sales;
mod summary;
mod table;
mod xlsx_file;

pub use file::{ExportFile, FileFormat, FileName};
pub use quotes::{QuoteColumn, QuoteSheet};

use crate::report::{PriorityReport, SalesQuery, SalesReport, Summary};
use chrono::NaiveDateTime;
use encode::encode;
use muhan_core::DomainResult;

pub fn sales_file(
    report: &SalesReport,
    query: &SalesQuery,
    format: FileFormat,
    now: NaiveDateTime,
) -> DomainResult<ExportFile> {
    encode(sales::layout(report, query, now), format)
}

pub fn summary_file(
    summary: &Summary,
    format: FileFormat,
    now: NaiveDateTime,
) -> DomainResult<ExportFile> {
    encode(summary::layout(summary, now), format)
}

pub fn priority_file(
    report: &PriorityReport,
    format: FileFormat,
    now: NaiveDateTime,
) -> DomainResult<ExportFile> {
    encode(priority::layout(report, now), format)
}

pub fn quotes_file(
    sheet: &QuoteSheet,
    format: FileFormat,
    now: NaiveDateTime,
) -> DomainResult<ExportFile> {
    encode(quotes::layout(sheet, now), format)
}
