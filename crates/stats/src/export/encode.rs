//! A laid-out report written in the format asked for.

use super::csv_file;
use super::file::{ExportFile, FileFormat};
use super::layout::Layout;
use super::xlsx_file;
use muhan_core::DomainResult;

pub fn encode(layout: Layout, format: FileFormat) -> DomainResult<ExportFile> {
    let bytes = match format {
        FileFormat::Csv => csv_file::write(&layout.table)?,
        FileFormat::Xlsx => xlsx_file::write(&layout.table, &layout.title)?,
    };
    Ok(ExportFile {
        bytes,
        format,
        name: layout.name,
    })
}
