//! XLSX through `rust_xlsxwriter`: numbers as number cells (won and counts with thousands
//! separators, percentages as percentages), a bold header row frozen in place with a filter,
//! a bold totals row, columns sized to their contents, and a second sheet that says what the
//! first one holds.

use super::table::{Cell, Table};
use muhan_core::{DomainError, DomainResult};
use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError};

struct Styles {
    header: Format,
    text: Format,
    amount: Format,
    plain: Format,
    percent: Format,
    score: Format,
}

impl Styles {
    fn new(base: Format) -> Self {
        Styles {
            header: base.clone(),
            text: base.clone(),
            amount: base.clone().set_num_format("#,##0"),
            plain: base.clone().set_num_format("0"),
            percent: base.clone().set_num_format("0.00%"),
            score: base.set_num_format("0.000"),
        }
    }

    fn body() -> Self {
        let mut styles = Styles::new(Format::new());
        styles.header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin);
        styles
    }

    fn totals() -> Self {
        Styles::new(Format::new().set_bold().set_border_top(FormatBorder::Thin))
    }
}

pub fn write(table: &Table, title: &str) -> DomainResult<Vec<u8>> {
    build(table, title).map_err(DomainError::internal)
}

fn build(table: &Table, title: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(title).set_author("Muhan"));
    let body = Styles::body();
    let totals = Styles::totals();
    let sheet = workbook.add_worksheet();
    sheet.set_name(&table.sheet)?;
    for (col, header) in (0u16..).zip(&table.headers) {
        sheet.write_string_with_format(0, col, header, &body.header)?;
    }
    let mut row_index = 1u32;
    for row in &table.rows {
        write_row(sheet, row_index, row, &body)?;
        row_index += 1;
    }
    let last_data_row = row_index - 1;
    if let Some(total_row) = &table.totals {
        write_row(sheet, row_index, total_row, &totals)?;
    }
    let last_col = u16::try_from(table.headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
    sheet.set_freeze_panes(1, table.frozen_columns)?;
    if !table.rows.is_empty() {
        sheet.autofilter(0, 0, last_data_row, last_col)?;
    }
    for (col, width) in (0u16..).zip(column_widths(table)) {
        sheet.set_column_width(col, width)?;
    }
    if !table.notes.is_empty() {
        let about = workbook.add_worksheet();
        about.set_name("정보")?;
        for (row, (label, value)) in (0u32..).zip(&table.notes) {
            about.write_string_with_format(row, 0, label, &body.header)?;
            about.write_string(row, 1, value)?;
        }
        about.set_column_width(0, 16)?;
        about.set_column_width(1, 80)?;
    }
    workbook.save_to_buffer()
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (col, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Text(text) => sheet.write_string_with_format(row, col, text, &styles.text)?,
            // Won amounts stay below 2^53, so an f64 holds them exactly.
            Cell::Amount(value) => {
                sheet.write_number_with_format(row, col, *value as f64, &styles.amount)?
            }
            Cell::Plain(value) => {
                sheet.write_number_with_format(row, col, *value as f64, &styles.plain)?
            }
            Cell::Percent(bp) => {
                sheet.write_number_with_format(row, col, *bp as f64 / 10_000.0, &styles.percent)?
            }
            Cell::Score(score) => {
                sheet.write_number_with_format(row, col, *score, &styles.score)?
            }
            Cell::Empty => sheet.write_blank(row, col, &styles.text)?,
        };
    }
    Ok(())
}

/// Each column as wide as its widest cell as shown (wide characters count two), within
/// reason.
fn column_widths(table: &Table) -> Vec<f64> {
    let mut widths: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    let rows = table.rows.iter().chain(table.totals.iter());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(&cell.shown_text()));
        }
    }
    widths
        .into_iter()
        .map(|w| (w + 2).clamp(8, 60) as f64)
        .collect()
}

fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Hangul, CJK and full-width forms take two columns.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_hangul_twice() {
        assert_eq!(display_width("매출액"), 6);
        assert_eq!(display_width("abc"), 3);
        let table = Table {
            sheet: "s".into(),
            headers: vec!["기관명".into(), "n".into()],
            rows: vec![vec![
                Cell::text("대구광역시 수성구청"),
                Cell::Amount(5_600_000_000),
            ]],
            totals: None,
            frozen_columns: 1,
            notes: vec![],
        };
        assert_eq!(column_widths(&table), vec![21.0, 15.0]);
    }

    #[test]
    fn a_workbook_is_a_zip_archive() {
        let table = Table {
            sheet: "매출".into(),
            headers: vec!["구분".into(), "매출액(원)".into()],
            rows: vec![vec![Cell::text("수성구"), Cell::Amount(10)]],
            totals: Some(vec![Cell::text("합계"), Cell::Amount(10)]),
            frozen_columns: 0,
            notes: vec![("보고서".into(), "매출".into())],
        };
        let bytes = write(&table, "매출").unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }
}
