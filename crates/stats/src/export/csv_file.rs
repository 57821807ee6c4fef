//! CSV: UTF-8 with a byte-order mark (Excel otherwise guesses the legacy code page and shows
//! Korean as mojibake), CRLF line ends (RFC 4180), the header row, then one row per record.
//! No totals row: every row is a record, so a program can add them up itself.

use super::table::Table;
use muhan_core::{DomainError, DomainResult};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(table: &Table) -> DomainResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer
        .write_record(&table.headers)
        .map_err(DomainError::internal)?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(|cell| cell.to_plain_text()))
            .map_err(DomainError::internal)?;
    }
    writer.into_inner().map_err(DomainError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::Cell;

    #[test]
    fn bom_header_and_quoted_fields() {
        let table = Table {
            sheet: "s".into(),
            headers: vec!["이름".into(), "매출액(원)".into()],
            rows: vec![
                vec![Cell::text("달구벌, \"협동조합\""), Cell::Amount(1_500_000)],
                vec![Cell::text("수성"), Cell::Percent(523)],
            ],
            totals: Some(vec![Cell::text("합계"), Cell::Amount(1)]),
            frozen_columns: 0,
            notes: vec![],
        };
        let bytes = write(&table).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "이름,매출액(원)\r\n\"달구벌, \"\"협동조합\"\"\",1500000\r\n수성,5.23\r\n"
        );
    }
}
