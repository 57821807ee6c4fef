//! A report as a file to download: its bytes, media type and the name it is saved under.

use super::disposition;
use crate::report::Format;

/// The file formats a report can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// UTF-8 with a byte-order mark (so Excel shows Korean), CRLF, a header row.
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
}

impl FileFormat {
    /// The file format asked for, or `None` for JSON.
    pub fn of(format: Format) -> Option<Self> {
        match format {
            Format::Json => None,
            Format::Csv => Some(FileFormat::Csv),
            Format::Xlsx => Some(FileFormat::Xlsx),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => XLSX_MEDIA_TYPE,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

const XLSX_MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a file is called: a Korean name for people, an ASCII one for old clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub korean: String,
    pub ascii: String,
}

#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub format: FileFormat,
    pub name: FileName,
}

impl ExportFile {
    pub fn content_type(&self) -> &'static str {
        self.format.content_type()
    }

    /// `attachment` with both names (RFC 6266; the Korean one encoded per RFC 5987).
    pub fn content_disposition(&self) -> String {
        let extension = self.format.extension();
        disposition::attachment(
            &format!("{}.{extension}", self.name.korean),
            &format!("{}.{extension}", self.name.ascii),
        )
    }
}
