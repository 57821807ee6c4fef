//! What every laid-out report carries besides its table: the file's name and title.

use super::file::FileName;
use super::table::Table;
use chrono::NaiveDateTime;

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub table: Table,
    /// The workbook's title (document properties) and the `보고서` note.
    pub title: String,
    pub name: FileName,
}

/// The notes every sheet ends with: when and by what it was made.
pub fn provenance(now: NaiveDateTime) -> Vec<(String, String)> {
    vec![
        (
            "작성 시각".to_owned(),
            format!("{} UTC", now.format("%Y-%m-%d %H:%M")),
        ),
        (
            "작성".to_owned(),
            "Muhan (무한상사 공동판매 플랫폼)".to_owned(),
        ),
    ]
}
