//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations.

use crate::routes::{
    admin_users, agencies, auth, enterprises, ops, orders, products, reference, signup,
};
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
        signup::enterprise,
        signup::buyer,
        reference::list_districts,
        reference::category_tree,
        reference::create_category,
        enterprises::list,
        enterprises::get,
        enterprises::update,
        enterprises::verify,
        enterprises::suspend,
        agencies::create,
        agencies::list,
        agencies::get,
        agencies::update,
        agencies::put_plan,
        agencies::plans,
        products::list,
        products::create,
        products::get,
        products::update,
        products::set_stock,
        products::archive,
        products::approve,
        products::reject,
        orders::place,
        orders::list,
        orders::get,
        orders::events,
        orders::cancel,
        orders::accept,
        orders::reject,
        orders::ship,
        orders::deliver,
        orders::inspect,
        orders::claim_payment,
        orders::mark_paid,
        orders::settle,
        orders::list_fulfillments,
        orders::settlements,
    ),
    // Enums used only as query parameters are not collected automatically.
    components(schemas(
        muhan_catalog::catalog::Sort,
        muhan_core::EnterpriseKind,
        muhan_core::EnterpriseStatus,
        muhan_core::ProductStatus,
        muhan_core::AgencyKind,
        muhan_core::Role,
        muhan_core::UserStatus,
        muhan_orders::lifecycle::FulfillmentStatus,
        muhan_orders::queries::Overdue,
    )),
    modifiers(&BearerAuth),
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

/// The document as pretty JSON with a trailing newline (what `muhan openapi` prints and
/// `openapi/openapi.json` holds).
pub fn to_pretty_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&ApiDoc::openapi())?;
    json.push('\n');
    Ok(json)
}
