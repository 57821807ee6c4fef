//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations.

use crate::routes::{admin_users, auth, ops};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Muhan API",
        description = "Shared-sales marketplace of the social economy: enterprises list \
                       products, public buyers order and inspect, the co-op settles.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        ops::health,
        ops::ready,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        admin_users::list,
        admin_users::approve,
        admin_users::suspend,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "ops", description = "Liveness and readiness"),
        (name = "auth", description = "Login, tokens and the caller's account"),
        (name = "admin", description = "Co-op administration"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON with a trailing newline (what `muhan openapi` prints and
/// `openapi/openapi.json` holds).
pub fn to_pretty_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&ApiDoc::openapi())?;
    json.push('\n');
    Ok(json)
}
