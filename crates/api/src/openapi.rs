//! The OpenAPI document: the frame here (info, tags, shared components), the operations from
//! the route table (`routes::configure`), which registers each endpoint once for both.

use crate::{problems, routes};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Muhan API",
        description = "Shared-sales marketplace of the social economy: enterprises list \
                       products, public buyers order and inspect, the co-op settles.",
        license(name = "AGPL-3.0-or-later"),
    ),
    // Enums used only as query parameters are not collected automatically.
    components(schemas(
        crate::error::Problem,
        muhan_catalog::catalog::Sort,
        muhan_core::EnterpriseKind,
        muhan_core::EnterpriseStatus,
        muhan_core::ProductStatus,
        muhan_core::AgencyKind,
        muhan_core::Role,
        muhan_core::UserStatus,
        muhan_orders::status::FulfillmentStatus,
        muhan_orders::queries::Overdue,
    )),
    modifiers(&BearerAuth, &ProblemResponses),
    tags(
        (name = "ops", description = "Liveness and readiness"),
        (name = "auth", description = "Login, tokens and the caller's account"),
        (name = "admin", description = "Co-op administration"),
        (name = "reference", description = "Districts and the goods classification"),
        (name = "enterprises", description = "Member enterprises and the directory"),
        (name = "agencies", description = "Public agencies and purchase plans"),
        (name = "catalog", description = "Products and catalog search"),
        (name = "orders", description = "Direct purchase, fulfillment lifecycle and settlement"),
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

/// The shared problem responses, and on every operation the ones its kind can answer.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, response) in problems::all() {
            components.responses.insert(name.to_owned(), response);
        }
    }
}

/// Adds the problem responses common to each kind of operation (`problems::add_common`).
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let uses_database = path != "/health";
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            problems::add_common(operation, uses_database);
        }
    }
}

/// The whole document: the frame with every operation of the route table.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    complete(&mut doc);
    doc
}

/// The document as pretty JSON with a trailing newline (what `muhan openapi` prints and
/// `openapi/openapi.json` holds).
pub fn to_pretty_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&document())?;
    json.push('\n');
    Ok(json)
}
