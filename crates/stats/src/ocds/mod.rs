//! The OCDS 1.1 open-data export (Open Contracting Data Standard): the year's procurement
//! processes as a release package. `model` holds the OCDS types, `store` the queries (rows in
//! `rows`), `map` the pure mapping, `package` the service; `settings` what the publisher
//! configures.

mod map;
pub mod model;
mod package;
mod rows;
pub mod settings;
mod store;

pub use crate::report::{parse_year, FIRST_YEAR, LAST_YEAR};
pub use model::ReleasePackage;
pub use package::release_package;
pub use settings::{OcdsSettings, DEFAULT_LICENSE, DEFAULT_OCID_PREFIX, DEFAULT_PUBLISHER_NAME};
