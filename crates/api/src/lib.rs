//! The HTTP layer: thin handlers that parse requests into typed values, call a domain service
//! on the blocking pool and turn the result into JSON or problem+json.

pub mod app;
pub mod auth_user;
pub mod download;
pub mod edge;
pub mod error;
pub mod if_match;
pub mod json;
pub mod known_routes;
pub mod openapi;
pub mod pagination;
pub mod problems;
pub mod request_id;
pub mod routes;
pub mod state;

pub use app::build_app;
pub use auth_user::AuthUser;
pub use error::{ApiError, Problem};
pub use openapi::ApiDoc;
pub use state::AppState;
