//! The OpenAPI document: the frame here (info, tags, shared components), the operations from
//! the route table (`routes::configure`), which registers each endpoint once for both.

mod inputs;
mod links;

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
        contact(name = "Muhan maintainers"),
    ),
    // Relative to wherever the document is served from.
    servers((url = "/")),
    // Enums used only as query parameters are not collected automatically.
    components(schemas(
        crate::error::Problem,
        crate::download::Workbook,
        muhan_catalog::catalog::Sort,
        muhan_core::EnterpriseKind,
        muhan_core::EnterpriseStatus,
        muhan_core::ProductStatus,
        muhan_core::AgencyKind,
        muhan_core::Role,
        muhan_core::UserStatus,
        muhan_orders::status::FulfillmentStatus,
        muhan_orders::queries::Overdue,
        muhan_stats::report::CategoryLevel,
        muhan_stats::report::ContractType,
        muhan_stats::report::Format,
        muhan_stats::report::GroupBy,
    )),
    modifiers(&BearerAuth, &ProblemResponses),
    // In the order people use them, as the operations are (`routes::configure`).
    tags(
        (name = "ops", description = "Liveness and readiness"),
        (name = "auth", description = "Signup, login, tokens and the caller's account"),
        (name = "enterprises", description = "Member enterprises and the directory"),
        (name = "agencies", description = "Public agencies and purchase plans"),
        (name = "reference", description = "Districts and the goods classification"),
        (name = "catalog", description = "Products and catalog search"),
        (name = "orders", description = "Direct purchase, the fulfillment lifecycle (accept, ship, deliver, inspect, claim payment, pay, settle) and settlements"),
        (name = "procurement", description = "Procurement requests (견적 요청), matching, quotes and awards"),
        (name = "stats", description = "Sales statistics, the yearly summary and the priority-purchase report (JSON, CSV, XLSX)"),
        (name = "ocds", description = "Open data: procurement processes as OCDS 1.1 release packages"),
        (name = "admin", description = "Co-op administration of user accounts: list, approve, suspend"),
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
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login`: a JWT signed with HS256 \
                         and a server secret, following RFC8725 (RFC 8725, JWT best current practices): \
                         the algorithm is pinned to HS256 (any other `alg`, `none` included, is \
                         refused), `exp` is enforced, and a suspended account's tokens stop \
                         working at once.",
                    ))
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

/// Adds what the route table cannot say by itself: the problem responses common to each kind
/// of operation (`problems::add_common`), a description naming who may call each operation,
/// the input rules every string and integer meets (`inputs`) and the links between operations.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    inputs::complete(doc);
    // The API is public (an OWASP inventory rule asks each server to say so).
    for server in doc.servers.iter_mut().flatten() {
        let mut public = utoipa::openapi::extensions::Extensions::default();
        public.insert("x-internal".to_owned(), serde_json::Value::Bool(false));
        server.extensions = Some(public);
    }
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
            describe(operation);
            links::add(operation);
        }
    }
}

/// Every operation gets a description: the doc comment's text after its first paragraph (the
/// summary, which names who may call the operation), or the summary if there is none, and the
/// token the operation needs by its security.
fn describe(operation: &mut utoipa::openapi::path::Operation) {
    let who = match problems::access_of(operation) {
        problems::Access::Anyone => "Anyone may call this; no token is read.",
        problems::Access::OptionalToken => {
            "Public: no token needed; a token that is sent must be valid and may show more."
        }
        problems::Access::SignedIn => "Any signed-in account that is not suspended.",
        problems::Access::Active => {
            "Needs the bearer token of an active account: 403 for an account that is not \
             active yet and for roles this operation is not for."
        }
    };
    let text = operation
        .description
        .take()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| operation.summary.clone())
        .unwrap_or_default();
    operation.description = Some(if text.is_empty() {
        who.to_owned()
    } else {
        format!("{text}\n\n{who}")
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_links_name_what_exists() {
        let doc = serde_json::to_value(document()).unwrap_or_default();
        for (schema, property) in inputs::ruled_fields() {
            assert!(
                doc["components"]["schemas"][schema]["properties"]
                    .get(property)
                    .is_some(),
                "{schema}.{property} is not in the document"
            );
        }
        let ids: Vec<String> = doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(|item| item.as_object())
            .flat_map(|item| item.values())
            .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
            .collect();
        for (source, target) in links::targets() {
            assert!(ids.iter().any(|i| i == source), "{source}");
            assert!(ids.iter().any(|i| i == target), "{target}");
        }
    }

    #[test]
    fn patterns_are_the_text_rules() {
        // The patterns' character classes list exactly the characters the rules refuse.
        let text = inputs::text();
        for refused in [
            '\0', '\u{7}', '\u{1b}', '\u{85}', '\u{202e}', '\u{2066}', '\u{61c}',
        ] {
            assert!(muhan_core::text::check_input(&refused.to_string()).is_err());
            assert!(
                text.contains(&format!("{:04X}", refused as u32)) || text.contains("\\x00-\\x08")
            );
        }
    }
}
