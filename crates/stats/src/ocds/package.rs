//! The service: one year's release package.

use super::map;
use super::model::{Publisher, ReleasePackage};
use super::settings::OcdsSettings;
use super::store;
use chrono::NaiveDateTime;
use muhan_core::values::in_range;
use muhan_core::{Actor, DomainError, DomainResult, ErrorCode, FieldErrors};
use muhan_db::{read_tx, DbConn};

/// The years a package may be asked for.
pub const FIRST_YEAR: i64 = 2000;
pub const LAST_YEAR: i64 = 2100;

/// Checks the year (422 outside `FIRST_YEAR..=LAST_YEAR`).
pub fn parse_year(year: i64) -> DomainResult<i32> {
    let mut errors = FieldErrors::new();
    let year = errors.check("year", in_range(year, FIRST_YEAR, LAST_YEAR));
    errors.finish(ErrorCode::ValidationFailed)?;
    year.and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| DomainError::internal("unreachable: checked year"))
}

/// The OCDS release package of the procurement processes of `year` (admins only): every
/// procurement request created in the year and every catalog order placed in it (UTC), each
/// as one release of its current state. `uri` is where this package is served; `now` decides
/// whether sealed quotes may be shown. A year without any process is 404 (a package holds at least one release).
pub fn release_package(
    conn: &mut DbConn,
    actor: &Actor,
    settings: &OcdsSettings,
    year: i64,
    uri: String,
    now: NaiveDateTime,
) -> DomainResult<ReleasePackage> {
    actor.require_admin()?;
    let year = parse_year(year)?;
    let data = read_tx(conn, |c| store::load_year(c, year))?;
    let (releases, last_change) = map::releases(&data, &settings.ocid_prefix, now)?;
    let Some(last_change) = last_change else {
        return Err(DomainError::NotFound(format!(
            "procurement processes of {year}"
        )));
    };
    Ok(ReleasePackage {
        uri,
        version: "1.1".into(),
        // Generated on demand: the last change of what it holds, as the standard asks.
        published_date: map::date(last_change),
        publisher: Publisher {
            name: settings.publisher_name.trim().to_owned(),
            uri: settings.publisher_uri.clone(),
        },
        license: settings.license.clone(),
        publication_policy: settings.publication_policy.clone(),
        releases,
    })
}
