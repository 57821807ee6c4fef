//! The dashboard web app: every asset embedded in the binary, served under `/dashboard/`
//! with strict security headers. Not an API operation: nothing here is in the OpenAPI
//! document. Depends on actix-web only, never on the domain crates.

mod assets;
mod headers;
mod routes;

pub use routes::configure;

/// Paths served here, for the API's 404/405 handling (all GET).
pub const PATHS: [&str; 4] = ["/", "/dashboard", "/dashboard/", "/dashboard/assets/{name}"];
