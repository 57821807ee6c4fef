//! The service: one year's release package.

use super::map;
use super::model::{Publisher, ReleasePackage};
use super::settings::OcdsSettings;
use super::store;
use crate::report::parse_year;
use chrono::NaiveDateTime;
use muhan_core::{Actor, DomainError, DomainResult};
use muhan_db::{read_tx, DbConn};

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
