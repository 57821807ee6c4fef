//! The administrative districts reference table.

use diesel::prelude::*;
use muhan_core::{DomainError, DomainResult};
use muhan_db::schema::districts;
use muhan_db::DbConn;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::{LazyLock, RwLock};

#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = districts)]
pub struct District {
    /// Administrative code, e.g. `27110`.
    pub code: String,
    /// Korean name, e.g. `중구`.
    pub name: String,
    pub name_en: String,
    /// The province-level unit, e.g. `대구광역시`.
    pub sido: String,
}

pub fn list(conn: &mut DbConn) -> DomainResult<Vec<District>> {
    Ok(districts::table
        .select(District::as_select())
        .order(districts::code.asc())
        .load(conn)?)
}

pub fn name_of(conn: &mut DbConn, code: &str) -> DomainResult<Option<String>> {
    Ok(districts::table
        .find(code)
        .select(districts::name)
        .first(conn)
        .optional()?)
}

/// Codes already found in the reference table. Districts are reference data, seeded by
/// migrations and referenced by enterprises, agencies and orders, so a code once found stays
/// valid: hot paths (every order) skip the query. A code not seen yet always asks the database.
static KNOWN: LazyLock<RwLock<HashSet<String>>> = LazyLock::new(Default::default);

/// 422 on `field` unless `code` is in the reference table.
pub fn require(conn: &mut DbConn, field: &str, code: &str) -> DomainResult<()> {
    if KNOWN.read().is_ok_and(|known| known.contains(code)) {
        return Ok(());
    }
    match name_of(conn, code)? {
        Some(_) => {
            if let Ok(mut known) = KNOWN.write() {
                known.insert(code.to_owned());
            }
            Ok(())
        }
        None => Err(DomainError::invalid(
            field,
            format!("unknown district code {code}"),
        )),
    }
}
