//! A report laid out for a file: typed cells in rows under headers, an optional totals row
//! and the notes that say what the sheet holds. CSV and XLSX both write from this.

/// One cell, typed so each format can write it as what it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count or an amount of won: a number shown with thousands separators.
    Amount(i64),
    /// An identifier or a year: a number shown without separators.
    Plain(i64),
    /// Basis points (10000 = 100 %), shown as a percentage with two decimals.
    Percent(i64),
    /// A score in [0, 1], three decimals.
    Score(f64),
    Empty,
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    pub fn percent_or_empty(bp: Option<i64>) -> Self {
        bp.map_or(Cell::Empty, Cell::Percent)
    }

    pub fn amount_or_empty(value: Option<i64>) -> Self {
        value.map_or(Cell::Empty, Cell::Amount)
    }

    /// The cell as CSV text: numbers plain (no separators, `.` decimals) so any program
    /// reads them back exactly.
    pub fn to_plain_text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Amount(value) | Cell::Plain(value) => value.to_string(),
            Cell::Percent(bp) => percent_text(*bp),
            Cell::Score(score) => format!("{score:.3}"),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as a person sees it in the workbook, for sizing its column.
    pub fn shown_text(&self) -> String {
        match self {
            Cell::Amount(value) => thousands(*value),
            Cell::Percent(bp) => format!("{}%", percent_text(*bp)),
            other => other.to_plain_text(),
        }
    }
}

/// `bp` basis points as a percentage with two decimals, exactly (`-1234` → `-12.34`).
pub fn percent_text(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let abs = bp.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A sheet: the header row, one row per record, and for workbooks a totals row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The worksheet's name (at most 31 characters, none of `[]:*?/\`).
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Option<Vec<Cell>>,
    /// Leading columns that name a row and stay in view when scrolling sideways.
    pub frozen_columns: u16,
    /// What the sheet holds, for the workbook's second sheet (`정보`): label, value.
    pub notes: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_exact() {
        assert_eq!(percent_text(0), "0.00");
        assert_eq!(percent_text(523), "5.23");
        assert_eq!(percent_text(30000), "300.00");
        assert_eq!(percent_text(-1234), "-12.34");
        assert_eq!(percent_text(-5), "-0.05");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5_600_000_000), "5,600,000,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }
}
