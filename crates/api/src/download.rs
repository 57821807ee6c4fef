//! Reports answered as files: the bytes with their media type and a `Content-Disposition`
//! that names them; never cached (they hold the caller's scoped figures) or sniffed.

use crate::error::ApiError;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, X_CONTENT_TYPE_OPTIONS};
use actix_web::HttpResponse;
use muhan_core::DomainResult;
use muhan_stats::export::ExportFile;
use serde::Serialize;

/// JSON when no file format is asked for; otherwise the file `make` writes from `value`, on
/// the blocking pool (building a workbook is CPU work).
pub async fn json_or_file<T, F>(
    value: T,
    format: Option<muhan_stats::export::FileFormat>,
    make: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&T, muhan_stats::export::FileFormat) -> DomainResult<ExportFile> + Send + 'static,
{
    match format {
        None => Ok(HttpResponse::Ok().json(value)),
        Some(format) => {
            let file = muhan_db::run_blocking(move || make(&value, format)).await?;
            Ok(file_response(file))
        }
    }
}

pub fn file_response(file: ExportFile) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(file.content_type())
        .insert_header((CONTENT_DISPOSITION, file.content_disposition()))
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(file.bytes)
}

/// An XLSX workbook's bytes, as the OpenAPI document describes them (`string`, `binary`).
pub struct Workbook;

impl utoipa::PartialSchema for Workbook {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("An Office Open XML workbook (XLSX)."))
            .into()
    }
}

impl utoipa::ToSchema for Workbook {}
